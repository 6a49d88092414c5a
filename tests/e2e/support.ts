import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "../../app/features/demo/demo-accounts";
import { timeStep, totpAt, totpKeyFromBase32 } from "../../app/platform/auth/totp";

export const DATA_DIR = process.env.E2E_DATA_DIR ?? ".e2e-data";

/** Fails on any serious or critical WCAG 2.1 A/AA violation of the current page. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `accessibility of ${page.url()}`,
  ).toEqual([]);
}

export async function fillLogin(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/*
 * Time steps already used per account, kept in a file: Playwright restarts its worker after a
 * failure, and a code the server has seen once is refused for good.
 */
const USED_STEPS_FILE = path.join(DATA_DIR, "e2e-used-totp-steps.json");

function usedSteps(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(USED_STEPS_FILE, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * A TOTP code that this account has not used yet: the server refuses a code twice, so a second
 * login within the same 30-second step waits for the next one.
 */
async function freshTotp(email: string): Promise<string> {
  const key = totpKeyFromBase32(DEMO_TOTP_SECRET);
  for (;;) {
    const now = new Date();
    const step = timeStep(now);
    const used = usedSteps();
    if ((used[email] ?? -1) < step) {
      fs.writeFileSync(USED_STEPS_FILE, JSON.stringify({ ...used, [email]: step }));
      return totpAt(key, now);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function loginStaff(page: Page, email: string) {
  await page.goto("/connexion");
  await fillLogin(page, email);
  await expect(page).toHaveURL(/\/connexion\/verification/);
  await page.getByLabel("Code de vérification").fill(await freshTotp(email));
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

/** The demo mail transport writes every message as an .eml file; returns the newest one to `to`. */
/**
 * The newest e-mail to `to` written since `since` (and holding `containing`, when given: another
 * message to the same person, e.g. about an earlier claim, may arrive in the same window).
 */
export async function waitForMail(to: string, since: number, containing?: string): Promise<string> {
  const dir = path.join(DATA_DIR, "mail");
  for (let i = 0; i < 60; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".eml")) : [];
    const matching = files
      .map((f) => path.join(dir, f))
      .map((f) => ({ f, mtime: fs.statSync(f).mtimeMs }))
      .filter(({ mtime }) => mtime >= since)
      .sort((a, b) => a.mtime - b.mtime)
      .map(({ f }) => decodeQuotedPrintable(fs.readFileSync(f, "utf8")))
      .filter((mail) => new RegExp(`^To: .*${to.replace(/[.]/g, "\\.")}`, "mi").test(mail))
      .filter((mail) => containing === undefined || mail.includes(containing));
    if (matching.length > 0) return matching[matching.length - 1]!;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no mail to ${to}${containing === undefined ? "" : ` containing ${containing}`}`);
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
