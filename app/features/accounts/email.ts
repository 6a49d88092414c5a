/** E-mail addresses are compared lower-cased and trimmed (users.email is stored that way). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
