/*
 * Strings that break careless code: SQL and template injection, markup, control and bidi
 * characters, huge values, path traversal, spreadsheet formulas. Browser tests post them in every
 * field of a form: the answer must be a 4xx or a usable page, never a 5xx, and never rendered as HTML.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "'; DROP TABLE users; --",
  "\" OR 1=1 --",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "${7*7}{{7*7}}",
  "\u0000nul\u0000",
  "\uFEFF\u202Eevil",
  "💥".repeat(500),
  "a".repeat(20_000),
  "../../../../etc/passwd",
  "=cmd|' /C calc'!A0",
];
