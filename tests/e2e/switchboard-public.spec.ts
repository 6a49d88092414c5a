import { expect, type Page, test } from "@playwright/test";
import { DEMO_MARIE } from "../../app/features/demo/demo-accounts";
import { SERVICE_CATALOGUE } from "../../app/features/switchboard/catalogue";
import { SERVICE_KEYS, type ServiceKey } from "../../app/features/switchboard/types";
import { expectAccessible, fillLogin, loginStaff } from "./support";
import { addDays } from "../../app/platform/time/civil-date";
import { parisDateOf } from "../../app/platform/time/paris";

/*
 * What the public sees of the switchboard: the status page, its Atom feed, the site banner, the
 * shutter of a closed service and the e-mail fallback of online claims. Changes are made the way
 * an admin makes them, through /admin/services. Other specs may have changed services before this
 * one runs (one server for the whole run): assertions follow the status page, not assumptions.
 */

const QUOTES = SERVICE_CATALOGUE["devis-en-ligne"];
const CLAIMS = SERVICE_CATALOGUE["remboursements-en-ligne"];

/** The public state label of each service, as the status page shows it. */
async function publicStates(page: Page): Promise<Record<ServiceKey, string>> {
  await page.goto("/statut");
  const states = {} as Record<ServiceKey, string>;
  for (const key of SERVICE_KEYS) {
    const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name: SERVICE_CATALOGUE[key].label, exact: true }) });
    const text = await item.locator("p", { hasText: /^État : / }).textContent();
    states[key] = (text ?? "").replace(/^État : /, "").trim();
  }
  return states;
}

/** Closes (or falls back) one service through the back office, as admin Alice. */
async function changeThroughBackOffice(page: Page, label: string, mode: "Fermer" | "Passer en mode de secours", publicMessage: string, expectedReturn?: string) {
  await loginStaff(page, "admin.alice@bascule.example");
  await page.goto("/admin/services");
  const form = page.locator("form", { has: page.getByRole("group", { name: /Services concernés/ }) });
  await form.getByRole("checkbox", { name: label, exact: true }).check();
  await form.getByRole("radio", { name: mode, exact: true }).check();
  await form.getByLabel("Motif (interne)").fill("Test de bout en bout du rideau");
  await form.getByLabel("Message au public").fill(publicMessage);
  if (expectedReturn) await form.getByLabel("Retour prévu (facultatif)").fill(expectedReturn);
  await form.getByRole("button", { name: "Prévisualiser l’impact" }).click();
  await page.getByRole("button", { name: mode === "Fermer" ? "Confirmer la fermeture" : "Confirmer le mode de secours" }).click();
  await expect(page).toHaveURL(/\/admin\/services\?applique=\d+$/);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion/);
}

test("the status page lists every service with its state in plain French, links its feed, and is accessible", async ({ page }) => {
  const response = await page.goto("/statut");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "État des services en ligne" })).toBeVisible();
  for (const key of SERVICE_KEYS) {
    await expect(page.getByRole("heading", { level: 3, name: SERVICE_CATALOGUE[key].label, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("heading", { level: 2, name: "Historique des 90 derniers jours" })).toBeVisible();
  await expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute("href", "/statut.atom");
  await expect(page.getByRole("link", { name: "Suivre les changements avec le flux Atom" })).toHaveAttribute("href", "/statut.atom");
  await expectAccessible(page);
});

test("the Atom feed is well-formed Atom 1.0", async ({ page, request }) => {
  const response = await request.get("/statut.atom");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/atom+xml; charset=utf-8");
  const xml = await response.text();
  await page.goto("/statut");
  const feed = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, "application/xml");
    const ns = "http://www.w3.org/2005/Atom";
    const root = doc.documentElement;
    const child = (name: string) => Array.from(root.children).find((c) => c.namespaceURI === ns && c.localName === name);
    return {
      parseError: doc.getElementsByTagName("parsererror").length > 0,
      root: `${root.namespaceURI} ${root.localName}`,
      id: child("id")?.textContent ?? null,
      title: child("title")?.textContent ?? null,
      updated: child("updated")?.textContent ?? null,
      self: Array.from(root.children).find((c) => c.localName === "link" && c.getAttribute("rel") === "self")?.getAttribute("href") ?? null,
      entries: Array.from(doc.getElementsByTagNameNS(ns, "entry")).map((e) => ({
        id: e.getElementsByTagNameNS(ns, "id")[0]?.textContent ?? "",
        updated: e.getElementsByTagNameNS(ns, "updated")[0]?.textContent ?? "",
        contentType: e.getElementsByTagNameNS(ns, "content")[0]?.getAttribute("type") ?? "",
      })),
    };
  }, xml);
  expect(feed.parseError).toBe(false);
  expect(feed.root).toBe("http://www.w3.org/2005/Atom feed");
  expect(feed.id).toBe("urn:bascule:switchboard:status");
  expect(feed.title).toBeTruthy();
  expect(Number.isNaN(Date.parse(feed.updated ?? ""))).toBe(false);
  expect(feed.self).toMatch(/\/statut\.atom$/);
  for (const entry of feed.entries) {
    expect(entry.id).toMatch(/^urn:bascule:switchboard:event:\d+$/);
    expect(Number.isNaN(Date.parse(entry.updated))).toBe(false);
    expect(entry.contentType).toBe("text");
  }
});

