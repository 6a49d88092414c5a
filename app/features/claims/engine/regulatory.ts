import type { RegulatoryParameter } from "./types";
import { addDays, addMonths } from "~/platform/time/civil-date";

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
