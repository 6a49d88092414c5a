/*
 * Password rules shared by the browser and the server (ANSSI / NIST SP 800-63B style): a length
 * range and no composition rules. The check against common passwords is server-only
 * (password-policy.server.ts) so that the list never ships to the browser.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = "too-short" | "too-long" | "common" | "personal" | "repetitive";

export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  "too-short": `Choisissez un mot de passe d’au moins ${PASSWORD_MIN_LENGTH} caractères.`,
  "too-long": `Choisissez un mot de passe de ${PASSWORD_MAX_LENGTH} caractères au plus.`,
  common: "Ce mot de passe est trop courant : il figure dans les listes utilisées par les attaquants. Choisissez-en un autre, par exemple une phrase de plusieurs mots.",
  personal: "Votre mot de passe ne doit pas contenir votre adresse e-mail ou votre nom.",
  repetitive: "Ce mot de passe est trop répétitif. Choisissez une phrase de plusieurs mots.",
};
