import { expect, test } from "@playwright/test";
import { DEMO_STAFF } from "../../app/features/demo/demo-accounts";
import { expectAccessible, fillLogin, loginStaff } from "./support";

const alice = DEMO_STAFF.find((s) => s.email.startsWith("admin.alice"))!.email;
const handler = DEMO_STAFF.find((s) => s.role === "CLAIMS_HANDLER")!.email;

test("an admin logs in with a TOTP code and reaches the back office, the audit log and the mail viewer", async ({ page }) => {
  await page.goto("/connexion");
  await fillLogin(page, alice);
  await expect(page).toHaveURL(/\/connexion\/verification$/);
  await expectAccessible(page);
  await page.getByLabel("Code de vérification").fill("000000");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByText("Ce code n’est pas valide")).toBeVisible();

  await loginStaff(page, alice);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Bonjour Alice");
  await expectAccessible(page);

  await page.getByRole("link", { name: "Journal d’audit" }).first().click();
  await expect(page).toHaveURL(/\/admin\/journal/);
  await expect(page.getByRole("main")).toContainText("auth.login.succeeded");
  await expectAccessible(page);
  // Verification seals what is pending, then checks the whole chain (ADR 014).
  await page.getByRole("button", { name: "Vérifier l’intégrité" }).click();
  await expect(page.getByText(/^Journal d’audit intègre : \d[\d\s\u202f]* entrées$/)).toBeVisible();
  await expect(page.getByRole("main")).toContainText(/Dernière entrée scellée : n° \d+/);
  await expect(page.getByRole("row", { name: /audit\.verified/ }).first()).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Exporter en CSV/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^journal-audit-\d{8}\.csv$/);

  await page.getByRole("link", { name: "Courriels" }).first().click();
  await expect(page).toHaveURL(/\/admin\/courriels/);
  await expectAccessible(page);
});

test("the password alone never opens a staff session", async ({ page }) => {
  await page.goto("/connexion");
  await fillLogin(page, alice);
  await expect(page).toHaveURL(/\/connexion\/verification$/);
  const response = await page.goto("/admin");
  expect(response?.url()).toMatch(/\/connexion\?redirectTo=%2Fadmin$/);
});

test("a claims handler cannot read the audit log", async ({ page }) => {
  await loginStaff(page, handler);
  const response = await page.goto("/admin/journal");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
  await expectAccessible(page);
});
