import { expect, test } from "@playwright/test";
import { expectAccessible, fillLogin } from "./support";

test("the home page presents Bascule, its online services and its contact channels", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Bascule/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nos services en ligne" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nous contacter" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("04 94 00 00 00");
  await expectAccessible(page);
});

test("the skip link moves focus to the main content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Aller au contenu" });
  await expect(skip).toBeFocused();
  await skip.press("Enter");
  await expect(page.locator("#contenu")).toBeFocused();
});

test("anonymous visitors of member and staff pages are sent to the login page", async ({ page }) => {
  await page.goto("/espace/securite");
  await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fespace%2Fsecurite$/);
  await page.goto("/admin/journal");
  await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fadmin%2Fjournal$/);
  await expectAccessible(page);
});

test("a failed login answers 400 with a French message and keeps the page accessible", async ({ page }) => {
  await page.goto("/connexion");
  const responsePromise = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/connexion"));
  await fillLogin(page, "personne.inconnue@exemple.fr", "mauvais mot de passe");
  expect((await responsePromise).status()).toBe(400);
  await expect(page.getByRole("alert")).toContainText("Adresse e-mail ou mot de passe incorrect.");
  await expectAccessible(page);
});

test("invalid input is reported next to the field", async ({ page }) => {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill("pas-une-adresse");
  await page.getByLabel("Mot de passe").fill("x");
  await page.getByRole("button", { name: "Se connecter" }).click();
  const email = page.getByLabel("Adresse e-mail");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  const describedBy = (await email.getAttribute("aria-describedby")) ?? "";
  const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
  expect(errorId).toBeTruthy();
  await expect(page.locator(`[id="${errorId}"]`)).toContainText("adresse e-mail valide");
  await expectAccessible(page);
});

test("the activation and forgotten-password pages are accessible", async ({ page }) => {
  for (const url of ["/activation", "/mot-de-passe-oublie"]) {
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page);
  }
});

test("unknown pages answer 404 with a French page", async ({ page }) => {
  const response = await page.goto("/cette-page-n-existe-pas");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  await expectAccessible(page);
});

test.describe("HTTP security baseline", () => {
  test("pages carry a nonce-based CSP and protective headers, and are never cached", async ({ request }) => {
    const response = await request.get("/");
    const h = response.headers();
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      expect(h["content-security-policy"]).toContain(directive);
    }
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["cache-control"]).toBe("no-store");
    expect(h["x-powered-by"]).toBeUndefined();
    const nonce = /'nonce-([^']+)'/.exec(h["content-security-policy"]!)![1];
    const body = await response.text();
    expect(body).toContain(`nonce="${nonce}"`);
    const second = await request.get("/");
    expect(second.headers()["content-security-policy"]).not.toContain(nonce);
  });

  test("state-changing requests from another origin are refused, resource routes included", async ({ request }) => {
    const crossSite = await request.post("/connexion", {
      headers: { Origin: "https://attaquant.example", "Sec-Fetch-Site": "cross-site" },
      form: { email: "marie.dupont@exemple.fr", password: "bascule-demo-2026" },
      maxRedirects: 0,
    });
    expect(crossSite.status()).toBe(403);
    const foreignOrigin = await request.post("/deconnexion", { headers: { Origin: "https://attaquant.example" }, maxRedirects: 0 });
    expect(foreignOrigin.status()).toBe(403);
    const resource = await request.post("/admin/journal.csv", { headers: { "Sec-Fetch-Site": "cross-site" }, maxRedirects: 0 });
    expect(resource.status()).toBe(403);
  });

  test("the session cookie is HttpOnly and SameSite=Lax", async ({ request, baseURL }) => {
    const response = await request.post("/connexion", {
      headers: { Origin: baseURL! },
      form: { email: "marie.dupont@exemple.fr", password: "bascule-demo-2026" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(302);
    const cookie = response.headers()["set-cookie"] ?? "";
    expect(cookie).toMatch(/^bascule_session=[a-z0-9]+\.[a-z0-9]+;/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });

  test("operations endpoints answer", async ({ request }) => {
    expect((await request.get("/healthz")).status()).toBe(200);
    const ready = await request.get("/readyz");
    expect(ready.status()).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "pglite" });
    await request.get("/");
    const metrics = await (await request.get("/metrics")).text();
    expect(metrics).toMatch(/^bascule_http_request_duration_seconds_count\{[^}]*route="\/"[^}]*\} \d+/m);
    expect(metrics).toMatch(/^bascule_mail_outbox_messages\{status="PENDING"\} \d+/m);
    expect(metrics).toMatch(/^bascule_audit_unsealed_entries \d+$/m);
    expect(metrics).toMatch(/^bascule_audit_oldest_unsealed_seconds [\d.e+-]+$/m);
  });
});
