import { type Page, expect, test } from "@playwright/test";
import { CLAIMS_RETEST_PROBES } from "../../app/features/claims/retest-probes.server";
import { DEMO_KARIM, DEMO_MARIE, DEMO_TESTER } from "../../app/features/demo/demo-accounts";
import { pdfDocument } from "../support/documents";
import { expectAccessible, fillLogin, waitForMail } from "./support";
import { addDays } from "../../app/platform/time/civil-date";
import { parisDateOf } from "../../app/platform/time/paris";

/*
 * The member side of claims in a real browser: filing with files (JavaScript and without), the
 * decision and its breakdown, refusals, hostile input, and another contract's claims.
 */

const pdf = (label: string) => ({ name: "facture.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdfDocument(`${label} ${Date.now()} ${Math.random()}`)) });
const statement = (label: string) => ({ name: "décompte ameli.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdfDocument(`décompte ${label} ${Date.now()} ${Math.random()}`)) });

function daysAgo(days: number): string {
  return addDays(parisDateOf(new Date()), -days);
}

async function login(page: Page, email: string) {
  await page.goto("/connexion");
  await fillLogin(page, email);
  await expect(page).toHaveURL(/\/espace$/);
}

async function fillGpClaim(page: Page, provider: string, options: { beneficiary?: RegExp } = {}) {
  const beneficiary = page.getByLabel("Personne qui a reçu les soins");
  const value = await beneficiary.locator("option").filter({ hasText: options.beneficiary ?? /Marie/ }).first().getAttribute("value");
  await beneficiary.selectOption(value!);
  await page.getByLabel("Type de soins").selectOption("GP");
  await page.getByLabel("Date des soins").fill(daysAgo(2));
  await page.getByLabel("Professionnel de santé ou établissement").fill(provider);
  await page.getByLabel("Montant que vous avez payé (€)").fill("30,00");
  await page.getByRole("group", { name: "Le médecin adhère-t-il à l’OPTAM ?" }).getByLabel("Oui").check();
  await page.getByRole("group", { name: /La Sécurité sociale a-t-elle remboursé/ }).getByLabel("Oui, j’ai un décompte").check();
  await page.getByLabel("Base de remboursement (€)").fill("30");
  await page.getByLabel("Taux de remboursement (%)").fill("70");
  await page.getByLabel("Montant payé par la Sécurité sociale (€)").fill("19,00");
}

test("Marie estimates, then files a GP claim with her invoice and Sécu statement, and sees the decision at once", async ({ page }) => {
  const since = Date.now() - 1000;
  await login(page, DEMO_MARIE.email);
  await page.getByRole("navigation", { name: "Mon espace" }).getByRole("link", { name: "Mes remboursements" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mes remboursements");
  await expect(page.getByRole("list", { name: "Demandes de remboursement" }).getByRole("listitem").first()).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("link", { name: "Nouvelle demande de remboursement" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nouvelle demande de remboursement");
  // Once hydrated, only the chosen category's block is shown.
  await expect(page.getByRole("group", { name: "Lunettes" })).toBeHidden();
  await expectAccessible(page);
  await fillGpClaim(page, "Dr Martin (e2e)");
  await expect(page.getByRole("group", { name: /OPTAM/ }).first()).toBeVisible();

  await page.getByRole("button", { name: "Estimer mon remboursement" }).click();
  const estimate = page.getByRole("region", { name: "Estimation de votre remboursement" });
  await expect(estimate).toContainText("9,00");
  await expect(estimate).toContainText("19,00");
  await expect(estimate).toContainText("rien n’a été enregistré");

  await page.getByLabel("Facture acquittée").setInputFiles(pdf("marie"));
  await page.getByLabel("Décompte de la Sécurité sociale").setInputFiles(statement("marie"));
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page).toHaveURL(/\/espace\/remboursements\/RB-\d{4}-\d{7}\?envoyee=1$/);
  const number = /RB-\d{4}-\d{7}/.exec(page.url())![0];
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Demande ${number}`);
  await expect(page.getByText(/^Bascule vous rembourse 9,00\s€$/)).toBeVisible();
  const breakdown = page.getByRole("table", { name: `Détail du remboursement de la demande ${number}` });
  await expect(breakdown.getByRole("columnheader")).toHaveText(["Soins", "Vous avez payé", "Base de remboursement", "Payé par la Sécurité sociale", "Payé par Bascule", "Reste à votre charge"]);
  const row = breakdown.getByRole("row").nth(1);
  await expect(row).toContainText("30,00");
  await expect(row).toContainText("19,00");
  await expect(row).toContainText("9,00");
  await expect(row).toContainText("2,00");
  await expect(page.getByRole("heading", { name: "Comment ce montant est calculé" })).toBeVisible();
  await expectAccessible(page);

  const link = page.getByRole("link", { name: "décompte ameli.pdf" });
  const download = await page.request.get((await link.getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment; filename="decompte ameli\.pdf"/);
  expect(download.headers()["x-content-type-options"]).toBe("nosniff");
  expect(download.headers()["content-type"]).toBe("application/pdf");
  expect((await download.body()).subarray(0, 5).toString()).toBe("%PDF-");

  await page.getByRole("link", { name: "← Mes remboursements" }).click();
  const first = page.getByRole("list", { name: "Demandes de remboursement" }).getByRole("listitem").first();
  await expect(first).toContainText(number);
  await expect(first.getByRole("list", { name: `Suivi de la demande ${number}` })).toContainText("Acceptée");

  const mail = await waitForMail(DEMO_MARIE.email, since, number);
  expect(mail).toContain(number);
  expect(mail).toMatch(/accept/);
});

test("a disguised HTML file is refused (415) and an oversized body gets 413, nothing filed", async ({ page }) => {
  await login(page, DEMO_MARIE.email);
  await page.goto("/espace/remboursements/nouveau");
  await fillGpClaim(page, "Dr Leroux (e2e)");
  await page.getByLabel("Facture acquittée").setInputFiles({ name: "facture.pdf", mimeType: "application/pdf", buffer: Buffer.from("<!doctype html><script>alert('x')</script>") });
  await page.getByLabel("Décompte de la Sécurité sociale").setInputFiles(statement("leroux"));
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  const invoice = page.getByLabel("Facture acquittée");
  await expect(invoice).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Ce fichier n’est ni un PDF, ni une image JPEG ou PNG").first()).toBeVisible();
  await expect(page).toHaveURL(/\/nouveau$/);
  await expectAccessible(page);

  const key = await page.locator('input[name="idempotencyKey"]').inputValue();
  const huge = await page.request.post("/espace/remboursements/nouveau/envoi", {
    headers: { Origin: new URL(page.url()).origin, Accept: "application/json" },
    multipart: { idempotencyKey: key, intent: "submit", invoice: { name: "gros.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(21 * 1024 * 1024, 0x25) } },
  });
  expect(huge.status()).toBe(413);
  expect(((await huge.json()) as { message: string }).message).toContain("10 Mo");

  await page.goto("/espace/remboursements");
  await expect(page.getByText("Dr Leroux (e2e)")).toHaveCount(0);
});

test("without JavaScript the plain multipart form files the claim", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, DEMO_MARIE.email);
  await page.goto("/espace/remboursements/nouveau");
  // Every category's block is visible without JavaScript.
  await expect(page.getByRole("group", { name: "Lunettes" })).toBeVisible();
  await fillGpClaim(page, "Dr Sans Script (e2e)", { beneficiary: /Thomas/ });
  await page.getByLabel("Facture acquittée").setInputFiles(pdf("nojs"));
  await page.getByLabel("Décompte de la Sécurité sociale").setInputFiles(statement("nojs"));
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page).toHaveURL(/\/espace\/remboursements\/RB-\d{4}-\d{7}\?envoyee=1$/);
  await expect(page.getByText(/^Bascule vous rembourse 9,00\s€$/)).toBeVisible();

  // Validation errors come back next to their fields, in French.
  await page.goto("/espace/remboursements/nouveau");
  await page.getByLabel("Montant que vous avez payé (€)").fill("30,123");
  await page.getByRole("button", { name: "Estimer mon remboursement" }).click();
  await expect(page.getByText("2 chiffres après la virgule au plus").first()).toBeVisible();
  await expect(page.getByText("Choisissez la personne qui a reçu les soins.").first()).toBeVisible();
  // axe needs JavaScript in the page: these pages are checked with it in the other tests.
  await context.close();
});

test("the same submission posted twice makes one claim; the same key with other figures is refused", async ({ page }) => {
  await login(page, DEMO_MARIE.email);
  await page.goto("/espace/remboursements/nouveau");
  const key = await page.locator('input[name="idempotencyKey"]').inputValue();
  const beneficiaryId = await page.getByLabel("Personne qui a reçu les soins").locator("option").nth(1).getAttribute("value");
  const fields = {
    idempotencyKey: key,
    intent: "submit",
    beneficiaryId: beneficiaryId!,
    category: "GP",
    careDate: daysAgo(3),
    providerName: "Dr Double Clic (e2e)",
    providerOptam: "oui",
    realCost: "30",
    secuCovered: "oui",
    secuBase: "30",
    secuRate: "70",
    secuPaid: "19",
  };
  const files = { invoice: pdf("double"), secuStatement: statement("double") };
  const post = (extra: Record<string, string> = {}) =>
    page.request.post("/espace/remboursements/nouveau/envoi", { headers: { Origin: new URL(page.url()).origin }, multipart: { ...fields, ...extra, ...files } });
  const [a, b] = await Promise.all([post(), post()]);
  const bodies = (await Promise.all([a.json(), b.json()])) as { number: string }[];
  expect([a.status(), b.status()].sort()).toEqual([200, 201]);
  expect(bodies[0]!.number).toBe(bodies[1]!.number);
  const changed = await post({ realCost: "35" });
  expect(changed.status()).toBe(409);
  await page.goto("/espace/remboursements");
  await expect(page.getByText("Dr Double Clic (e2e)")).toHaveCount(1);
});

test("hostile strings in every field are shown as text and never cause a 5xx", async ({ page }) => {
  const hostile = `<script>alert("x")</script>"><img src=x onerror=alert(1)>{{7*7}}' OR 1=1;--\u202e`;
  let dialogs = 0;
  page.on("dialog", async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await login(page, DEMO_MARIE.email);
  await page.goto("/espace/remboursements/nouveau");
  const names = ["beneficiaryId", "category", "careDate", "providerName", "providerOptam", "realCost", "secuCovered", "secuBase", "secuRate", "secuPaid", "invoiceNumber", "pharmacyRate", "dentalBasket", "toothNumber", "opticsClass", "lensComplexity", "frameCost", "prescriptionChanged", "hearingClass", "ear", "hospitalDays", "privateRoomDays", "psychiatry", "sessions", "intent"];
  for (const target of ["/espace/remboursements/nouveau", "/espace/remboursements/nouveau/envoi"]) {
    const response = await page.request.post(target, {
      headers: { Origin: new URL(page.url()).origin },
      multipart: { ...Object.fromEntries(names.map((n) => [n, hostile])), idempotencyKey: hostile, invoice: { name: `${hostile}.pdf`, mimeType: "text/html", buffer: Buffer.from(hostile) } },
    });
    expect(response.status(), target).toBeLessThan(500);
    expect(response.status(), target).toBeGreaterThanOrEqual(400);
  }
  for (const path of [`/espace/remboursements/${encodeURIComponent(hostile)}`, `/espace/remboursements/RB-2026-0000001/justificatifs/${encodeURIComponent(hostile)}`]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(404);
  }

  // A valid claim whose provider name is hostile: shown escaped on the list and the detail page.
  await fillGpClaim(page, hostile.replace("\u202e", ""));
  await page.getByLabel("Numéro de la facture").fill(`<b>F-1</b>`);
  await page.getByLabel("Facture acquittée").setInputFiles({ ...pdf("hostile"), name: `${hostile}.pdf` });
  await page.getByLabel("Décompte de la Sécurité sociale").setInputFiles(statement("hostile"));
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page.getByText("Le numéro de facture ne peut contenir que des lettres").first()).toBeVisible();
  await page.getByLabel("Numéro de la facture").fill("F-1");
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page).toHaveURL(/\/espace\/remboursements\/RB-/);
  await expect(page.getByText('<script>alert("x")</script>', { exact: false }).first()).toBeVisible();
  await expect(page.locator("img[src=x]")).toHaveCount(0);
  await page.goto("/espace/remboursements");
  await expect(page.getByText('<script>alert("x")</script>', { exact: false }).first()).toBeVisible();
  expect(dialogs).toBe(0);
});

test("a member cannot see another contract's claim or its documents (404)", async ({ page, browser }) => {
  await login(page, DEMO_MARIE.email);
  await page.goto("/espace/remboursements");
  const detail = page.getByRole("list", { name: "Demandes de remboursement" }).getByRole("link").first();
  const href = (await detail.getAttribute("href"))!;
  await page.goto(href);
  const documentHref = (await page.getByRole("link", { name: /\.pdf$/ }).first().getAttribute("href"))!;

  const karim = await browser.newContext();
  const other = await karim.newPage();
  await login(other, DEMO_KARIM.email);
  const response = await other.goto(href);
  expect(response?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  expect((await other.request.get(documentHref)).status()).toBe(404);
  await other.goto("/espace/remboursements");
  await expect(other.getByText("Marie Dupont")).toHaveCount(0);
  await karim.close();
});

test("the re-test probes of remboursements-en-ligne pass as the tester account", async ({ page, baseURL }) => {
  await login(page, DEMO_TESTER.email);
  const cookies = await page.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  for (const probe of CLAIMS_RETEST_PROBES) {
    const result = await probe.run({ baseUrl: baseURL!, cookie, fetch });
    expect(result, probe.name).toMatchObject({ passed: true });
  }
  await page.goto("/espace/remboursements");
  await expect(page.getByText("Vous n’avez encore fait aucune demande de remboursement.")).toBeVisible();
});