test("the site banner lists exactly the services that are not open", async ({ page }) => {
  const states = await publicStates(page);
  const degraded = SERVICE_KEYS.filter((key) => states[key] !== "Ouvert");
  await page.goto("/");
  const banner = page.getByRole("region", { name: "Services en ligne perturbés" });
  if (degraded.length === 0) {
    await expect(banner).toHaveCount(0);
    return;
  }
  await expect(banner).toContainText("Certains services en ligne sont perturbés");
  await expect(banner.getByRole("listitem")).toHaveCount(degraded.length);
  for (const key of degraded) await expect(banner).toContainText(SERVICE_CATALOGUE[key].label);
  await expectAccessible(page);
});

test("when an admin closes online quotes, prospects get the shutter and APIs a problem document", async ({ page, browser, request }) => {
  const message = "Nous mettons à jour nos tarifs <b>2027</b>.";
  if ((await publicStates(page))["devis-en-ligne"] !== "Fermé") {
    const tomorrow = addDays(parisDateOf(new Date()), 1);
    await changeThroughBackOffice(page, QUOTES.label, "Fermer", message, `${tomorrow}T18:00`);
  }

  const prospectContext = await browser.newContext();
  const prospect = await prospectContext.newPage();
  const response = await prospect.goto("/devis");
  expect(response?.status()).toBe(503);
  const headers = response!.headers();
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  if (headers["retry-after"] !== undefined) expect(Number(headers["retry-after"])).toBeGreaterThanOrEqual(60);
  await expect(prospect.getByRole("heading", { level: 1 })).toHaveText(`Le service « ${QUOTES.label} » est temporairement indisponible`);
  await expect(prospect.getByRole("main")).toContainText(QUOTES.alternativeChannel);
  await expect(prospect.getByRole("main")).toContainText(QUOTES.dataNotice);
  await expect(prospect.getByRole("link", { name: "Consulter l’état de tous nos services en ligne" })).toHaveAttribute("href", "/statut");
  await expect(prospect.locator("main b")).toHaveCount(0);
  await expectAccessible(prospect);

  // The skip link and the site's look are those of every page.
  await prospect.keyboard.press("Tab");
  await expect(prospect.getByRole("link", { name: "Aller au contenu" })).toBeFocused();
  expect(await prospect.locator('link[rel="stylesheet"]').count()).toBe(1);

  // A client-side navigation to the closed service ends on the same shutter, as a document.
  await prospect.goto("/statut");
  await prospect.evaluate(() => (window as unknown as { __reactRouterDataRouter: { navigate(to: string): Promise<void> } }).__reactRouterDataRouter.navigate("/devis"));
  await expect(prospect).toHaveURL(/\/devis$/);
  await expect(prospect.getByRole("heading", { level: 1 })).toHaveText(`Le service « ${QUOTES.label} » est temporairement indisponible`);
  await prospectContext.close();

  const api = await request.get("/devis", { headers: { accept: "application/json" } });
  expect(api.status()).toBe(503);
  expect(api.headers()["content-type"]).toBe("application/problem+json; charset=utf-8");
  expect(await api.json()).toMatchObject({
    type: "https://bascule.example/problemes/service-ferme",
    status: 503,
    service: "devis-en-ligne",
    state: "CLOSED",
  });

  const data = await request.get("/devis.data", { maxRedirects: 0 });
  expect(data.status()).toBe(204);
  expect(data.headers()["x-remix-reload-document"]).toBe("true");

  // The closure shows on the status page, in the banner and in the feed.
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Services en ligne perturbés" })).toContainText(QUOTES.label);
  expect(await request.get("/statut.atom").then((r) => r.text())).toContain(`<title>${QUOTES.label} : fermé</title>`);
});

test("when online claims work by e-mail, members get the instructions with their reference", async ({ page, browser }) => {
  if ((await publicStates(page))["remboursements-en-ligne"] !== "Fonctionnement dégradé (par e-mail)") {
    await changeThroughBackOffice(page, CLAIMS.label, "Passer en mode de secours", "Envoyez vos demandes par e-mail pendant la maintenance.");
  }

  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const anonymous = await visitor.goto("/espace/remboursements");
  expect(anonymous?.status()).toBe(503);
  await expect(visitor.getByRole("main")).toContainText("remboursements@bascule.example");
  await expect(visitor.getByRole("main")).toContainText("indiquez votre numéro d’adhérent dans l’objet");
  await expectAccessible(visitor);
  await visitorContext.close();

  await page.goto("/connexion?redirectTo=%2Fespace");
  await fillLogin(page, DEMO_MARIE.email);
  await expect(page).toHaveURL(/\/espace$/);
  await page.goto("/espace/remboursements");
  await expect(page).toHaveURL(/\/espace\/remboursements\/envoi-par-courriel$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Envoyer une demande de remboursement par e-mail");
  await expect(page.getByRole("link", { name: "remboursements@bascule.example" })).toBeVisible();
  await expect(page.getByText(`BAS-${DEMO_MARIE.memberNumber}`, { exact: true })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("N’envoyez jamais vos coordonnées bancaires par e-mail");
  await expectAccessible(page);
});
