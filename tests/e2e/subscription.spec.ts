import { type Browser, type Page, expect, test } from "@playwright/test";
import { DEMO_STAFF } from "../../app/features/demo/demo-accounts";
import { SUBSCRIPTION_RETEST_PROBES } from "../../app/features/subscriptions/retest-probes.server";
import { SERVICE_CATALOGUE } from "../../app/features/switchboard/catalogue";
import { expectAccessible, loginStaff, waitForMail } from "./support";
import { addDays } from "../../app/platform/time/civil-date";
import { parisDateOf } from "../../app/platform/time/paris";

/*
 * The online subscription end to end: a prospect gets a quote, saves it, downloads its PDF, goes
 * through every step (with a wrong NIR key and a wrong IBAN key on the way), signs with the
 * e-mailed code; a claims handler validates it; the new member activates the account and sees the
 * contract. axe runs on every step; hostile strings never give a 5xx nor render as HTML.
 */

const tomorrow = () => addDays(parisDateOf(new Date()), 1);

const ALICE = DEMO_STAFF.find((s) => s.email.startsWith("admin.alice"))!.email;
const BRUNO = DEMO_STAFF.find((s) => s.email.startsWith("admin.bruno"))!.email;
const SUBSCRIPTION = SERVICE_CATALOGUE["adhesion-en-ligne"];

/** Valid per DOMAIN.md: a woman born in October 1995 abroad. */
const NIR = "295109912611193";
const IBAN = "FR76 3000 6000 0112 3456 7890 189";
const HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE persons; --", "${7*7}{{7*7}}", "\u0000nul", "💥".repeat(300), "a".repeat(6_000)];

async function saveQuote(page: Page, email: string): Promise<string> {
  await page.goto("/devis");
  await page.getByLabel("Code postal de votre domicile").fill("83000");
  await page.getByLabel("Date de début souhaitée").fill(tomorrow());
  await page.getByLabel("Votre date de naissance").fill("1995-10-14");
  await page.getByRole("button", { name: "Ajouter un enfant" }).click();
  await page.getByLabel("Date de naissance de l’enfant 1").fill("2019-05-20");
  await page.getByRole("button", { name: "Voir les tarifs" }).click();
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Enregistrer mon devis" }).click();
  await expect(page).toHaveURL(/\/devis\/DV-/);
  return /DV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/.exec(page.url())![0];
}

async function expectStep(page: Page, caption: string) {
  const nav = page.getByRole("navigation", { name: "Étapes de l’adhésion" });
  await expect(nav).toContainText(caption);
  await expect(nav.locator('[aria-current="step"]')).toHaveCount(1);
  await expectAccessible(page);
}

