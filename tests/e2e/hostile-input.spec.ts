import { expect, test } from "@playwright/test";
import { HOSTILE_STRINGS } from "./hostile-strings";

/*
 * Public forms are the riskiest surface: whatever arrives, the answer is a 4xx with a usable page,
 * never a 5xx, and nothing is half-written.
 */

const FORMS: { path: string; fields: string[] }[] = [
  { path: "/connexion", fields: ["email", "password", "redirectTo"] },
  { path: "/activation", fields: ["memberNumber", "birthDate"] },
  { path: "/mot-de-passe-oublie", fields: ["email"] },
  { path: "/activation/jeton-invalide", fields: ["password", "confirmation"] },
  { path: "/mot-de-passe-oublie/jeton-invalide", fields: ["password", "confirmation"] },
  { path: "/connexion/verification", fields: ["code"] },
];

for (const form of FORMS) {
  test(`hostile input on ${form.path} never gives a server error`, async ({ request, baseURL }) => {
    for (const value of HOSTILE_STRINGS) {
      const payload = Object.fromEntries(form.fields.map((f) => [f, value]));
      const response = await request.post(form.path, { headers: { Origin: baseURL! }, form: payload, maxRedirects: 0 });
      expect(response.status(), `${form.path} with ${JSON.stringify(value.slice(0, 40))}`).toBeLessThan(500);
      if (response.headers()["content-type"]?.includes("text/html")) {
        const body = await response.text();
        expect(body).not.toContain("<script>alert(1)</script>");
        expect(body).not.toContain("<img src=x onerror");
      }
    }
  });
}

test("missing fields, repeated fields and wrong encodings are refused cleanly", async ({ request, baseURL }) => {
  const headers = { Origin: baseURL! };
  const cases = [
    request.post("/connexion", { headers, form: {} }),
    request.post("/connexion", { headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, data: "email=a@b.fr&email=c@d.fr&password=x" }),
    request.post("/connexion", { headers: { ...headers, "Content-Type": "application/json" }, data: JSON.stringify({ email: ["x"], password: { $ne: 1 } }) }),
    request.post("/activation", { headers: { ...headers, "Content-Type": "multipart/form-data; boundary=zzz" }, data: "--zzz\r\nbroken" }),
    request.post("/mot-de-passe-oublie", { headers: { ...headers, "Content-Type": "text/plain" }, data: "n'importe quoi" }),
  ];
  for (const response of await Promise.all(cases)) {
    expect(response.status()).toBeGreaterThanOrEqual(400);
    expect(response.status()).toBeLessThan(500);
  }
});

test("an oversized form is refused with 413", async ({ request, baseURL }) => {
  const response = await request.post("/connexion", {
    headers: { Origin: baseURL! },
    form: { email: "a@b.fr", password: "x".repeat(200_000) },
  });
  expect(response.status()).toBe(413);
});
