/*
 * The tariff engine: plain data in, prices out. No I/O, no clock. See
 * docs/decisions/010-versioned-tariffs.md for the rules, summarised here:
 * - age = year of the start date − year of birth (no birthday arithmetic, as in DOMAIN.md);
 * - an ADULT (member, spouse) is priced by age band, a CHILD at the child rate up to
 *   `childMaxAge`; children are ranked eldest first and are free from `freeChildFromRank` on;
 * - monthly price of a person = base (F2, Z2, general scheme) × formula × zone × scheme, computed
 *   in integers (multipliers in thousandths) and rounded once, half up, to the cent;
 * - monthly total = sum of the persons; yearly total = 12 × monthly total (no second rounding).
 * Nothing about sex or health is ever an input.
 */

export type PersonRole = "MEMBER" | "SPOUSE" | "CHILD";
export type PersonKind = "CHILD" | "ADULT";
export type FactorKind = "FORMULA" | "ZONE" | "SCHEME";

export type AgeBand = { personKind: PersonKind; minAge: number; maxAge: number | null; monthlyCents: number };

export type Tariff = {
  versionId: string;
  code: string;
  validFrom: string;
  validTo: string | null;
  childMaxAge: number;
  adultMinAge: number;
  freeChildFromRank: number;
  bands: readonly AgeBand[];
  /** Multipliers in thousandths, by kind then key (F1…, Z1…, GENERAL/ALSACE_MOSELLE). */
  factors: Readonly<Record<FactorKind, Readonly<Record<string, number>>>>;
  departementZones: Readonly<Record<string, string>>;
};

export type QuotePerson = { role: PersonRole; birthDate: string };

export type QuoteInput = {
  startDate: string;
  zone: string;
  scheme: string;
  persons: readonly QuotePerson[];
};

export type PersonPrice = {
  role: PersonRole;
  birthDate: string;
  age: number;
  childRank: number | null;
  monthlyCents: number;
  free: boolean;
};

export type FormulaPrice = {
  /** Formula code, F1…F4. */
  code: string;
  persons: PersonPrice[];
  monthlyCents: number;
  yearlyCents: number;
};

export class TariffError extends Error {
  constructor(
    readonly code: "AGE_OUT_OF_RANGE" | "UNKNOWN_FACTOR" | "NO_BAND" | "NO_PERSON",
    message: string,
  ) {
    super(message);
    this.name = "TariffError";
  }
}

const yearOf = (isoDate: string) => Number(isoDate.slice(0, 4));

export function ageAt(startDate: string, birthDate: string): number {
  return yearOf(startDate) - yearOf(birthDate);
}

/** The tariff version valid on `date` (ISO yyyy-mm-dd), the most recent one when several overlap. */
export function tariffValidOn<T extends Pick<Tariff, "validFrom" | "validTo">>(
  versions: readonly T[],
  date: string,
): T | undefined {
  let best: T | undefined;
  for (const v of versions) {
    if (v.validFrom <= date && (v.validTo === null || date <= v.validTo)) {
      if (!best || v.validFrom > best.validFrom) best = v;
    }
  }
  return best;
}

function factor(tariff: Tariff, kind: FactorKind, key: string): number {
  const value = tariff.factors[kind][key];
  if (value === undefined) throw new TariffError("UNKNOWN_FACTOR", `No ${kind} multiplier for ${key}`);
  return value;
}

function baseMonthlyCents(tariff: Tariff, kind: PersonKind, age: number): number {
  for (const band of tariff.bands) {
    if (band.personKind === kind && age >= band.minAge && (band.maxAge === null || age <= band.maxAge)) {
      return band.monthlyCents;
    }
  }
  throw new TariffError("NO_BAND", `No ${kind} band for age ${age}`);
}

/** Half-up rounding of `numerator / 1e9` (three multipliers in thousandths), exact in integers. */
function roundBillionths(numerator: number): number {
  return Math.floor((numerator + 500_000_000) / 1_000_000_000);
}