/** From a saved quote's page to the signed request; returns the contract number. */
async function subscribe(page: Page, email: string, options: { checkErrors: boolean; nir?: string }): Promise<string> {
  await page.getByRole("link", { name: "Adhérer en ligne avec ce devis" }).click();
  await expect(page).toHaveURL(/\/adhesion\?devis=DV-/);
  await expect(page.getByLabel("Référence du devis")).toHaveValue(/DV-/);
  await expectAccessible(page);
  await page.getByLabel("Adresse e-mail utilisée pour le devis").fill(email);
  await page.getByRole("button", { name: "Commencer mon adhésion" }).click();

  await expectStep(page, "Étape 1 sur 6");
  await page.getByRole("button", { name: "Continuer" }).click();

  await expect(page).toHaveURL(/\/adhesion\/personnes$/);
  await expectStep(page, "Étape 2 sur 6");
  const member = page.getByRole("group", { name: /Personne 1/ });
  const child = page.getByRole("group", { name: /Personne 2/ });
  await member.getByLabel("Madame").check();
  await member.getByLabel("Prénom").fill("Camille");
  await member.getByLabel("Nom", { exact: true }).fill("Rivière");
  await expect(member.getByLabel("Date de naissance")).toHaveValue("1995-10-14");
  await child.getByLabel("Prénom").fill("Léo");
  await child.getByLabel("Nom", { exact: true }).fill("Rivière");
  await child.getByLabel("Couvert sur le numéro d’un parent").check();
  await child.getByLabel(/Adhérent\(e\) principal\(e\)/).check();
  if (options.checkErrors) {
    await member.getByLabel("Numéro de sécurité sociale").fill("2 95 10 99 126 111 94");
    await page.getByRole("button", { name: "Enregistrer et continuer" }).click();
    await expect(member.getByText(/La clé \(les 2 derniers chiffres\) ne correspond pas/)).toBeVisible();
    await expect(member.getByLabel("Numéro de sécurité sociale")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("alert").first()).toBeVisible();
    await expectAccessible(page);
    await member.getByLabel("Numéro de sécurité sociale").fill("2 95 11 99 126 111 93");
    await page.getByRole("button", { name: "Enregistrer et continuer" }).click();
    await expect(member.getByText(/mois de naissance/)).toBeVisible();
  }
  await member.getByLabel("Numéro de sécurité sociale").fill(options.nir ?? NIR);
  await page.getByRole("button", { name: "Enregistrer et continuer" }).click();

  await expect(page).toHaveURL(/\/adhesion\/adresse$/);
  await expectStep(page, "Étape 3 sur 6");
  if (options.checkErrors) {
    // Nothing typed so far is lost on reload: the saved step comes back, the NIR masked.
    await page.goto("/adhesion/personnes");
    await expect(page.getByRole("group", { name: /Personne 1/ }).getByLabel("Prénom")).toHaveValue("Camille");
    await expect(page.getByText("Numéro enregistré : 2 95 10 •• ••• ••• 93")).toBeVisible();
    await expect(page.locator("body")).not.toContainText(NIR);
    await page.getByRole("button", { name: "Enregistrer et continuer" }).click();
    await expect(page).toHaveURL(/\/adhesion\/adresse$/);
  }
  await page.getByLabel("Numéro et voie").fill("12 rue des Lilas");
  await expect(page.getByLabel("Code postal")).toHaveValue("83000");
  await page.getByLabel("Commune").fill("Toulon");
  await expect(page.getByLabel("Adresse e-mail")).toHaveValue(email);
  await page.getByLabel("Téléphone").fill("06 39 98 12 34");
  await page.getByRole("button", { name: "Enregistrer et continuer" }).click();

  await expect(page).toHaveURL(/\/adhesion\/banque$/);
  await expectStep(page, "Étape 4 sur 6");
  await expect(page.getByLabel("Titulaire du compte")).toHaveValue("Camille Rivière");
  await page.getByLabel(/J’autorise Bascule à prélever/).check();
  if (options.checkErrors) {
    await page.getByLabel("IBAN").fill("FR76 3000 6000 0112 3456 7890 188");
    await page.getByRole("button", { name: "Enregistrer et continuer" }).click();
    await expect(page.getByText(/La clé de contrôle de cet IBAN ne correspond pas/).first()).toBeVisible();
    await expect(page.getByLabel("IBAN")).toHaveAttribute("aria-invalid", "true");
    await expectAccessible(page);
  }
  await page.getByLabel("IBAN").fill(IBAN);
  await page.getByRole("button", { name: "Enregistrer et continuer" }).click();

  await expect(page).toHaveURL(/\/adhesion\/documents$/);
  await expectStep(page, "Étape 5 sur 6");
  await expect(page.getByLabel("Date d’effet souhaitée")).toHaveValue(tomorrow());
  for (const heading of ["Conditions générales (extrait)", "Information sur vos données personnelles", "Droit de rétractation (vente à distance)"]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  }
  await page.getByLabel(/conditions générales et le tableau des garanties/).check();
  await page.getByLabel(/traitement de mes données personnelles/).check();
  await page.getByLabel(/droit de rétractation de 14 jours/).check();
  await page.getByRole("button", { name: "Enregistrer et continuer" }).click();

  await expect(page).toHaveURL(/\/adhesion\/signature$/);
  await expectStep(page, "Étape 6 sur 6");
  const pdf = await page.request.get("/adhesion/mandat.pdf");
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const since = Date.now() - 1000;
  await page.getByRole("button", { name: "Recevoir mon code par e-mail" }).click();
  await expect(page.getByText("Un code vient de vous être envoyé par e-mail.")).toBeVisible();
  const mail = await waitForMail(email, since);
  // The body line ends with the code (the quoted-printable decoding of the support garbles accents).
  const code = /: (\d{6})\r?$/m.exec(mail)?.[1];
  expect(code).toBeTruthy();
  if (options.checkErrors) {
    await page.getByLabel("Code de signature").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Signer ma demande d’adhésion" }).click();
    await expect(page.getByText("Il vous reste 4 essais.").first()).toBeVisible();
    await expectAccessible(page);
  }
  await page.getByLabel("Code de signature").fill(code!);
  await page.getByRole("button", { name: "Signer ma demande d’adhésion" }).click();

  await expect(page).toHaveURL(/\/adhesion\/confirmation$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Votre demande d’adhésion est envoyée");
  await expectAccessible(page);
  const contractNumber = (await page.getByText(/^CT-\d{4}-\d{6}$/).textContent())!;
  expect((await waitForMail(email, since)).length).toBeGreaterThan(0);
  return contractNumber;
}

async function staffPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginStaff(page, "gestion@bascule.example");
  return page;
}

