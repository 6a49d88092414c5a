import { dictionary } from "@zxcvbn-ts/language-common";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordProblem } from "./password-rules";

/** French favourites that the English-centric public list misses. */
const FRENCH_COMMON = [
  "motdepasse",
  "azertyuiop",
  "azertyuiop123",
  "azerty123456",
  "bonjour123456",
  "soleil123456",
  "marseille13013",
  "jetaime123456",
  "motdepasse123",
  "motdepasse1234",
  "mutuelle123456",
  "bascule-demo-2026",
];

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (!common) {
    const list = (dictionary as Record<string, string[]>)["passwords-common"] ?? [];
    common = new Set([...list, ...FRENCH_COMMON].map((p) => p.toLowerCase()));
  }
  return common;
}

/**
 * Checks a candidate password. `personal` lists strings the password must not contain (e-mail
 * local part, names). The demo password is accepted only for seeded demo accounts, which never
 * go through this check.
 */
export function checkPassword(password: string, personal: string[] = []): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return "too-short";
  if (length > PASSWORD_MAX_LENGTH) return "too-long";
  const lower = password.toLowerCase();
  const squeezed = lower.replace(/[\s\-_.]/g, "");
  if (commonPasswords().has(lower) || commonPasswords().has(squeezed)) return "common";
  if (new Set(lower).size <= 3) return "repetitive";
  for (const p of personal) {
    const needle = p.toLowerCase().trim();
    if (needle.length >= 4 && squeezed.includes(needle.replace(/[\s\-_.]/g, ""))) return "personal";
  }
  return null;
}
