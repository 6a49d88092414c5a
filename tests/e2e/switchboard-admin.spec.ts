import { expect, type Locator, type Page, test } from "@playwright/test";
import { DEMO_MARIE, DEMO_STAFF } from "../../app/features/demo/demo-accounts";
import { SERVICE_CATALOGUE } from "../../app/features/switchboard/catalogue";
import { expectAccessible, fillLogin, loginStaff } from "./support";

/*
 * The switchboard back office, /admin/services: closing with an impact preview, the e-mail
 * fallback of online claims, and the four-eyes reopening of a service with its automated re-test,
 * checklist, rejection and approval by a second admin. One server serves the whole run: each test
 * starts from the states its own steps need and leaves services it reopens open.
 */

const ALICE = DEMO_STAFF.find((s) => s.email.startsWith("admin.alice"))!.email;
const BRUNO = DEMO_STAFF.find((s) => s.email.startsWith("admin.bruno"))!.email;
// Histories name staff by display name, never by e-mail address (ADR 019).
const ALICE_NAME = DEMO_STAFF.find((s) => s.email === ALICE)!.displayName;
const QUOTES = SERVICE_CATALOGUE["devis-en-ligne"];
const SUBSCRIPTION = SERVICE_CATALOGUE["adhesion-en-ligne"];
const CLAIMS = SERVICE_CATALOGUE["remboursements-en-ligne"];
const ACTIVATION = SERVICE_CATALOGUE["activation-compte"];

// Staff logins wait for a TOTP code they have not used yet (up to 30 s each).
test.describe.configure({ timeout: 180_000 });

function closeForm(page: Page) {
  return page.locator("form#fermeture");
}

/** The row of a table whose first cell is exactly `label`. */
function rowOf(page: Page, table: Locator, label: string) {
  return table.getByRole("row").filter({ has: page.getByRole("cell", { name: label, exact: true }) });
}

function stateOf(page: Page, label: string) {
  return page.getByRole("table", { name: "État de chaque service en ligne" }).getByRole("row").filter({ has: page.getByRole("link", { name: label, exact: true }) });
}

/** Step 1 of a change in the "close or fall back" form: fills it and asks for the preview. */
async function previewServiceChange(page: Page, labels: string[], mode: "Fermer" | "Passer en mode de secours", publicMessage: string) {
  await page.goto("/admin/services");
  const form = closeForm(page);
  for (const label of labels) await form.getByRole("checkbox", { name: label, exact: true }).check();
  await form.getByRole("radio", { name: mode, exact: true }).check();
  await form.getByLabel("Motif (interne)").fill("Test de bout en bout du tableau des services");
  await form.getByLabel("Message au public").fill(publicMessage);
  await form.getByRole("button", { name: "Prévisualiser l’impact" }).click();
  const preview = page.getByRole("region", { name: "Aperçu de l’impact avant confirmation" });
  await expect(preview).toBeVisible();
  return preview;
}

async function expectApplied(page: Page) {
  await expect(page).toHaveURL(/\/admin\/services\?applique=\d+$/);
  await expect(page.getByRole("status").filter({ hasText: "Changement enregistré" })).toContainText(/Appliqué sur 1 \/ 1 instance \(version \d+\)/);
}