test("a prospect subscribes from a saved quote, staff validate, the new member activates the account and sees the contract", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const email = `adhesion.${Date.now()}@exemple.fr`;
  await saveQuote(page, email);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Télécharger le devis (PDF)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);

  const contractNumber = await subscribe(page, email, { checkErrors: true });
  // The finished request can no longer be edited: the steps lead to the confirmation.
  await page.goto("/adhesion/banque");
  await expect(page).toHaveURL(/\/adhesion\/confirmation$/);

  const staff = await staffPage(browser);
  await staff.getByRole("link", { name: "Adhésions à valider" }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Adhésions à valider");
  await expectAccessible(staff);
  await staff.getByRole("link", { name: contractNumber }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText(`Adhésion ${contractNumber}`);
  await expect(staff.getByRole("main")).toContainText("2 95 10 •• ••• ••• 93");
  await expect(staff.getByRole("main")).toContainText("FR76 •••• •••• •••• •••• •••0 189");
  await expect(staff.getByRole("main")).not.toContainText(NIR);
  await expect(staff.getByRole("main")).toContainText("cg-2026-01");
  await expectAccessible(staff);
  const since = Date.now() - 1000;
  await staff.getByRole("button", { name: "Valider l’adhésion" }).click();
  await expect(staff.getByText(/^Validée le/)).toBeVisible();

  const mail = await waitForMail(email, since);
  const link = /\/activation\/[A-Za-z0-9_-]{43}/.exec(mail)?.[0];
  expect(link).toBeTruthy();
  const member = await (await browser.newContext()).newPage();
  await member.goto(link!);
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Choisir mon mot de passe");
  await member.getByLabel("Nouveau mot de passe").fill("les cigales chantent en juillet");
  await member.getByLabel("Confirmez le mot de passe").fill("les cigales chantent en juillet");
  await member.getByRole("button", { name: "Activer mon espace" }).click();
  await expect(member).toHaveURL(/\/espace\?bienvenue=1$/);
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Bonjour Camille");
  await expect(member.getByRole("main")).toContainText(contractNumber);
  await expect(member.getByRole("main")).toContainText("Léo");
  await expectAccessible(member);
});

