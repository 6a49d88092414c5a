import { expect, type APIRequestContext, test } from "@playwright/test";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { DEMO_MARIE, DEMO_STAFF } from "../../app/features/demo/demo-accounts";
import { encodePowPayload, powChallengeSchema } from "../../app/features/contact/proof-of-work";
import { HOSTILE_STRINGS } from "./hostile-strings";
import { CONTACT_RETEST_PROBES } from "../../app/features/contact/retest-probes.server";
import { expectAccessible, fillLogin, loginStaff, waitForMail } from "./support";

/*
 * The contact form end to end in Chromium: the proof of work is solved by the page's own script,
 * the acknowledgement arrives by e-mail, staff read the message; hostile strings never break the
 * form nor render as HTML on staff screens.
 */

const handler = DEMO_STAFF.find((s) => s.role === "CLAIMS_HANDLER")!.email;
const REFERENCE = /MSG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/;

/** Solves a challenge from the server outside the browser, as a script would. */
async function solvedPow(request: APIRequestContext): Promise<string> {
  const response = await request.get("/contact/defi");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toContain("no-store");
  const challenge = powChallengeSchema.parse(await response.json());
  const solution = await solveChallenge({ challenge, deriveKey, timeout: 10_000 });
  return encodePowPayload({ challenge, solution: { counter: solution!.counter, derivedKey: solution!.derivedKey } });
}

const VALID = {
  category: "OTHER",
  message: "Bonjour, ceci est un message de test suffisamment long.",
  email: "robot.tests@exemple.fr",
  memberNumber: "",
};