/** Ranks children eldest first (input order breaks ties): rank 1 is the eldest. */
function childRanks(persons: readonly QuotePerson[]): Map<number, number> {
  const children = persons
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => p.role === "CHILD")
    .sort((a, b) => (a.p.birthDate < b.p.birthDate ? -1 : a.p.birthDate > b.p.birthDate ? 1 : a.index - b.index));
  return new Map(children.map(({ index }, i) => [index, i + 1]));
}

/** Checks ages against the tariff's rules; returns the index and reason of the first problem. */
export function ageProblem(
  tariff: Pick<Tariff, "childMaxAge" | "adultMinAge">,
  startDate: string,
  person: QuotePerson,
): "CHILD_TOO_OLD" | "ADULT_TOO_YOUNG" | "NOT_BORN" | null {
  const age = ageAt(startDate, person.birthDate);
  if (age < 0 || person.birthDate > startDate) return "NOT_BORN";
  if (person.role === "CHILD") return age > tariff.childMaxAge ? "CHILD_TOO_OLD" : null;
  return age < tariff.adultMinAge ? "ADULT_TOO_YOUNG" : null;
}

type PreparedPerson = Omit<PersonPrice, "monthlyCents"> & { baseCents: number };

/** Ages, child ranks and base rates: the part of a quote that does not depend on the formula. */
function preparePersons(tariff: Tariff, input: QuoteInput): PreparedPerson[] {
  if (input.persons.length === 0) throw new TariffError("NO_PERSON", "A quote covers at least one person");
  const ranks = childRanks(input.persons);
  return input.persons.map((person, index) => {
    const problem = ageProblem(tariff, input.startDate, person);
    if (problem) throw new TariffError("AGE_OUT_OF_RANGE", `Person ${index + 1}: ${problem}`);
    const age = ageAt(input.startDate, person.birthDate);
    const childRank = ranks.get(index) ?? null;
    const free = childRank !== null && childRank >= tariff.freeChildFromRank;
    const baseCents = free ? 0 : baseMonthlyCents(tariff, person.role === "CHILD" ? "CHILD" : "ADULT", age);
    return { role: person.role, birthDate: person.birthDate, age, childRank, free, baseCents };
  });
}

function pricePrepared(tariff: Tariff, input: QuoteInput, prepared: readonly PreparedPerson[], formula: string): FormulaPrice {
  const multiplier = factor(tariff, "FORMULA", formula) * factor(tariff, "ZONE", input.zone) * factor(tariff, "SCHEME", input.scheme);
  let monthlyCents = 0;
  const persons = prepared.map((p): PersonPrice => {
    const cents = roundBillionths(p.baseCents * multiplier);
    monthlyCents += cents;
    return { role: p.role, birthDate: p.birthDate, age: p.age, childRank: p.childRank, monthlyCents: cents, free: p.free };
  });
  return { code: formula, persons, monthlyCents, yearlyCents: monthlyCents * 12 };
}

/** Prices one formula for the whole family. */
export function priceFormula(tariff: Tariff, input: QuoteInput, formula: string): FormulaPrice {
  return pricePrepared(tariff, input, preparePersons(tariff, input), formula);
}

/** Formula codes of the tariff, in ascending multiplier order (F1 → F4). */
function formulaCodes(tariff: Tariff): readonly string[] {
  let codes = formulaOrder.get(tariff.factors.FORMULA);
  if (!codes) {
    codes = Object.entries(tariff.factors.FORMULA)
      .sort(([ak, av], [bk, bv]) => av - bv || ak.localeCompare(bk))
      .map(([code]) => code);
    formulaOrder.set(tariff.factors.FORMULA, codes);
  }
  return codes;
}

/** Sorted once per tariff (tariffs are immutable): quotes are computed at a high rate. */
const formulaOrder = new WeakMap<object, readonly string[]>();

/** Every formula of the tariff, side by side. */
export function priceAllFormulas(tariff: Tariff, input: QuoteInput): FormulaPrice[] {
  const prepared = preparePersons(tariff, input);
  return formulaCodes(tariff).map((code) => pricePrepared(tariff, input, prepared, code));
}