test("staff refuse a request with a hostile reason: shown as text, the prospect is told", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const email = `refus.${Date.now()}@exemple.fr`;
  await saveQuote(page, email);
  // Another person than the first test's (also born in October 1995): a NIR is subscribed once.
  const contractNumber = await subscribe(page, email, { checkErrors: false, nir: "295108312300146" });
  const staff = await staffPage(browser);
  await staff.goto("/admin/adhesions");
  await staff.getByRole("link", { name: contractNumber }).click();
  await staff.getByRole("button", { name: "Refuser l’adhésion" }).click();
  await expect(staff.getByText(/Indiquez le motif du refus/).first()).toBeVisible();
  const reason = `Justificatif illisible <img src=x onerror=alert(1)> <script>alert(1)</script>`;
  const since = Date.now() - 1000;
  await staff.getByLabel("Motif du refus").fill(reason);
  await staff.getByRole("button", { name: "Refuser l’adhésion" }).click();
  await expect(staff.getByText(`Motif : ${reason}`)).toBeVisible();
  await expect(staff.locator('img[src="x"]')).toHaveCount(0);
  await expectAccessible(staff);
  expect(await waitForMail(email, since)).toContain("Justificatif illisible");
});

test("hostile strings on every step never give a server error nor render as HTML", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const email = `hostile.${Date.now()}@exemple.fr`;
  await saveQuote(page, email);
  const post = (path: string, form: Record<string, string>) => page.request.post(path, { headers: { Origin: baseURL! }, form, maxRedirects: 0 });
  for (const value of HOSTILE) {
    const response = await post("/adhesion", { reference: value, email: value, intent: value });
    expect(response.status(), `/adhesion with ${JSON.stringify(value.slice(0, 30))}`).toBeLessThan(500);
  }
  await page.getByRole("link", { name: "Adhérer en ligne avec ce devis" }).click();
  await page.getByLabel("Adresse e-mail utilisée pour le devis").fill(email);
  await page.getByRole("button", { name: "Commencer mon adhésion" }).click();
  await page.getByRole("button", { name: "Continuer" }).click();
  await expect(page).toHaveURL(/\/adhesion\/personnes$/);
  const fields: Record<string, string[]> = {
    "/adhesion/personnes": ["persons[0].civility", "persons[0].firstName", "persons[0].lastName", "persons[0].birthDate", "persons[0].nir", "persons[1].nirMode", "persons[1].coveredBy", "persons[1].firstName"],
  };
  for (const [path, names] of Object.entries(fields)) {
    for (const value of HOSTILE) {
      const response = await post(path, Object.fromEntries(names.map((n) => [n, value])));
      expect(response.status(), `${path} with ${JSON.stringify(value.slice(0, 30))}`).toBeLessThan(500);
      const body = await response.text();
      expect(body).not.toContain("<script>alert(1)</script>");
      expect(body).not.toContain("<img src=x");
    }
  }
  // The other steps are not reachable yet: hostile posts there are sent back to the right step.
  for (const path of ["/adhesion/adresse", "/adhesion/banque", "/adhesion/documents", "/adhesion/signature"]) {
    const response = await post(path, { iban: HOSTILE[0]!, code: HOSTILE[1]!, addressLine: HOSTILE[2]!, startDate: HOSTILE[3]! });
    expect(response.status()).toBeLessThan(500);
  }
  await page.reload();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
});

test("the re-test probes of adhesion-en-ligne pass against the open service", async ({ baseURL }) => {
  for (const probe of SUBSCRIPTION_RETEST_PROBES) {
    const result = await probe.run({ baseUrl: baseURL!, cookie: "", fetch });
    expect(result, probe.name).toMatchObject({ passed: true });
  }
});

