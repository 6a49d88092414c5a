import { expect, test } from "@playwright/test";

/*
 * The browser tests' server trusts one proxy hop (TRUST_PROXY_HOPS=1, see playwright.config.ts):
 * the client IP is the right-most X-Forwarded-For entry, the one our proxy would append. Entries a
 * client puts to its left change nothing: rotating them does not escape the per-IP login throttle.
 */
test("40 failed logins with rotating spoofed X-Forwarded-For entries end in 429", async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const response = await request.post("/connexion", {
      headers: { Origin: baseURL!, "X-Forwarded-For": `198.51.100.${i + 1}, 203.0.113.${i % 250}, 192.0.2.77` },
      // A different unknown account each time: only the per-IP throttle can stop this.
      form: { email: `inconnu-${i}-${Date.now()}@exemple.fr`, password: "mauvais-mot-de-passe" },
      maxRedirects: 0,
    });
    statuses.push(response.status());
  }
  expect(statuses.slice(0, 29).every((s) => s === 400 || s === 401 || s === 200)).toBe(true);
  expect(statuses.slice(30)).toEqual(Array(10).fill(429));

  // The entry our proxy appends is the client: another one is another client, not throttled.
  const other = await request.post("/connexion", {
    headers: { Origin: baseURL!, "X-Forwarded-For": "198.51.100.1, 192.0.2.78" },
    form: { email: `inconnu-autre-${Date.now()}@exemple.fr`, password: "mauvais-mot-de-passe" },
    maxRedirects: 0,
  });
  expect(other.status()).toBe(400);
});
