import fs from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { DEMO_STAFF } from "../../app/features/demo/demo-accounts";
import { pain001Problems } from "../integration/support/pain001-structure";
import { DATA_DIR, expectAccessible, loginStaff } from "./support";

const handler = DEMO_STAFF.find((s) => s.role === "CLAIMS_HANDLER")!.email;
const alice = DEMO_STAFF.find((s) => s.email.startsWith("admin.alice"))!.email;

/** Quoted-printable body of the demo .eml files, decoded as UTF-8 bytes. */
function decodeQuotedPrintable(raw: string): string {
  const text = raw.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "=" && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The demo mail transport writes .eml files; finds one whose subject names the claim. */
async function waitForMailAbout(claimNumber: string, since: number): Promise<string> {
  const dir = path.join(DATA_DIR, "mail");
  for (let i = 0; i < 60; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".eml")) : [];
    const found = files
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).mtimeMs >= since)
      .map((f) => fs.readFileSync(f, "utf8"))
      .find((raw) => raw.includes(claimNumber));
    if (found) return decodeQuotedPrintable(found);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no mail about ${claimNumber}`);
}

async function openFirstClaim(page: Page, query: string): Promise<string> {
  await page.goto(`/admin/remboursements?${query}`);
  const link = page
    .getByRole("table")
    .getByRole("link", { name: /^RB-\d{4}-\d{7}$/ })
    .first();
  const number = (await link.textContent())!.trim();
  await link.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Demande ${number}`);
  return number;
}

test("a claims handler reviews claims: queue, trace, signals, document, approval, data entry; a hostile reason stays text", async ({
  page,
}) => {
  await loginStaff(page, handler);
  await page.getByRole("link", { name: "Demandes à examiner" }).first().click();
  await expect(page).toHaveURL(/\/admin\/remboursements$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demandes à examiner");
  await expectAccessible(page);

  // Filter the queue: claims in review sent there by a duplicate invoice file.
  await page.getByLabel("Statut").selectOption("REVIEW");
  await page.getByLabel("Motif d’examen").selectOption("DUPLICATE_FILE");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page).toHaveURL(/motif=DUPLICATE_FILE/);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows.nth(1)).toContainText("Justificatif déjà transmis");

  const number = await openFirstClaim(page, "statut=REVIEW&motif=DUPLICATE_FILE");
  await expect(page.getByRole("heading", { name: "Motifs d’examen et signaux de fraude" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("Justificatif déjà transmis");
  await expect(page.getByRole("table", { name: "Trace du calcul, ligne 1" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("•• ••• •••");
  await expectAccessible(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Télécharger facture/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.pdf$/);
  const bytes = fs.readFileSync((await file.path())!);
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");

  // A decision form refuses an empty reason, next to the field.
  await page.getByRole("button", { name: "Refuser la demande" }).click();
  await expect(page.getByLabel("Motif du refus")).toHaveAttribute("aria-invalid", "true");

  const since = Date.now();
  await page.getByRole("button", { name: "Accepter la demande" }).click();
  await expect(page).toHaveURL(/\/admin\/remboursements\?ok=acceptee/);
  await expect(page.getByRole("status")).toContainText(`${number} : La demande a été acceptée`);
  const mail = await waitForMailAbout(number, since);
  expect(mail).toContain(`Votre demande de remboursement n° ${number}`);
  expect(mail).toContain("est acceptée : Bascule vous rembourse");

  // Another claim in review, rejected with markup in the reason: shown as text, never as HTML.
  const hostile = `<img src=x onerror="alert(1)"> Facture illisible`;
  const other = await openFirstClaim(page, "statut=REVIEW");
  await page.getByLabel("Motif du refus").fill(hostile);
  await page.getByRole("button", { name: "Refuser la demande" }).click();
  await expect(page).toHaveURL(/ok=refusee/);
  await page.goto(`/admin/remboursements/${other}`);
  await expect(page.getByText(hostile, { exact: true })).toBeVisible();
  await expect(page.locator('main img[src="x"]')).toHaveCount(0);

  // A claim received by e-mail: the handler keys in its figures, the engine values them.
  await openFirstClaim(page, "motif=DATA_ENTRY_REQUIRED");
  await expect(page.getByRole("heading", { name: "Saisir les montants" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Type de soins").selectOption("GP");
  await page.getByLabel("Date des soins").fill("2026-01-05");
  await page.getByLabel("Professionnel ou établissement").fill("Dr Claire Fontaine");
  await page.getByLabel("Médecin adhérent à l’OPTAM").selectOption("oui");
  await page.getByLabel("Montant payé (€)").fill("30");
  await page.getByLabel("Remboursé par la Sécurité sociale").selectOption("oui");
  await page.getByLabel("Base de remboursement (€)").fill("30");
  await page.getByLabel("Taux (%)").fill("70");
  await page.getByLabel("Montant payé par la Sécurité sociale (€)").fill("19,00");
  await page.getByRole("button", { name: "Valoriser la demande" }).click();
  await expect(page.getByRole("status")).toContainText("Les montants ont été saisis et valorisés");
  await expect(page.getByRole("table", { name: "Trace du calcul, ligne 1" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Accepter la demande" })).toBeVisible();

  // Payments are for administrators only.
  const denied = await page.goto("/admin/paiements");
  expect(denied?.status()).toBe(403);
});

test("an admin creates a payment batch, downloads the SEPA file, marks it paid; the dashboard is accessible", async ({ page }) => {
  await loginStaff(page, alice);
  await page.getByRole("link", { name: "Paiements" }).click();
  await expect(page).toHaveURL(/\/admin\/paiements$/);
  await expectAccessible(page);
  await expect(page.getByRole("main")).toContainText("Demandes acceptées à payer");

  await page.getByRole("button", { name: "Créer un lot de virement" }).click();
  await expect(page).toHaveURL(/\/admin\/paiements\/[0-9a-f-]{36}\?ok=cree/);
  const heading = (await page.getByRole("heading", { level: 1 }).textContent())!;
  const batchNumber = /VIR-\d{4}-\d{4}/.exec(heading)![0];
  await expectAccessible(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Télécharger le fichier de virement/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`${batchNumber}.xml`);
  const xml = fs.readFileSync((await file.path())!, "utf8");
  expect(pain001Problems(xml)).toEqual([]);
  expect(xml).toContain(`<MsgId>${batchNumber}</MsgId>`);

  await page.getByRole("button", { name: "Marquer comme payé" }).click();
  await expect(page.getByRole("status")).toContainText("Lot marqué comme payé");
  await expect(page.getByRole("button", { name: "Marquer comme payé" })).toHaveCount(0);
  await expect(page.getByRole("table").first()).toContainText("Payée");

  await page.getByRole("link", { name: "Pilotage des remboursements" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pilotage des remboursements");
  await expect(page.getByRole("img", { name: /Part des demandes payées sous 48 heures/ })).toBeVisible();
  await expect(page.getByRole("table", { name: /Données : Part des demandes payées sous 48 heures/ })).toBeVisible();
  await expectAccessible(page);
});
