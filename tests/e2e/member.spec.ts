import { expect, test } from "@playwright/test";
import { DEMO_KARIM, DEMO_LUCIE, DEMO_MARIE } from "../../app/features/demo/demo-accounts";
import { expectAccessible, fillLogin, waitForMail } from "./support";

test("Marie logs in and sees her contract, guarantees and family, with identifiers masked", async ({ page }) => {
  await page.goto("/espace");
  await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fespace$/);
  await expectAccessible(page);
  await fillLogin(page, DEMO_MARIE.email);
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bonjour Marie");
  await expect(page.getByText(DEMO_MARIE.memberNumber)).toBeVisible();
  await expect(page.getByRole("main")).toContainText("Équilibre");
  const family = page.getByRole("region", { name: "Personnes protégées" }).or(page.locator("section", { hasText: "Personnes protégées" }));
  for (const person of [DEMO_MARIE, DEMO_MARIE.spouse, ...DEMO_MARIE.children]) {
    await expect(family.getByText(`${person.firstName} ${person.lastName}`)).toBeVisible();
  }
  const main = await page.getByRole("main").innerText();
  expect(main).not.toMatch(/\b[12]\d{12}\d{2}\b/);
  expect(main).not.toMatch(/FR76\d{23}/);
  expect(main).toMatch(/•/);
  await expect(page.getByRole("table", { name: /garanties/i })).toBeVisible();
  await expectAccessible(page);

  const response = await page.request.get("/espace");
  expect(response.headers()["cache-control"]).toBe("no-store");

  await page.getByRole("link", { name: "Sécurité du compte" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sécurité du compte");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion\?info=deconnecte$/);
  await page.goto("/espace");
  await expect(page).toHaveURL(/\/connexion/);
});

test("a member cannot open the back office", async ({ page }) => {
  await page.goto("/connexion");
  await fillLogin(page, DEMO_KARIM.email);
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByRole("main")).toContainText("collectif");
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
});

test("Lucie activates her account with her member number, birth date and the e-mailed link", async ({ page }) => {
  const since = Date.now() - 1000;
  await page.goto("/activation");
  await page.getByLabel("Numéro d’adhérent").fill(DEMO_LUCIE.memberNumber);
  await page.getByLabel("Date de naissance").fill(DEMO_LUCIE.birthDate);
  await page.getByRole("button", { name: "Recevoir le lien d’activation" }).click();
  await expect(page.getByRole("status")).toContainText("Si ces informations correspondent à un adhérent");
  await expectAccessible(page);

  const mail = await waitForMail(DEMO_LUCIE.email, since);
  const link = /\/activation\/[A-Za-z0-9_-]{43}/.exec(mail)?.[0];
  expect(link).toBeTruthy();
  await page.goto(link!);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choisir mon mot de passe");
  await expectAccessible(page);
  await page.getByLabel("Nouveau mot de passe").fill("password1234");
  await page.getByLabel("Confirmez le mot de passe").fill("password1234");
  await page.getByRole("button", { name: "Activer mon espace" }).click();
  await expect(page.getByText("Ce mot de passe est trop courant")).toBeVisible();
  await page.getByLabel("Nouveau mot de passe").fill("le mimosa fleurit en janvier");
  await page.getByLabel("Confirmez le mot de passe").fill("le mimosa fleurit en janvier");
  await page.getByRole("button", { name: "Activer mon espace" }).click();
  await expect(page).toHaveURL(/\/espace\?bienvenue=1$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bonjour Lucie");

  await page.goto(link!);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lien expiré ou déjà utilisé");
});

test("a member resets a forgotten password through the e-mailed link", async ({ page }) => {
  const since = Date.now() - 1000;
  await page.goto("/mot-de-passe-oublie");
  await page.getByLabel("Adresse e-mail").fill(DEMO_KARIM.email);
  await page.getByRole("button", { name: "Recevoir le lien" }).click();
  await expect(page.getByRole("status")).toContainText("Si un compte existe pour cette adresse");
  const mail = await waitForMail(DEMO_KARIM.email, since);
  const link = /\/mot-de-passe-oublie\/[A-Za-z0-9_-]{43}/.exec(mail)?.[0];
  expect(link).toBeTruthy();
  await page.goto(link!);
  await expectAccessible(page);
  await page.getByLabel("Nouveau mot de passe").fill("les cigales chantent en juillet");
  await page.getByLabel("Confirmez le mot de passe").fill("les cigales chantent en juillet");
  await page.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(page).toHaveURL(/\/connexion\?info=reinitialise$/);
  await fillLogin(page, DEMO_KARIM.email, "les cigales chantent en juillet");
  await expect(page).toHaveURL(/\/espace$/);
});
