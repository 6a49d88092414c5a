import type { RegulatoryParameter } from "./types";

/*
 * Regulatory amounts picked by the date of the care (a value applies from `validFrom` to `validTo`
 * inclusive), and the civil-date arithmetic the engine needs for effective dates, ages and
 * periods. Dates are "YYYY-MM-DD" strings, compared as strings: no Date object, no time zone.
 */

/** Keys the engine reads from `regulatory_parameters` (seeded from REGULATORY_PARAMETERS). */
export const REGULATORY_KEYS = {
  participation: "participation-forfaitaire",
  participationDailyCap: "participation-forfaitaire-daily-cap",
  participationYearlyCap: "participation-forfaitaire-yearly-cap",
  franchiseYearlyCap: "franchise-yearly-cap",
  forfaitJournalier: "forfait-journalier",
  forfaitJournalierPsychiatry: "forfait-journalier-psychiatry",
  heavyActThreshold: "hospital-heavy-act-threshold",
  heavyActFlatFee: "hospital-heavy-act-flat-fee",
  opticsFrameCap: "optics-frame-cap",
  opticsClassBCap: (complexity: number) => `optics-class-b-cap-${complexity}`,
  opticsClassAPriceCap: (complexity: number) => `optics-class-a-price-cap-${complexity}`,
  hearingClass1PriceCap: "hearing-class-1-price-cap",
  hearingClass1PriceCapUnder20: "hearing-class-1-price-cap-under-20",
  hearingClass2CoverCap: "hearing-class-2-cover-cap",
  dentalCrownPriceCap: "dental-crown-100-sante-price-cap",
} as const;

/**
 * Rules of the contrat responsable that are ratios rather than amounts (article R871-2 of the Code
 * de la sécurité sociale): over-fees of doctors outside OPTAM are covered at most up to 100 % of
 * the BR, and at least 20 points of BR below the cover of OPTAM doctors; the ticket modérateur
 * (cover up to 100 % of the BR) is always due.
 */
export const RESPONSIBLE_CONTRACT = {
  nonOptamMaxRatePct: 200,
  nonOptamPointsBelowOptam: 20,
  ticketModerateurRatePct: 100,
} as const;

type Index = Map<string, RegulatoryParameter[]>;

/** One index per parameter list: callers pass the same array for many claims, so it is built once. */
const indexes = new WeakMap<readonly RegulatoryParameter[], Index>();

function indexOf(parameters: readonly RegulatoryParameter[]): Index {
  let index = indexes.get(parameters);
  if (index) return index;
  index = new Map();
  for (const p of parameters) {
    const list = index.get(p.key);
    if (list) list.push(p);
    else index.set(p.key, [p]);
  }
  for (const list of index.values()) list.sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1)); // newest first
  indexes.set(parameters, index);
  return index;
}

/** The value in force on `date`, or null when the key has no value on that day. */
export function regulatoryValue(parameters: readonly RegulatoryParameter[], key: string, date: string): number | null {
  const list = indexOf(parameters).get(key);
  if (!list) return null;
  for (const p of list) {
    if (p.validFrom <= date) return p.validTo === null || date <= p.validTo ? p.valueCents : null;
  }
  return null;
}

/** Same, for amounts the engine cannot do without: their absence is a data error, not a claim's fault. */
export function requireRegulatoryValue(parameters: readonly RegulatoryParameter[], key: string, date: string): number {
  const value = regulatoryValue(parameters, key, date);
  if (value === null) throw new Error(`Regulatory parameter "${key}" has no value on ${date}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Civil dates

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function format(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function parseIsoDate(iso: string): { year: number; month: number; day: number } {
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian). */
export function dayNumber(iso: string): number {
  const { year, month, day } = parseIsoDate(iso);
  const y = year - 1;
  const days = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
  return days + DAYS_BEFORE_MONTH[month - 1]! + (month > 2 && isLeap(year) ? 1 : 0) + day - 719_163;
}

export function addDays(iso: string, days: number): string {
  const d = new Date((dayNumber(iso) + days) * 86_400_000);
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `iso` moved by whole months; the day is clamped to the target month's length (31 Jan + 1 → 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const { year, month, day } = parseIsoDate(iso);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return format(y, m, Math.min(day, daysInMonth(y, m)));
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

/** "12/03/2026": how dates read in French explanations. */
export function frenchDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/**
 * The period a counter runs over, for care on `date`: the calendar year for yearly rules, otherwise
 * the rolling window of `months` ending on `date` (frequency rules: 2 years for glasses, 4 years
 * for hearing aids). Both bounds inclusive.
 */
export function periodFor(date: string, months: number): { start: string; end: string } {
  if (months === 12) {
    const year = date.slice(0, 4);
    return { start: `${year}-01-01`, end: `${year}-12-31` };
  }
  return { start: addDays(addMonths(date, -months), 1), end: date };
}

/** Day of the month of the last Sunday of `month` (1–12) in `year`. */
function lastSunday(year: number, month: number): number {
  const last = daysInMonth(year, month);
  const weekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
  return last - weekday;
}

/** Summer time bounds of the year last asked for: claims arrive in bursts within one year. */
let summer = { year: -1, start: 0, end: 0 };

/**
 * The Paris civil date of an instant ("YYYY-MM-DD"). Paris is UTC+1, and UTC+2 from the last
 * Sunday of March to the last Sunday of October at 01:00 UTC (EU rule since 1996): computed
 * rather than asked of Intl, which costs microseconds per call on the adjudication path.
 */
export function parisDateOf(instant: Date): string {
  const ms = instant.getTime();
  const year = new Date(ms).getUTCFullYear();
  if (summer.year !== year) {
    summer = { year, start: Date.UTC(year, 2, lastSunday(year, 3), 1), end: Date.UTC(year, 9, lastSunday(year, 10), 1) };
  }
  const offsetHours = ms >= summer.start && ms < summer.end ? 2 : 1;
  const local = new Date(ms + offsetHours * 3_600_000);
  return format(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
}
