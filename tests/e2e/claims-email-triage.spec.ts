import { expect, test } from "@playwright/test";
import { DEMO_MARIE, DEMO_STAFF } from "../../app/features/demo/demo-accounts";
import { expectAccessible, loginStaff } from "./support";

/*
 * The triage queue of claims received by e-mail, on the seeded demo messages: an unknown sender,
 * a member's message with a disguised attachment and a hostile subject, one without reference.
 */

const handler = DEMO_STAFF.find((s) => s.role === "CLAIMS_HANDLER")!.email;

test("a claims handler reads a triaged e-mail, attaches it to a beneficiary, and files another without action", async ({ page }) => {
  await loginStaff(page, handler);
  await page.getByRole("link", { name: "Demandes reçues par e-mail" }).click();
  await expect(page).toHaveURL(/\/admin\/remboursements\/courriels$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demandes reçues par e-mail");
  await expect(page.getByRole("link", { name: /À trier \(3\)/ })).toHaveAttribute("aria-current", "page");
  const table = page.getByRole("table");
  await expect(table).toContainText("Adresse d’expéditeur inconnue");
  await expect(table).toContainText("Pièce jointe refusée");
  await expectAccessible(page);

  // The hostile subject is shown as text, never run.
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  await table.getByRole("link", { name: /<script>alert\("facture"\)<\/script>/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText('<script>alert("facture")</script>');
  await expect(page.getByRole("main")).toContainText("Refusée : Ce fichier n’est ni un PDF");
  await expect(page.getByRole("link", { name: /^Télécharger/ })).toHaveCount(0);
  await expect(page.getByRole("main")).toContainText(`La référence du message désigne ${DEMO_MARIE.memberNumber}.`);
  await expectAccessible(page);

  // Attach: the member is looked up, then the beneficiary chosen; forgetting it is reported.
  await expect(page.getByLabel("Numéro d’adhérent")).toHaveValue(DEMO_MARIE.memberNumber);
  await page.getByLabel("Numéro d’adhérent").fill("Z123");
  await page.getByRole("button", { name: "Rechercher l’adhérent" }).click();
  await expect(page.getByText("Le numéro d’adhérent commence par A suivi de 8 chiffres")).toBeVisible();
  await expect(page.getByLabel("Numéro d’adhérent")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Numéro d’adhérent").fill(DEMO_MARIE.memberNumber.toLowerCase());
  await page.getByRole("button", { name: "Rechercher l’adhérent" }).click();
  const beneficiaries = page.getByRole("group", { name: /Bénéficiaire des soins/ });
  await expect(beneficiaries.getByRole("radio")).toHaveCount(4);
  await page.getByRole("button", { name: "Rattacher et créer la demande" }).click();
  await expect(page.getByText("Choisissez le bénéficiaire des soins.")).toBeVisible();
  await expectAccessible(page);
  await beneficiaries.getByLabel(/^Léa Dupont/).check();
  await page.getByRole("button", { name: "Rattacher et créer la demande" }).click();
  const status = page.getByRole("status").filter({ hasText: "Message rattaché" });
  await expect(status).toBeVisible();
  const claimNumber = (await status.getByRole("link").textContent())!.trim();
  expect(claimNumber).toMatch(/^RB-\d{4}-\d{7}$/);
  await expect(page.getByRole("button", { name: "Rattacher et créer la demande" })).toHaveCount(0);

  // Dismiss another one: the reason is required.
  await page.goto("/admin/remboursements/courriels");
  await expect(page.getByRole("link", { name: /À trier \(2\)/ })).toBeVisible();
  await page.getByRole("table").getByRole("link", { name: "Facture kiné" }).click();
  // Its checked attachment can be opened to see whom it concerns: a download, never inline.
  const href = await page.getByRole("link", { name: "Télécharger kine-mars.pdf" }).getAttribute("href");
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toBe("application/pdf");
  expect(file.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect((await file.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  await page.getByRole("button", { name: "Classer sans suite" }).click();
  await expect(page.getByText("Indiquez pourquoi ce message est classé sans suite.")).toBeVisible();
  await expect(page.getByLabel("Motif")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Motif").fill("Kinésithérapie : demande refaite en ligne par l’adhérent <b>merci</b>");
  await page.getByRole("button", { name: "Classer sans suite" }).click();
  await expect(page.getByRole("main")).toContainText("Motif : Kinésithérapie : demande refaite en ligne par l’adhérent <b>merci</b>");

  await page.goto("/admin/remboursements/courriels?vue=rattaches");
  await expect(page.getByRole("table").getByRole("link", { name: claimNumber })).toBeVisible();
  await expectAccessible(page);
  expect(dialogs).toBe(0);
});

test("the triage queue is refused to members", async ({ page }) => {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(DEMO_MARIE.email);
  await page.getByLabel("Mot de passe").fill("bascule-demo-2026");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/espace/);
  const response = await page.goto("/admin/remboursements/courriels");
  expect(response!.status()).toBeGreaterThanOrEqual(400);
  await expect(page.getByText("Demandes reçues par e-mail", { exact: true })).toHaveCount(0);
});
