import { type Page, expect, test } from "@playwright/test";
import { expectAccessible, waitForMail } from "./support";
import { addDays } from "../../app/platform/time/civil-date";
import { parisDateOf } from "../../app/platform/time/paris";

/*
 * Quotes from the prospect's side: a family gets the four formulas, saves its quote, downloads the
 * PDF and reopens the quote by reference + e-mail; the page also works without JavaScript, and
 * hostile input never gives a server error nor renders as HTML.
 */

const tomorrow = () => addDays(parisDateOf(new Date()), 1);
const startYear = () => Number(tomorrow().slice(0, 4));

async function fillFamily(page: Page) {
  await page.getByLabel("Code postal de votre domicile").fill("83000");
  await page.getByLabel("Date de début souhaitée").fill(tomorrow());
  await page.getByLabel("Votre date de naissance").fill(`${startYear() - 42}-04-02`);
  await page.getByLabel("Date de naissance de votre conjoint").fill(`${startYear() - 40}-09-30`);
  for (const [i, age] of [10, 7, 3].entries()) {
    await page.getByRole("button", { name: "Ajouter un enfant" }).click();
    await page.getByLabel(`Date de naissance de l’enfant ${i + 1}`).fill(`${startYear() - age}-01-15`);
  }
  await page.getByLabel("Optique (lunettes, lentilles)").check();
  await page.getByLabel("Dentaire").check();
}