test("a prospect writes to Bascule, gets a reference and an acknowledgement; staff read it and take it in charge", async ({ page }) => {
  const email = "prospect.contact@exemple.fr";
  const body = "Bonjour,\nje souhaite un devis pour ma famille.\n    Merci d’avance !";
  await page.goto("/contact");
  await expect(page).toHaveTitle("Nous écrire — Bascule");
  await expectAccessible(page);

  // Messages next to the fields, in French, before anything is sent.
  await page.getByRole("button", { name: "Envoyer mon message" }).click();
  await expect(page.getByText("Choisissez le sujet de votre message.")).toBeVisible();
  await expect(page.getByLabel("Votre message")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await page.getByLabel("Adhésion ou devis").check();
  await page.getByLabel("Votre message").fill(body);
  await page.getByLabel("Votre adresse e-mail").fill(email);
  const since = Date.now();
  await page.getByRole("button", { name: "Envoyer mon message" }).click();
  const confirmation = page.getByRole("status").filter({ hasText: "Votre message est bien enregistré" });
  await expect(confirmation).toBeVisible({ timeout: 30_000 });
  const reference = REFERENCE.exec(await confirmation.innerText())![0];
  await expect(page.getByLabel("Votre message")).toHaveValue("");
  await expectAccessible(page);

  const mail = await waitForMail(email, since);
  expect(mail).toContain(reference);
  expect(mail).not.toContain("devis pour ma famille");

  await loginStaff(page, handler);
  await page.getByRole("link", { name: "Messages reçus" }).click();
  await expect(page).toHaveTitle("Messages reçus — Bascule");
  await expectAccessible(page);
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Message ${reference}`);
  await expect(page.getByText(email)).toBeVisible();
  // Plain text, whitespace preserved.
  expect(await page.locator("pre").innerText()).toBe(body);
  await expectAccessible(page);
  await page.getByLabel("Nouveau statut").selectOption({ label: "En cours" });
  await page.getByRole("button", { name: "Enregistrer le statut" }).click();
  await expect(page.getByRole("status")).toContainText("« En cours »");
  await expect(page.getByRole("listitem").filter({ hasText: "Nouveau → En cours" })).toBeVisible();
});

test("without JavaScript the page says so and gives the other ways to reach us", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  await page.goto("/contact");
  await expect(page.getByText("JavaScript est nécessaire pour envoyer ce formulaire")).toBeVisible();
  await expect(page.getByText("04 94 00 00 00").first()).toBeVisible();
  // Submitted anyway, the form is refused with the same explanation, and what was typed stays.
  await page.getByLabel("Remboursement").check();
  await page.getByLabel("Votre message").fill("Un message écrit sans JavaScript, assez long.");
  await page.getByLabel("Votre adresse e-mail").fill("sans.js@exemple.fr");
  await page.getByRole("button", { name: "Envoyer mon message" }).click();
  await expect(page.getByRole("alert")).toContainText("besoin de JavaScript");
  await expect(page.getByLabel("Votre message")).toHaveValue("Un message écrit sans JavaScript, assez long.");
  await context.close();
});

test("a signed-in member finds the form prefilled and sends without a proof of work", async ({ page }) => {
  await page.goto("/connexion");
  await fillLogin(page, DEMO_MARIE.email);
  await expect(page).toHaveURL(/\/espace$/);
  await page.goto("/contact");
  await expect(page.getByLabel("Votre adresse e-mail")).toHaveValue(DEMO_MARIE.email);
  await expect(page.getByLabel("Numéro d’adhérent (facultatif)")).toHaveValue(DEMO_MARIE.memberNumber);
  await expect(page.locator('input[name="altcha"]')).toHaveCount(0);
  await page.getByLabel("Cotisations").check();
  await page.getByLabel("Votre message").fill("Bonjour, pouvez-vous m’envoyer mon échéancier de cotisations ?");
  await page.getByRole("button", { name: "Envoyer mon message" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Votre message est bien enregistré" })).toBeVisible();
  await expectAccessible(page);

  // The switchboard's re-test probes, run as this signed-in member (the tester's situation).
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  for (const probe of CONTACT_RETEST_PROBES) {
    const outcome = await probe.run({ baseUrl: page.url(), cookie, fetch });
    expect(outcome.passed, `${probe.name}: ${outcome.detail}`).toBe(true);
  }
});

const HOSTILE = [...HOSTILE_STRINGS, "javascript:alert(1)", "\r\n\r\nBcc: victime@exemple.fr"];

test("hostile strings in every field never give a server error nor render as HTML", async ({ request, baseURL }) => {
  const headers = { Origin: baseURL! };
  for (const field of ["category", "message", "email", "memberNumber", "altcha"]) {
    for (const value of HOSTILE) {
      const response = await request.post("/contact", { headers, form: { ...VALID, [field]: value }, maxRedirects: 0 });
      const label = `${field} = ${JSON.stringify(value.slice(0, 40))}`;
      expect(response.status(), label).toBeGreaterThanOrEqual(400);
      expect(response.status(), label).toBeLessThan(500);
      const html = await response.text();
      expect(html, label).not.toContain("<script>alert(1)</script>");
      expect(html, label).not.toContain("<img src=x onerror");
    }
  }
  const oversized = await request.post("/contact", { headers, form: { ...VALID, message: "x".repeat(60_000) } });
  expect(oversized.status()).toBe(413);
  const notAForm = await request.post("/contact", { headers: { ...headers, "Content-Type": "application/json" }, data: JSON.stringify({ category: ["OTHER"] }) });
  expect(notAForm.status()).toBeGreaterThanOrEqual(400);
  expect(notAForm.status()).toBeLessThan(500);
});

test("a hostile message that passes validation is stored and shown to staff as inert text", async ({ page, request, baseURL }) => {
  const message = [
    "Message piégé pour vérifier l’affichage :",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "${7*7}{{7*7}} '; DROP TABLE users; -- \" OR 1=1 --",
    "=cmd|' /C calc'!A0 ../../../../etc/passwd javascript:alert(1)",
  ].join("\n");
  const response = await request.post("/contact", {
    headers: { Origin: baseURL! },
    form: { ...VALID, message, email: "piege@exemple.fr", altcha: await solvedPow(request) },
  });
  expect(response.status()).toBe(200);
  const reference = REFERENCE.exec(await response.text())![0];

  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await loginStaff(page, handler);
  await page.goto("/admin/contact");
  await page.getByRole("link", { name: reference }).click();
  expect(await page.locator("pre").innerText()).toBe(message);
  await expect(page.locator("main script, main img[src='x']")).toHaveCount(0);
  expect(dialogs).toBe(0);
  await expectAccessible(page);
});

// Last of this file: it leaves the contact form closed.
test("a draft survives a reload, and when the form is closed meanwhile nothing typed is silently lost", async ({ page, browser, baseURL, request }) => {
  const text = "Bonjour, je souhaite contester la décision prise sur mon dossier de remboursement.";
  await page.goto("/contact");
  await page.getByLabel("Réclamation").check();
  await page.getByLabel("Votre message").fill(text);
  await page.getByLabel("Votre adresse e-mail").fill("ferme@exemple.fr");
  await page.reload();
  await expect(page.getByText("Nous avons retrouvé le message que vous aviez commencé à écrire")).toBeVisible();
  await expect(page.getByLabel("Votre message")).toHaveValue(text);
  await expect(page.getByLabel("Réclamation")).toBeChecked();
  await page.getByLabel("Votre adresse e-mail").fill("ferme@exemple.fr");

  // Meanwhile, an admin closes the contact form from the back office.
  const admin = await browser.newContext({ baseURL });
  const adminPage = await admin.newPage();
  await loginStaff(adminPage, "admin.alice@bascule.example");
  await adminPage.goto("/admin/services");
  const form = adminPage.locator("form", { has: adminPage.getByRole("group", { name: /Services concernés/ }) });
  await form.getByRole("checkbox", { name: "Formulaire de contact", exact: true }).check();
  await form.getByRole("radio", { name: "Fermer", exact: true }).check();
  await form.getByLabel("Motif (interne)").fill("Test de bout en bout du formulaire de contact");
  await form.getByLabel("Message au public").fill("Le formulaire de contact est momentanément fermé.");
  await form.getByRole("button", { name: "Prévisualiser l’impact" }).click();
  await adminPage.getByRole("button", { name: "Confirmer la fermeture" }).click();
  await expect(adminPage).toHaveURL(/\/admin\/services\?applique=\d+$/);
  await admin.close();
  await expect.poll(async () => (await request.get("/contact/defi")).status()).toBe(503);

  await page.getByRole("button", { name: "Envoyer mon message" }).click();
  await expect(page.getByRole("alert")).toContainText("vient d’être fermé temporairement");
  await expect(page.getByLabel("Votre message")).toHaveValue(text);

  // The shutter, on the next load, says what happened to the message; the draft is still there.
  const response = await page.reload();
  expect(response?.status()).toBe(503);
  await expect(page.getByText("Votre message n’a été ni envoyé ni enregistré")).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem("bascule.contact.brouillon"))).toContain("contester la décision");
});
