/*
 * Civil dates ("YYYY-MM-DD", proleptic Gregorian): arithmetic on calendar days, with no time zone
 * and no clock. Computed by hand rather than through Date parsing: the claims engine calls these
 * on its hot path, a hundred thousand lines a second.
 */

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2026-03-01` from its parts (month 1–12). */
export function civilDateFrom(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function parseIsoDate(iso: string): { year: number; month: number; day: number } {
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

/** Days since 1970-01-01 of a civil date. */
export function dayNumber(iso: string): number {
  const { year, month, day } = parseIsoDate(iso);
  const y = year - 1;
  const days = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
  return days + DAYS_BEFORE_MONTH[month - 1]! + (month > 2 && isLeap(year) ? 1 : 0) + day - 719_163;
}

/** `iso` moved by whole days (negative: backwards). */
export function addDays(iso: string, days: number): string {
  const d = new Date((dayNumber(iso) + days) * 86_400_000);
  return civilDateFrom(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `iso` moved by whole months; the day is clamped to the target month's length (31 Jan + 1 → 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const { year, month, day } = parseIsoDate(iso);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return civilDateFrom(y, m, Math.min(day, daysInMonth(y, m)));
}

/** "YYYY-MM-DD" as the number YYYYMMDD, read digit by digit (no substring allocations). */
function ymd(iso: string): number {
  let n = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    n = n * 10 + (iso.charCodeAt(i) - 48);
  }
  return n;
}

/** Age in whole years on `date` of someone born on `birthDate`: YYYYMMDD numbers subtract into YYYY years. */
export function ageOn(birthDate: string, date: string): number {
  return Math.floor((ymd(date) - ymd(birthDate)) / 10_000);
}

/** « 12/03/2026 »: a civil date as French forms and short texts write it. */
export function frenchDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

const civilInWords = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });

/** « 1 mars 2027 »: a civil date in words, whatever the reader's time zone. */
export function formatCivilDate(iso: string): string {
  return civilInWords.format(new Date(`${iso}T00:00:00Z`));
}