test("closing adhesion-en-ligne keeps a draft in progress: after the re-tested reopening the prospect resumes it", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const email = `fermeture.${Date.now()}@exemple.fr`;
  await saveQuote(page, email);
  await page.getByRole("link", { name: "Adhérer en ligne avec ce devis" }).click();
  await page.getByLabel("Adresse e-mail utilisée pour le devis").fill(email);
  await page.getByRole("button", { name: "Commencer mon adhésion" }).click();
  await page.getByRole("button", { name: "Continuer" }).click();
  const member = page.getByRole("group", { name: /Personne 1/ });
  const child = page.getByRole("group", { name: /Personne 2/ });
  await member.getByLabel("Madame").check();
  await member.getByLabel("Prénom").fill("Inès");
  await member.getByLabel("Nom", { exact: true }).fill("Fermeture");
  await member.getByLabel("Numéro de sécurité sociale").fill("2 95 10 13 123 003 91");
  await child.getByLabel("Prénom").fill("Noé");
  await child.getByLabel("Nom", { exact: true }).fill("Fermeture");
  await child.getByLabel("Couvert sur le numéro d’un parent").check();
  await child.getByLabel(/Adhérent\(e\) principal\(e\)/).check();
  await page.getByRole("button", { name: "Enregistrer et continuer" }).click();
  await expect(page).toHaveURL(/\/adhesion\/adresse$/);

  const alice = await (await browser.newContext()).newPage();
  await loginStaff(alice, ALICE);
  await alice.goto("/admin/services");
  const form = alice.locator("form#fermeture");
  await form.getByRole("checkbox", { name: SUBSCRIPTION.label, exact: true }).check();
  await form.getByRole("radio", { name: "Fermer", exact: true }).check();
  await form.getByLabel("Motif (interne)").fill("Vérification du parcours d’adhésion");
  await form.getByLabel("Message au public").fill("L’adhésion en ligne revient très vite.");
  await form.getByRole("button", { name: "Prévisualiser l’impact" }).click();
  await alice.getByRole("button", { name: "Confirmer la fermeture" }).click();
  await expect(alice).toHaveURL(/\/admin\/services\?applique=\d+$/);

  const closed = await page.goto("/adhesion/adresse");
  expect(closed?.status()).toBe(503);
  await expect(page.getByRole("main")).toContainText(SUBSCRIPTION.dataNotice);

  await alice.goto("/admin/services/adhesion-en-ligne");
  await alice.getByRole("button", { name: "Demander la réouverture" }).click();
  await expect(alice.getByRole("status").first()).toContainText("Demande de réouverture enregistrée");
  await alice.getByRole("button", { name: "Lancer la recette automatique" }).click();
  await expect(alice.getByRole("status").first()).toContainText("Recette automatique réussie", { timeout: 60_000 });
  const sign = alice.getByRole("button", { name: /^Je valide/ });
  for (let left = await sign.count(); left > 0; left--) {
    await sign.first().click();
    await expect(sign).toHaveCount(left - 1);
  }
  const bruno = await (await browser.newContext()).newPage();
  await loginStaff(bruno, BRUNO);
  await bruno.goto("/admin/services/adhesion-en-ligne");
  await bruno.getByRole("button", { name: "Approuver" }).click();
  await expect(bruno.getByRole("status").first()).toContainText("Réouverture approuvée et appliquée.");

  // Back where the prospect left: the saved step is there, the NIR masked.
  expect((await page.goto("/adhesion"))?.status()).toBe(200);
  await expect(page.getByRole("navigation", { name: "Étapes de l’adhésion" })).toBeVisible();
  await page.goto("/adhesion/personnes");
  await expect(page.getByRole("group", { name: /Personne 1/ }).getByLabel("Prénom")).toHaveValue("Inès");
  await expect(page.getByText("Numéro enregistré : 2 95 10 •• ••• ••• 91")).toBeVisible();
  await page.goto("/adhesion/adresse");
  await expect(page.getByRole("navigation", { name: "Étapes de l’adhésion" })).toContainText("Étape 3 sur 6");
});