test("a prospect compares the formulas, saves the quote, downloads the PDF and reopens it", async ({ page, browser }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Obtenir un devis" }).click();
  await expect(page).toHaveURL(/\/devis$/);
  await expect(page).toHaveTitle(/Obtenir un devis/);
  await expectAccessible(page);

  // Errors in French, next to the fields.
  await page.getByRole("button", { name: "Voir les tarifs" }).click();
  await expect(page.getByLabel("Code postal de votre domicile")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Saisissez votre date de naissance")).toBeVisible();
  await expectAccessible(page);

  await fillFamily(page);
  await page.getByRole("button", { name: "Voir les tarifs" }).click();
  const table = page.getByRole("table", { name: /Les quatre formules côte à côte/ });
  await expect(table).toBeVisible();
  for (const name of ["F1 Essentielle", "F2 Équilibre", "F3 Confort", "F4 Excellence"]) {
    await expect(table.getByRole("columnheader", { name })).toBeVisible();
  }
  await expect(table.getByRole("columnheader", { name: /Recommandée/ })).toContainText("F3 Confort");
  // F2, zone 2: 58 + 58 + 22 + 22 + third child free = 160 € a month.
  const monthly = table.getByRole("row", { name: /Total par mois/ });
  await expect(monthly).toContainText(/160,00\s€/);
  await expect(table.getByRole("row", { name: /Enfant 3/ })).toContainText("Gratuit");
  await expectAccessible(page);

  const email = `prospect.${Date.now()}@exemple.fr`;
  const since = Date.now();
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByLabel("M’envoyer ce devis par e-mail").check();
  await page.getByRole("button", { name: "Enregistrer mon devis" }).click();
  await expect(page).toHaveURL(/\/devis\/DV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\?enregistre=1$/);
  const reference = /DV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/.exec(page.url())![0];
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Votre devis ${reference}`);
  await expect(page.getByText("Devis enregistré")).toBeVisible();
  await expect(page.getByRole("link", { name: "Adhérer en ligne avec ce devis" })).toHaveAttribute("href", `/adhesion?devis=${reference}`);
  await expectAccessible(page);

  const mail = await waitForMail(email, since);
  expect(mail).toContain(reference);
  expect(mail).toContain("/devis/retrouver");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Télécharger le devis (PDF)" }).click()]);
  expect(download.suggestedFilename()).toBe(`devis-bascule-${reference}.pdf`);
  const pdf = await page.request.get(`/devis/${reference}/pdf`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["content-disposition"]).toContain("attachment");
  expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");

  // Another browser knows the reference only: it must prove the e-mail address.
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(`/devis/${reference}`);
  await expect(stranger).toHaveURL(new RegExp(`/devis/retrouver\\?reference=${reference}$`));
  expect((await stranger.request.get(`/devis/${reference}/pdf`, { maxRedirects: 0 })).status()).toBe(302);
  await expect(stranger.getByLabel("Référence du devis")).toHaveValue(reference);
  await expectAccessible(stranger);
  await stranger.getByLabel("Adresse e-mail").fill("quelqu.un@exemple.fr");
  await stranger.getByRole("button", { name: "Ouvrir mon devis" }).click();
  await expect(stranger.getByRole("alert")).toContainText("Aucun devis en cours ne correspond");
  await stranger.getByLabel("Adresse e-mail").fill(email.toUpperCase());
  await stranger.getByRole("button", { name: "Ouvrir mon devis" }).click();
  await expect(stranger).toHaveURL(new RegExp(`/devis/${reference}$`));
  await expect(stranger.getByRole("table", { name: "Cotisation de la famille selon la formule" })).toContainText("F3 Confort (recommandée) (retenue)");
  await other.close();
});

test("the quote form works without JavaScript, children included", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/devis");
  await page.getByLabel("Code postal de votre domicile").fill("67000");
  await page.getByLabel("Date de début souhaitée").fill(tomorrow());
  await page.getByLabel("Votre date de naissance").fill(`${startYear() - 27}-04-02`);
  await page.getByRole("button", { name: "Ajouter un enfant" }).click();
  // The server answered the "add a child" intent: the values typed so far are still there.
  await expect(page.getByLabel("Code postal de votre domicile")).toHaveValue("67000");
  await page.getByLabel("Date de naissance de l’enfant 1").fill(`${startYear() - 2}-01-15`);
  await page.getByRole("button", { name: "Voir les tarifs" }).click();
  const table = page.getByRole("table", { name: /Les quatre formules côte à côte/ });
  // Strasbourg: zone 3, Alsace-Moselle × 0.75; F2: 40 × 1.1 × 0.75 + 22 × 1.1 × 0.75 = 33 + 18.15 €.
  await expect(table.getByRole("row", { name: /Total par mois/ })).toContainText(/51,15\s€/);
  await expect(page.getByText("régime local d’Alsace-Moselle")).toBeVisible();
  await context.close();
});

/** A sample of the Big List of Naughty Strings, plus the classics of this portal. */
const NAUGHTY = [
  "",
  " ",
  "undefined",
  "null",
  "NaN",
  "-1",
  "0x0",
  "1E+02",
  "2027-02-30",
  "9999-12-31",
  "0000-00-00",
  "'; DROP TABLE quotes; --",
  "\" OR 1=1 --",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "${7*7}{{7*7}}<%= 7*7 %>",
  "\u0000nul\u0000",
  "\uFEFF\u202Eevil\u200B",
  "Ω≈ç√∫˜µ≤≥÷",
  "田中さんにあげて下さい",
  "ﷺ",
  "👩‍👩‍👧‍👦".repeat(200),
  "a".repeat(20_000),
  "../../../../etc/passwd",
  "%00%0d%0aSet-Cookie:x=1",
  "=cmd|' /C calc'!A0",
];

test("hostile input in every quote field never gives a server error nor renders as HTML", async ({ request, baseURL }) => {
  const headers = { Origin: baseURL! };
  const valid: Record<string, string> = {
    postcode: "83000",
    startDate: tomorrow(),
    memberBirthDate: "1985-04-02",
    spouseBirthDate: "",
    "children[0].birthDate": "2015-01-10",
    priorities: "optique",
    formula: "F2",
    email: "hostile@exemple.fr",
    sendByEmail: "",
  };
  const check = async (path: string, form: Record<string, string>, label: string) => {
    const response = await request.post(path, { headers, form, maxRedirects: 0 });
    expect(response.status(), label).toBeLessThan(500);
    if (response.headers()["content-type"]?.includes("text/html")) {
      const body = await response.text();
      expect(body, label).not.toContain("<script>alert(1)</script>");
      expect(body, label).not.toContain("<img src=x onerror");
    }
  };
  for (const value of NAUGHTY) {
    const short = JSON.stringify(value.slice(0, 30));
    for (const field of [...Object.keys(valid), "_action", "__intent__"]) {
      for (const action of ["compute", "save"]) {
        await check("/devis", { ...valid, _action: action, [field]: value }, `/devis ${action} ${field}=${short}`);
      }
    }
    await check("/devis/retrouver", { reference: value, email: "hostile@exemple.fr" }, `/devis/retrouver reference=${short}`);
    await check("/devis/retrouver", { reference: "DV-2222-2222", email: value }, `/devis/retrouver email=${short}`);
    const get = await request.get(`/devis/${encodeURIComponent(value.slice(0, 200))}`, { maxRedirects: 0 });
    expect(get.status(), `GET /devis/${short}`).toBeLessThan(500);
  }
});
