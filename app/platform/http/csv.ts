/*
 * CSV for spreadsheet software in a French locale: RFC 4180 quoting, CRLF line ends, `;` as the
 * separator (the comma is the decimal mark there) and a UTF-8 byte order mark, without which
 * Excel reads the file as Windows-1252.
 */

const CSV_SEPARATOR = ";";
export const CSV_BOM = "\uFEFF";

export type CsvValue = string | number | boolean | null | undefined;

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection): such a
 * text cell is prefixed with a single quote so it stays text.
 */
const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

const NEEDS_QUOTES = /[";\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const text = FORMULA_TRIGGERS.has(value.charAt(0)) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(CSV_SEPARATOR)}\r\n`;
}
