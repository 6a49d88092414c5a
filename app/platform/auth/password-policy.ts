import commonDictionaries from "@zxcvbn-ts/language-common";

/*
 * Password rules (ANSSI / NIST SP 800-63B style): at least 12 characters, at most 256, no
 * composition rules, and refused when common or built from the user's own identifiers.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

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
    const list = (commonDictionaries.dictionary as Record<string, string[]>)["passwords-common"] ?? [];
    common = new Set([...list, ...FRENCH_COMMON].map((p) => p.toLowerCase()));
  }
  return common;
}

export type PasswordProblem = "too-short" | "too-long" | "common" | "personal" | "repetitive";

export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  "too-short": `Choisissez un mot de passe d’au moins ${PASSWORD_MIN_LENGTH} caractères.`,
  "too-long": `Choisissez un mot de passe de ${PASSWORD_MAX_LENGTH} caractères au plus.`,
  common: "Ce mot de passe est trop courant : il figure dans les listes utilisées par les attaquants. Choisissez-en un autre, par exemple une phrase de plusieurs mots.",
  personal: "Votre mot de passe ne doit pas contenir votre adresse e-mail ou votre nom.",
  repetitive: "Ce mot de passe est trop répétitif. Choisissez une phrase de plusieurs mots.",
};

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