test("Alice closes online quotes after an impact preview, and a prospect gets the shutter", async ({ page, browser, request }) => {
  await loginStaff(page, ALICE);
  await page.getByRole("link", { name: "Services en ligne" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Services en ligne" })).toBeVisible();
  await expect(page.getByText(/Appliqué sur 1 \/ 1 instance/)).toBeVisible();
  await expect(stateOf(page, QUOTES.label)).toContainText("Ouvert");
  await expectAccessible(page);

  // Mandatory fields, with their messages tied to the fields.
  const form = closeForm(page);
  await form.getByRole("button", { name: "Prévisualiser l’impact" }).click();
  await expect(form.getByRole("group", { name: "Services concernés" })).toContainText("Choisissez au moins un service.");
  await expect(form.getByLabel("Motif (interne)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Motif (interne)")).toHaveAccessibleDescription(/Indiquez le motif \(interne\) du changement\./);
  await expect(form.getByLabel("Message au public")).toHaveAccessibleDescription(/Rédigez le message affiché au public\./);

  const message = "Nos devis en ligne reviennent demain avec le tarif 2027.";
  const preview = await previewServiceChange(page, [QUOTES.label], "Fermer", message);
  await expect(preview.getByRole("heading", { name: "Aperçu de l’impact avant confirmation" })).toBeFocused();
  const changes = preview.getByRole("table", { name: "Services qui changeront d’état" });
  await expect(rowOf(page, changes, QUOTES.label)).toContainText("Demandé");
  await expect(rowOf(page, changes, SUBSCRIPTION.label)).toContainText(`Fermé avec « ${QUOTES.label} », dont il dépend`);
  await expect(preview).toContainText(message);
  await expectAccessible(page);
  // Nothing is applied before the confirmation.
  expect((await request.get("/devis")).status()).not.toBe(503);

  await preview.getByRole("button", { name: "Confirmer la fermeture" }).click();
  await expectApplied(page);
  await expect(stateOf(page, QUOTES.label)).toContainText("Fermé");
  await expect(stateOf(page, QUOTES.label)).toContainText(message);
  await expect(stateOf(page, SUBSCRIPTION.label)).toContainText("Fermé");

  const prospect = await browser.newPage();
  const response = await prospect.goto("/devis");
  expect(response?.status()).toBe(503);
  await expect(prospect.getByRole("heading", { level: 1 })).toHaveText(`Le service « ${QUOTES.label} » est temporairement indisponible`);
  await expect(prospect.getByRole("main")).toContainText(message);
  await expect(prospect.getByRole("main")).toContainText(QUOTES.alternativeChannel);
  await prospect.close();
});

test("Alice previews the cyber-attack profile, then puts online claims in e-mail fallback; Marie gets the instructions", async ({ page, browser }) => {
  await loginStaff(page, ALICE);
  await page.goto("/admin/services");

  // An incident profile: preview, then cancel.
  const profile = page.locator("form#profil");
  await profile.getByRole("radio", { name: "Cyberattaque — fermeture des services en ligne" }).check();
  await profile.getByLabel("Motif (interne)").fill("Exercice de crise");
  await profile.getByLabel("Message au public").fill("Nos services en ligne sont fermés par précaution.");
  await profile.getByRole("button", { name: "Prévisualiser l’impact" }).click();
  const profilePreview = page.getByRole("region", { name: "Aperçu : application du profil d’incident" });
  await expect(profilePreview).toContainText("Cyberattaque — fermeture des services en ligne");
  const planned = profilePreview.getByRole("table", { name: "Services qui changeront d’état" });
  await expect(rowOf(page, planned, CLAIMS.label)).toContainText("Mode de secours");
  await expect(rowOf(page, planned, SERVICE_CATALOGUE["espace-adherent"].label)).toContainText("Fermé");
  await expect(profilePreview.getByRole("button", { name: "Confirmer et appliquer le profil" })).toBeVisible();
  await expectAccessible(page);
  await profilePreview.getByRole("link", { name: "Annuler" }).click();
  await expect(page.getByRole("region", { name: /^Aperçu/ })).toHaveCount(0);
  await expect(stateOf(page, SERVICE_CATALOGUE["espace-adherent"].label)).toContainText("Ouvert");

  // A service without a fallback cannot fall back: the preview says why and offers no confirmation.
  const refused = await previewServiceChange(page, [SERVICE_CATALOGUE.documents.label], "Passer en mode de secours", "Test");
  await expect(refused).toContainText("n’a pas de mode de secours");
  await expect(refused.getByRole("button", { name: /^Confirmer/ })).toHaveCount(0);

  const preview = await previewServiceChange(page, [CLAIMS.label], "Passer en mode de secours", "Envoyez vos demandes de remboursement par e-mail.");
  await expect(preview.getByRole("table", { name: "Services qui changeront d’état" }).getByRole("row")).toHaveCount(2);
  await preview.getByRole("button", { name: "Confirmer le mode de secours" }).click();
  await expectApplied(page);
  await expect(stateOf(page, CLAIMS.label)).toContainText("Mode de secours");

  const member = await browser.newPage();
  await member.goto("/connexion?redirectTo=%2Fespace");
  await fillLogin(member, DEMO_MARIE.email);
  await expect(member).toHaveURL(/\/espace$/);
  await member.goto("/espace/remboursements");
  await expect(member).toHaveURL(/\/espace\/remboursements\/envoi-par-courriel$/);
  await expect(member.getByRole("link", { name: "remboursements@bascule.example" })).toBeVisible();
  await expect(member.getByRole("main")).toContainText(DEMO_MARIE.memberNumber);
  await member.close();
});

test("activation is closed, re-tested, checked and reopened by a second admin after a rejection", async ({ page: alice, browser, baseURL }) => {
  const visitor = await browser.newPage();
  await loginStaff(alice, ALICE);

  const preview = await previewServiceChange(alice, [ACTIVATION.label], "Fermer", "L’activation des espaces reprendra après vérification.");
  await preview.getByRole("button", { name: "Confirmer la fermeture" }).click();
  await expectApplied(alice);
  expect((await visitor.goto("/activation"))?.status()).toBe(503);
  await expect(visitor.getByRole("heading", { level: 1 })).toContainText(ACTIVATION.label);

  // The service page: state, timeline, and the reopen request.
  await stateOf(alice, ACTIVATION.label).getByRole("link", { name: ACTIVATION.label }).click();
  await expect(alice).toHaveURL(/\/admin\/services\/activation-compte$/);
  await expect(alice.getByRole("heading", { level: 1, name: ACTIVATION.label })).toBeVisible();
  const timeline = alice.getByRole("table", { name: /Changements d’état du service/ });
  await expect(timeline.getByRole("row").nth(1)).toContainText("Ouvert → Fermé");
  await expect(timeline.getByRole("row").nth(1)).toContainText(ALICE_NAME);
  await expectAccessible(alice);
  await expect(alice.getByRole("radio", { name: "Réouverture complète" })).toBeChecked();
  await alice.getByRole("button", { name: "Demander la réouverture" }).click();
  await expect(alice.getByRole("status").first()).toContainText("Demande de réouverture enregistrée");
  await expect(timeline.getByRole("row").nth(1)).toContainText("Fermé → En recette");
  // Re-testing is closed to the public.
  expect((await visitor.goto("/activation"))?.status()).toBe(503);

  // Bruno rejects the first request, with a mandatory reason.
  const brunoContext = await browser.newContext();
  const bruno = await brunoContext.newPage();
  await loginStaff(bruno, BRUNO);
  await bruno.goto("/admin/services/activation-compte");
  await bruno.getByRole("button", { name: "Rejeter" }).click();
  await expect(bruno.getByLabel("Motif du rejet")).toHaveAttribute("aria-invalid", "true");
  await expect(bruno.getByLabel("Motif du rejet")).toHaveAccessibleDescription(/Indiquez le motif du rejet\./);
  const rejection = "Le correctif de sécurité n’est pas encore déployé.";
  await bruno.getByLabel("Motif du rejet").fill(rejection);
  await bruno.getByRole("button", { name: "Rejeter" }).click();
  await expect(bruno.getByRole("status").first()).toContainText("Demande de réouverture rejetée");
  const past = bruno.getByRole("table", { name: "Demandes de réouverture précédentes de ce service" });
  await expect(past.getByRole("row").nth(1)).toContainText("Rejetée");
  await expect(past.getByRole("row").nth(1)).toContainText(rejection);

  // Alice asks again, runs the automated re-test and signs the checklist.
  await alice.goto("/admin/services/activation-compte");
  await alice.getByRole("button", { name: "Demander la réouverture" }).click();
  await expect(alice.getByRole("status").first()).toContainText("Demande de réouverture enregistrée");
  await expect(alice.getByRole("button", { name: "Approuver" })).toBeDisabled();
  await alice.getByRole("button", { name: "Lancer la recette automatique" }).click();
  await expect(alice.getByRole("status").first()).toContainText("Recette automatique réussie", { timeout: 30_000 });
  const report = alice.getByRole("table", { name: "Rapport de la recette automatique" });
  await expect(report.getByRole("row")).not.toHaveCount(1);
  await expect(report).not.toContainText("Échouée");
  const sign = alice.getByRole("button", { name: /^Je valide/ });
  const items = await sign.count();
  expect(items).toBe(ACTIVATION.checklist.length);
  for (let left = items; left > 0; left--) {
    await sign.first().click();
    await expect(sign).toHaveCount(left - 1);
  }
  await expect(alice.getByText(`Validé par ${ALICE_NAME}`)).toHaveCount(items);

  // Four eyes: the requester cannot approve, and is told why; the server refuses too.
  const approve = alice.getByRole("button", { name: "Approuver" });
  await expect(approve).toBeDisabled();
  await expect(approve).toHaveAccessibleDescription(/Vous avez demandé cette réouverture : un autre administrateur doit l’approuver/);
  await expectAccessible(alice);
  const requestId = await alice.locator('form:has(input[name="intent"][value="approve"]) input[name="requestId"]').inputValue();
  const refusal = await alice.request.post("/admin/services/activation-compte", {
    form: { intent: "approve", requestId },
    headers: { Origin: baseURL! },
  });
  expect(refusal.status()).toBe(409);
  expect(await refusal.text()).toContain("un autre administrateur doit l’approuver");
  expect((await visitor.goto("/activation"))?.status()).toBe(503);

  // Bruno approves: the service is back.
  await bruno.goto("/admin/services/activation-compte");
  await expect(bruno.getByRole("table", { name: "Rapport de la recette automatique" })).toBeVisible();
  await expectAccessible(bruno);
  await bruno.getByRole("button", { name: "Approuver" }).click();
  const notice = bruno.getByRole("status").first();
  await expect(notice).toContainText("Réouverture approuvée et appliquée.");
  await expect(notice).toContainText(/Appliqué sur 1 \/ 1 instance/);
  await expect(bruno.getByRole("table", { name: /Changements d’état du service/ }).getByRole("row").nth(1)).toContainText("En recette → Ouvert");
  await expect(bruno.getByRole("button", { name: "Demander la réouverture" })).toHaveCount(0);

  const reopened = await visitor.goto("/activation");
  expect(reopened?.status()).toBe(200);
  await expect(visitor.getByLabel("Numéro d’adhérent")).toBeVisible();
  await brunoContext.close();
  await visitor.close();
});

/** As the requester: asks for a reopening at `target`, runs the re-test and signs the whole checklist. */
async function prepareReopening(page: Page, target: string) {
  await page.goto("/admin/services/activation-compte");
  await page.getByRole("radio", { name: target }).check();
  await page.getByRole("button", { name: "Demander la réouverture" }).click();
  await expect(page.getByRole("status").first()).toContainText("Demande de réouverture enregistrée");
  await page.getByRole("button", { name: "Lancer la recette automatique" }).click();
  await expect(page.getByRole("status").first()).toContainText("Recette automatique réussie", { timeout: 30_000 });
  const sign = page.getByRole("button", { name: /^Je valide/ });
  for (let left = await sign.count(); left > 0; left--) {
    await sign.first().click();
    await expect(sign).toHaveCount(left - 1);
  }
}

test("a progressive reopening opens to 5 % of members, then widens step by step to everyone", async ({ page: alice, browser }) => {
  await loginStaff(alice, ALICE);
  const preview = await previewServiceChange(alice, [ACTIVATION.label], "Fermer", "Activation suspendue pendant une maintenance.");
  await preview.getByRole("button", { name: "Confirmer la fermeture" }).click();
  await expectApplied(alice);
  await prepareReopening(alice, "Réouverture progressive : 5 % des adhérents");

  const brunoContext = await browser.newContext();
  const bruno = await brunoContext.newPage();
  await loginStaff(bruno, BRUNO);
  await bruno.goto("/admin/services/activation-compte");
  await bruno.getByRole("button", { name: "Approuver" }).click();
  await expect(bruno.getByRole("status").first()).toContainText("Réouverture approuvée et appliquée.");
  await expect(bruno.getByRole("status").first()).toContainText(/Appliqué sur 1 \/ 1 instance/);
  await expect(bruno.getByRole("table", { name: /Changements d’état du service/ }).getByRole("row").nth(1)).toContainText("En recette → Réouverture progressive (5 %)");
  await expectAccessible(bruno);

  const widen = bruno.getByRole("button", { name: /^Passer à \d+ %$/ });
  await expect(widen).toHaveText(["Passer à 25 %", "Passer à 50 %", "Passer à 100 %"]);
  await bruno.getByRole("button", { name: "Passer à 50 %" }).click();
  await expect(bruno.getByRole("status").first()).toContainText("Réouverture progressive étendue.");
  await expect(widen).toHaveText(["Passer à 100 %"]);
  await bruno.goto("/admin/services");
  await expect(stateOf(bruno, ACTIVATION.label)).toContainText("Réouverture progressive (50 %)");
  await expect(stateOf(bruno, ACTIVATION.label)).toContainText("50 % des adhérents");

  await bruno.goto("/admin/services/activation-compte");
  await bruno.getByRole("button", { name: "Passer à 100 %" }).click();
  await expect(bruno.getByRole("status").first()).toContainText("Réouverture progressive étendue.");
  await expect(widen).toHaveCount(0);
  await expect(bruno.getByRole("table", { name: /Changements d’état du service/ }).getByRole("row").nth(1)).toContainText("Réouverture progressive → Ouvert");
  await brunoContext.close();

  const visitor = await browser.newPage();
  expect((await visitor.goto("/activation"))?.status()).toBe(200);
  await visitor.close();
});

test("an unknown service has no page", async ({ page }) => {
  await loginStaff(page, BRUNO);
  const response = await page.goto("/admin/services/service-inexistant");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page introuvable" })).toBeVisible();
});
