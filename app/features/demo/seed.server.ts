import { randomUUID } from "node:crypto";
import { Faker, base, fr } from "@faker-js/faker";
import { eq, getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { seedDemoClaims } from "~/features/claims/demo-claims.server";
import { seedDemoInboundEmails } from "~/features/claims/email-intake.server";
import type { FormulaCode } from "~/features/members/formulas-catalogue";
import { ensureCatalogue } from "~/features/members/reference-data.server";
import { ensureTariff } from "~/features/quotes/ensure-tariff.server";
import {
  type NirSex,
  type Rng,
  generateFrenchIban,
  generateMemberNumber,
  generateNir,
  generateSiret,
  ibanHint,
  nirHint,
} from "~/platform/identifiers/identifiers";
import { SYSTEM_ACTOR, appendAudit } from "~/platform/audit/audit.server";
import { hashPassword } from "~/platform/auth/password.server";
import { config } from "~/platform/config/env.server";
import { blindIndex, encryptField } from "~/platform/crypto/keyring.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import {
  authTokens,
  contracts,
  employers,
  persons,
  sessions,
  switchboardTesters,
  systemState,
  throttleBuckets,
  users,
} from "~/platform/db/schema";
import {
  DEMO_KARIM,
  DEMO_LUCIE,
  DEMO_MARIE,
  DEMO_MEMBER_NUMBERS,
  DEMO_PASSWORD,
  DEMO_STAFF,
  DEMO_TESTER,
  DEMO_TOTP_SECRET,
} from "./demo-accounts";

/*
 * Synthetic demo data, generated at run time: no real person is ever in a Bascule database
 * outside production. The same seed (and reference date) always gives the same people, so a demo
 * or a bug report can be reproduced. Everything is written in one transaction: a failed seed
 * leaves nothing behind.
 */

export type SeedOptions = {
  /** Seed of the pseudo-random generator; same seed, same people. */
  seed?: number;
  /** Number of members (subscribers), the three demo members included. */
  members?: number;
  /** Reference date for ages and contract dates. */
  now?: Date;
  log?: (message: string) => void;
};

export type SeedReport = {
  seed: number;
  members: number;
  persons: number;
  contracts: number;
  employers: number;
  users: number;
  ms: number;
};

export const DEFAULT_SEED = 1;
export const DEFAULT_MEMBER_COUNT = 300;
/** Marie, Karim, Lucie and the switchboard's re-test account: always the first four members. */
const DEMO_MEMBER_COUNT = 4;
export const MIN_MEMBER_COUNT = DEMO_MEMBER_COUNT;
/** Member numbers have a 7-digit sequence. */
export const MAX_MEMBER_COUNT = 9_999_999;
/** Rows per INSERT statement (and per generated slice held in memory). */
const BATCH_SIZE = 2_000;
const SEED_STATE_KEY = "demo-seed";

type ContractRow = typeof contracts.$inferInsert;
type PersonRow = typeof persons.$inferInsert;
type UserRow = typeof users.$inferInsert;
type EmployerRow = typeof employers.$inferInsert;

function refuseInProduction(what: string): void {
  if (config().isProduction) {
    throw new Error(`Refusing to ${what} demo data in production (BASCULE_ENV=production)`);
  }
}

/** True when no one is in the database yet: no protected person and no account. */
export async function isDatabaseEmpty(db: DbOrTx): Promise<boolean> {
  const [person] = await db.select({ id: persons.id }).from(persons).limit(1);
  const [user] = await db.select({ id: users.id }).from(users).limit(1);
  return person === undefined && user === undefined;
}

// ---------------------------------------------------------------------------------------------
// Geography

type Home = {
  departement: string;
  weight: number;
  /** ARCEP block reserved for fiction in the region's landline prefix: these numbers never ring. */
  landline: string | null;
  places: readonly (readonly [postcode: string, city: string])[];
};

const FICTION_MOBILE_BLOCK = "06 39 98";
const ALSACE_MOSELLE = new Set(["57", "67", "68"]);

const paris = Array.from({ length: 20 }, (_, i) => [`750${String(i + 1).padStart(2, "0")}`, "Paris"] as const);

/** Where members live: the Var, Bascule's home, first, then its neighbours and the large cities. */
// prettier-ignore
const HOMES: readonly Home[] = [
  { departement: "83", weight: 30, landline: "04 65 71", places: [
      ["83000", "Toulon"], ["83100", "Toulon"], ["83200", "Toulon"], ["83500", "La Seyne-sur-Mer"],
      ["83400", "Hyères"], ["83600", "Fréjus"], ["83700", "Saint-Raphaël"], ["83300", "Draguignan"],
      ["83140", "Six-Fours-les-Plages"], ["83130", "La Garde"], ["83160", "La Valette-du-Var"],
      ["83170", "Brignoles"], ["83110", "Sanary-sur-Mer"], ["83150", "Bandol"], ["83120", "Sainte-Maxime"],
      ["83470", "Saint-Maximin-la-Sainte-Baume"], ["83220", "Le Pradet"], ["83190", "Ollioules"],
  ] },
  { departement: "13", weight: 12, landline: "04 65 71", places: [
      ["13001", "Marseille"], ["13004", "Marseille"], ["13005", "Marseille"], ["13008", "Marseille"],
      ["13009", "Marseille"], ["13012", "Marseille"], ["13013", "Marseille"], ["13100", "Aix-en-Provence"],
      ["13090", "Aix-en-Provence"], ["13400", "Aubagne"], ["13600", "La Ciotat"], ["13500", "Martigues"],
      ["13200", "Arles"], ["13300", "Salon-de-Provence"],
  ] },
  { departement: "06", weight: 7, landline: "04 65 71", places: [
      ["06000", "Nice"], ["06100", "Nice"], ["06200", "Nice"], ["06300", "Nice"], ["06400", "Cannes"],
      ["06600", "Antibes"], ["06130", "Grasse"], ["06500", "Menton"], ["06800", "Cagnes-sur-Mer"],
  ] },
  { departement: "84", weight: 3, landline: "04 65 71", places: [
      ["84000", "Avignon"], ["84200", "Carpentras"], ["84100", "Orange"], ["84300", "Cavaillon"],
  ] },
  { departement: "04", weight: 1.5, landline: "04 65 71", places: [
      ["04100", "Manosque"], ["04000", "Digne-les-Bains"], ["04200", "Sisteron"],
  ] },
  { departement: "75", weight: 7, landline: "01 99 00", places: paris },
  { departement: "92", weight: 3, landline: "01 99 00", places: [
      ["92100", "Boulogne-Billancourt"], ["92000", "Nanterre"], ["92400", "Courbevoie"],
      ["92130", "Issy-les-Moulineaux"], ["92200", "Neuilly-sur-Seine"], ["92600", "Asnières-sur-Seine"],
  ] },
  { departement: "93", weight: 2, landline: "01 99 00", places: [
      ["93200", "Saint-Denis"], ["93100", "Montreuil"], ["93000", "Bobigny"], ["93600", "Aulnay-sous-Bois"],
  ] },
  { departement: "94", weight: 2, landline: "01 99 00", places: [
      ["94000", "Créteil"], ["94300", "Vincennes"], ["94200", "Ivry-sur-Seine"], ["94100", "Saint-Maur-des-Fossés"],
  ] },
  { departement: "69", weight: 5, landline: "04 65 71", places: [
      ["69001", "Lyon"], ["69003", "Lyon"], ["69006", "Lyon"], ["69007", "Lyon"], ["69008", "Lyon"],
      ["69100", "Villeurbanne"], ["69200", "Vénissieux"],
  ] },
  { departement: "33", weight: 3, landline: "05 36 49", places: [
      ["33000", "Bordeaux"], ["33800", "Bordeaux"], ["33700", "Mérignac"], ["33600", "Pessac"],
  ] },
  { departement: "31", weight: 3, landline: "05 36 49", places: [
      ["31000", "Toulouse"], ["31100", "Toulouse"], ["31200", "Toulouse"], ["31300", "Toulouse"],
      ["31400", "Toulouse"], ["31500", "Toulouse"], ["31700", "Blagnac"],
  ] },
  { departement: "34", weight: 3, landline: "04 65 71", places: [
      ["34000", "Montpellier"], ["34070", "Montpellier"], ["34500", "Béziers"], ["34200", "Sète"],
  ] },
  { departement: "44", weight: 2, landline: "02 61 91", places: [
      ["44000", "Nantes"], ["44100", "Nantes"], ["44300", "Nantes"], ["44600", "Saint-Nazaire"],
  ] },
  { departement: "35", weight: 2, landline: "02 61 91", places: [
      ["35000", "Rennes"], ["35200", "Rennes"], ["35400", "Saint-Malo"],
  ] },
  { departement: "59", weight: 3, landline: "03 53 01", places: [
      ["59000", "Lille"], ["59100", "Roubaix"], ["59200", "Tourcoing"], ["59140", "Dunkerque"],
      ["59300", "Valenciennes"],
  ] },
  { departement: "57", weight: 3, landline: "03 53 01", places: [
      ["57000", "Metz"], ["57050", "Metz"], ["57100", "Thionville"], ["57600", "Forbach"],
      ["57200", "Sarreguemines"],
  ] },
  { departement: "67", weight: 3, landline: "03 53 01", places: [
      ["67000", "Strasbourg"], ["67100", "Strasbourg"], ["67200", "Strasbourg"], ["67500", "Haguenau"],
      ["67600", "Sélestat"], ["67700", "Saverne"],
  ] },
  { departement: "68", weight: 2, landline: "03 53 01", places: [
      ["68100", "Mulhouse"], ["68200", "Mulhouse"], ["68000", "Colmar"], ["68300", "Saint-Louis"],
  ] },
  { departement: "2A", weight: 1, landline: "04 65 71", places: [
      ["20000", "Ajaccio"], ["20090", "Ajaccio"], ["20137", "Porto-Vecchio"],
  ] },
  { departement: "2B", weight: 1, landline: "04 65 71", places: [
      ["20200", "Bastia"], ["20600", "Bastia"], ["20250", "Corte"], ["20260", "Calvi"],
  ] },
  // Réunion has no fiction block of its own: its members get fiction mobile numbers only.
  { departement: "974", weight: 1, landline: null, places: [
      ["97400", "Saint-Denis"], ["97410", "Saint-Pierre"], ["97430", "Le Tampon"], ["97460", "Saint-Paul"],
  ] },
];

const WEIGHTED_HOMES = HOMES.map((h) => [h, h.weight] as const);

function homeOf(departement: string): Home {
  const home = HOMES.find((h) => h.departement === departement);
  if (!home) throw new Error(`No demo home in département ${departement}`);
  return home;
}

/** A few large French banks and their BIC (8-character form, valid for all their branches). */
const WEIGHTED_BANKS: readonly (readonly [{ bankCode: string; bic: string }, number])[] = [
  [{ bankCode: "30004", bic: "BNPAFRPP" }, 20],
  [{ bankCode: "30003", bic: "SOGEFRPP" }, 18],
  [{ bankCode: "30002", bic: "CRLYFRPP" }, 14],
  [{ bankCode: "20041", bic: "PSSTFRPP" }, 16],
  [{ bankCode: "30066", bic: "CMCIFRPP" }, 14],
  [{ bankCode: "10107", bic: "BREDFRPP" }, 8],
  [{ bankCode: "30056", bic: "CCFRFRPP" }, 10],
];

// prettier-ignore
const EMPLOYER_TRADES = [
  "Transports", "Boulangerie", "Garage", "Cabinet", "Imprimerie", "Menuiserie", "Pharmacie", "Hôtel",
  "Laboratoire", "Ateliers", "Clinique", "Bâtiment", "Maraîchers", "Librairie", "Plomberie",
];
const LEGAL_FORMS = ["SAS", "SARL", "SA", "SASU", "EURL"];

// ---------------------------------------------------------------------------------------------
// Dates, as ISO `YYYY-MM-DD` strings (the `date` columns' mode)

const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

function addYears(iso: string, years: number): string {
  const d = new Date(dayMs(iso));
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return isoDate(d.getTime());
}

function addDays(iso: string, days: number): string {
  return isoDate(dayMs(iso) + days * DAY_MS);
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

// ---------------------------------------------------------------------------------------------
// The generator: every random draw goes through one seeded faker, in a fixed order

type Sex = "female" | "male";

type Address = { addressLine: string; postcode: string; city: string };

type EmployerDraft = { row: EmployerRow & { id: string }; formulaCode: FormulaCode; cumulativeWeight: number };

type Household = { contract: ContractRow & { id: string }; persons: (PersonRow & { id: string })[] };

type Draft = {
  role: "MEMBER" | "SPOUSE" | "CHILD";
  sex: Sex;
  firstName: string;
  lastName: string;
  birthDate: string;
};

class DemoGenerator {
  readonly faker: Faker;
  readonly rng: Rng;
  private readonly nirs = new Set<string>();
  private readonly emailCounts = new Map<string, number>();

  constructor(
    seed: number,
    readonly today: string,
  ) {
    this.faker = new Faker({ locale: [fr, base] });
    this.faker.seed(seed);
    this.rng = () => this.faker.number.float();
    // The demo accounts' addresses are taken before any random member can draw them.
    for (const email of [DEMO_MARIE.email, DEMO_KARIM.email, DEMO_LUCIE.email, DEMO_TESTER.contactEmail]) this.emailCounts.set(email, 1);
  }

  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  chance(probability: number): boolean {
    return this.rng() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let draw = this.rng() * total;
    for (const [value, weight] of items) {
      draw -= weight;
      if (draw < 0) return value;
    }
    return items[items.length - 1]![0];
  }

  dateBetween(from: string, to: string): string {
    const span = Math.max(0, Math.round((dayMs(to) - dayMs(from)) / DAY_MS));
    return addDays(from, this.int(0, span));
  }

  /** A birth date such that the person is `age` years old on the reference date. */
  birthDateForAge(age: number): string {
    return this.dateBetween(addDays(addYears(this.today, -(age + 1)), 1), addYears(this.today, -age));
  }

  sex(): Sex {
    return this.chance(0.5) ? "female" : "male";
  }

  firstName(sex: Sex): string {
    return this.faker.person.firstName(sex);
  }

  lastName(): string {
    return this.faker.person.lastName();
  }

  home(): Home {
    return this.weighted(WEIGHTED_HOMES);
  }

  address(home: Home): Address {
    const [postcode, city] = this.pick(home.places);
    return { addressLine: `${this.int(1, 150)} ${this.faker.location.street()}`, postcode, city };
  }

  /** A number in one of the blocks ARCEP reserves for fiction: it can never reach anyone. */
  phone(home: Home): string {
    const block = home.landline !== null && this.chance(0.25) ? home.landline : FICTION_MOBILE_BLOCK;
    return `${block} ${String(this.int(0, 99)).padStart(2, "0")} ${String(this.int(0, 99)).padStart(2, "0")}`;
  }

  /** On reserved, non-routable domains only, unique across the data set. */
  email(firstName: string, lastName: string): string {
    const slug = (s: string) =>
      s
        .normalize("NFD")
        .replace(/\p{Diacritic}/gu, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
    const local = `${slug(firstName)}.${slug(lastName)}`;
    const domain = this.chance(0.7) ? "exemple.fr" : "example.org";
    const key = `${local}@${domain}`;
    const count = (this.emailCounts.get(key) ?? 0) + 1;
    this.emailCounts.set(key, count);
    // Names hold no digits, so a numbered address can never collide with a plain one.
    return count === 1 ? key : `${local}${count}@${domain}`;
  }

  /** Where someone living in `home` was born: mostly there, sometimes elsewhere or abroad. */
  birthDepartement(home: Home, birthDate: string): string | undefined {
    const draw = this.rng();
    if (draw < 0.07) return "99";
    if (draw < 0.35) return undefined;
    // Corsica was one département, 20, until 1976.
    if ((home.departement === "2A" || home.departement === "2B") && birthDate < "1976-01-01") return "20";
    return home.departement;
  }

  nir(sex: Sex, birthDate: string, departement: string | undefined): Pick<PersonRow, "nirEnc" | "nirBidx" | "nirHint"> {
    const nirSex: NirSex = sex === "male" ? 1 : 2;
    let nir: string;
    do {
      nir = generateNir(this.rng, { sex: nirSex, birthDate, ...(departement ? { departement } : {}) });
    } while (this.nirs.has(nir));
    this.nirs.add(nir);
    return { nirEnc: encryptField("persons.nir", nir), nirBidx: blindIndex("nir", nir), nirHint: nirHint(nir) };
  }

  bankAccount(
    contractStart: string,
    active: boolean,
  ): Pick<ContractRow, "ibanEnc" | "ibanBidx" | "ibanHint" | "bic" | "ibanChangedAt"> {
    const { bankCode, bic } = this.weighted(WEIGHTED_BANKS);
    const iban = generateFrenchIban(this.rng, { bankCode });
    // A few active accounts changed recently: material for the "new IBAN before a large claim" signal.
    const changedOn =
      active && this.chance(0.05)
        ? maxDate(contractStart, this.dateBetween(addDays(this.today, -120), this.today))
        : contractStart;
    return {
      ibanEnc: encryptField("contracts.iban", iban),
      ibanBidx: blindIndex("iban", iban),
      ibanHint: ibanHint(iban),
      bic,
      ibanChangedAt: new Date(`${changedOn}T09:00:00Z`),
    };
  }

  employerName(): string {
    const name = this.lastName();
    return this.chance(0.25)
      ? `${name} et ${this.lastName()} ${this.pick(LEGAL_FORMS)}`
      : `${this.pick(EMPLOYER_TRADES)} ${name} ${this.pick(LEGAL_FORMS)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Households

type ContractTerms = {
  sequence: number;
  kind: "INDIVIDUAL" | "COLLECTIVE";
  formulaId: string;
  employerId: string | null;
  startDate: string;
  endDate: string | null;
  home: Home;
  scheme: "GENERAL" | "ALSACE_MOSELLE";
};

function contractRow(g: DemoGenerator, t: ContractTerms): ContractRow & { id: string } {
  return {
    id: randomUUID(),
    number: `CT-${t.startDate.slice(0, 4)}-${String(t.sequence).padStart(6, "0")}`,
    kind: t.kind,
    status: t.endDate === null ? "ACTIVE" : "TERMINATED",
    formulaId: t.formulaId,
    employerId: t.employerId,
    startDate: t.startDate,
    endDate: t.endDate,
    scheme: t.scheme,
    departement: t.home.departement,
    ...g.bankAccount(t.startDate, t.endDate === null),
  };
}

function personRow(
  contract: ContractRow & { id: string },
  draft: Draft,
  identity: Pick<PersonRow, "nirEnc" | "nirBidx" | "nirHint" | "nirHolderPersonId" | "birthRank">,
  extra: Partial<PersonRow> = {},
): PersonRow & { id: string } {
  return {
    id: randomUUID(),
    contractId: contract.id,
    role: draft.role,
    civility: draft.role === "CHILD" ? null : draft.sex === "female" ? "Mme" : "M.",
    firstName: draft.firstName,
    lastName: draft.lastName,
    birthDate: draft.birthDate,
    coveredFrom: maxDate(contract.startDate, draft.birthDate),
    coveredTo: contract.endDate ?? null,
    c2s: false,
    ...identity,
    ...extra,
  };
}

function ownNir(g: DemoGenerator, draft: Draft, home: Home) {
  return {
    ...g.nir(draft.sex, draft.birthDate, g.birthDepartement(home, draft.birthDate)),
    nirHolderPersonId: null,
    birthRank: null,
  };
}

/** A child under 16 is usually covered on a parent's NIR, identified by birth date and rank (twins). */
function onParentNir(parent: { id: string }, birthRank: number) {
  return { nirEnc: null, nirBidx: null, nirHint: null, nirHolderPersonId: parent.id, birthRank };
}

function schemeOf(g: DemoGenerator, home: Home): "GENERAL" | "ALSACE_MOSELLE" {
  // The local scheme follows the place of work, so a few residents stay in the general one.
  return ALSACE_MOSELLE.has(home.departement) && g.chance(0.85) ? "ALSACE_MOSELLE" : "GENERAL";
}

const INDIVIDUAL_AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[18, 29], 10],
  [[30, 59], 45],
  [[60, 92], 45],
];

function randomHousehold(
  g: DemoGenerator,
  sequence: number,
  formulaIds: ReadonlyMap<FormulaCode, string>,
  employer: EmployerDraft | null,
): Household {
  const home = g.home();
  const sex = g.sex();
  // Employees are of working age; individual contracts lean towards retirees.
  const [minAge, maxAge] = employer ? ([20, 64] as const) : g.weighted(INDIVIDUAL_AGE_BANDS);
  const age = g.int(minAge, maxAge);
  const member: Draft = {
    role: "MEMBER",
    sex,
    firstName: g.firstName(sex),
    lastName: g.lastName(),
    birthDate: g.birthDateForAge(age),
  };
  const formulaCode =
    employer?.formulaCode ??
    g.weighted<FormulaCode>([
      ["F1", 20],
      ["F2", 40],
      ["F3", 28],
      ["F4", 12],
    ]);
  const latestStart = addDays(g.today, -30);
  const startDate = g.dateBetween(maxDate("2008-01-01", addYears(member.birthDate, 18)), latestStart);
  const endDate =
    startDate < addYears(g.today, -1) && g.chance(0.06)
      ? g.dateBetween(addYears(startDate, 1), addDays(g.today, -1))
      : null;
  const contract = contractRow(g, {
    sequence,
    kind: employer ? "COLLECTIVE" : "INDIVIDUAL",
    formulaId: formulaIds.get(formulaCode)!,
    employerId: employer?.row.id ?? null,
    startDate,
    endDate,
    home,
    scheme: schemeOf(g, home),
  });
  const address = g.address(home);
  const c2s = !employer && g.chance(0.02);
  const principal = personRow(contract, member, ownNir(g, member, home), {
    memberNumber: generateMemberNumber(sequence),
    email: g.email(member.firstName, member.lastName),
    phone: g.phone(home),
    ...address,
    c2s,
  });
  const household: Household = { contract, persons: [principal] };

  let spouse: (PersonRow & { id: string }) | null = null;
  if (age >= 22 && age <= 85 && g.chance(0.5)) {
    const spouseSex: Sex = g.chance(0.93) ? (sex === "female" ? "male" : "female") : sex;
    const draft: Draft = {
      role: "SPOUSE",
      sex: spouseSex,
      firstName: g.firstName(spouseSex),
      lastName: g.chance(0.6) ? member.lastName : g.lastName(),
      birthDate: g.birthDateForAge(Math.min(95, Math.max(18, age + g.int(-6, 6)))),
    };
    spouse = personRow(contract, draft, ownNir(g, draft, home), {
      phone: g.chance(0.5) ? g.phone(home) : null,
      ...address,
      c2s,
    });
    household.persons.push(spouse);
  }

  // Parents were 18 to 45 at the birth; children stay covered until 25 at most.
  const oldest = Math.min(24, age - 18);
  const youngest = Math.max(0, age - 45);
  if (age >= 22 && oldest >= youngest) {
    const count = g.weighted([
      [0, 40],
      [1, 25],
      [2, 25],
      [3, 10],
    ]);
    let previousBirthDate: string | null = null;
    for (let i = 0; i < count; i++) {
      const twin = previousBirthDate !== null && g.chance(0.03);
      const childSex = g.sex();
      const draft: Draft = {
        role: "CHILD",
        sex: childSex,
        firstName: g.firstName(childSex),
        lastName: member.lastName,
        birthDate: twin && previousBirthDate !== null ? previousBirthDate : g.birthDateForAge(g.int(youngest, oldest)),
      };
      previousBirthDate = draft.birthDate;
      // A child born after the contract ended was never on it.
      if (endDate !== null && draft.birthDate > endDate) continue;
      const under16 = draft.birthDate > addYears(g.today, -16);
      const identity =
        under16 && g.chance(0.75)
          ? onParentNir(spouse !== null && g.chance(0.4) ? spouse : principal, twin ? 2 : 1)
          : ownNir(g, draft, home);
      household.persons.push(personRow(contract, draft, identity, { c2s }));
    }
  }
  return household;
}

function marieHousehold(g: DemoGenerator, formulaIds: ReadonlyMap<FormulaCode, string>): Household {
  const home = homeOf(DEMO_MARIE.departement);
  const contract = contractRow(g, {
    sequence: 1,
    kind: "INDIVIDUAL",
    formulaId: formulaIds.get(DEMO_MARIE.formulaCode)!,
    employerId: null,
    startDate: DEMO_MARIE.contractStartDate,
    endDate: null,
    home,
    scheme: "GENERAL",
  });
  const address = g.address(home);
  const marieDraft: Draft = { role: "MEMBER", sex: "female", ...nameAndBirthDate(DEMO_MARIE) };
  const marie = personRow(contract, marieDraft, ownNir(g, marieDraft, home), {
    memberNumber: DEMO_MEMBER_NUMBERS.marie,
    email: DEMO_MARIE.email,
    phone: g.phone(home),
    ...address,
  });
  const thomasDraft: Draft = { role: "SPOUSE", sex: "male", ...nameAndBirthDate(DEMO_MARIE.spouse) };
  const thomas = personRow(contract, thomasDraft, ownNir(g, thomasDraft, home), { phone: g.phone(home), ...address });
  const [lea, hugo] = DEMO_MARIE.children;
  return {
    contract,
    persons: [
      marie,
      thomas,
      personRow(contract, { role: "CHILD", sex: "female", ...nameAndBirthDate(lea) }, onParentNir(marie, 1)),
      personRow(contract, { role: "CHILD", sex: "male", ...nameAndBirthDate(hugo) }, onParentNir(thomas, 1)),
    ],
  };
}

function singleMemberHousehold(
  g: DemoGenerator,
  formulaIds: ReadonlyMap<FormulaCode, string>,
  demo: { [K in "departement" | "contractStartDate" | "memberNumber" | "email" | "firstName" | "lastName" | "birthDate"]: string } & {
    formulaCode: FormulaCode;
  },
  sequence: number,
  sex: Sex,
  employer: EmployerDraft | null,
): Household {
  const home = homeOf(demo.departement);
  const contract = contractRow(g, {
    sequence,
    kind: employer ? "COLLECTIVE" : "INDIVIDUAL",
    formulaId: formulaIds.get(demo.formulaCode)!,
    employerId: employer?.row.id ?? null,
    startDate: demo.contractStartDate,
    endDate: null,
    home,
    scheme: "GENERAL",
  });
  const draft: Draft = { role: "MEMBER", sex, ...nameAndBirthDate(demo) };
  const person = personRow(contract, draft, ownNir(g, draft, home), {
    memberNumber: demo.memberNumber,
    email: demo.email,
    phone: g.phone(home),
    ...g.address(home),
  });
  return { contract, persons: [person] };
}

function nameAndBirthDate(p: { firstName: string; lastName: string; birthDate: string }) {
  return { firstName: p.firstName, lastName: p.lastName, birthDate: p.birthDate };
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * PostgreSQL's text form of an array, every element quoted. Built here rather than by the driver
 * because PGlite only serialises arrays of the built-in types, not of enums.
 */
function pgArrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((v) => (v === null ? "NULL" : `"${String(v).replace(/[\\"]/g, "\\$&")}"`));
  return `{${elements.join(",")}}`;
}

/**
 * Inserts through `unnest`: one bind parameter per column (an array of values) instead of one per
 * value. It spares drizzle's per-value query building and PostgreSQL's parsing of thousands of
 * parameters: 65,000 members take about 15 s instead of more than a minute with multi-row VALUES.
 * Columns that no row sets keep their defaults; a row lacking a NOT NULL column that other rows
 * set would get NULL instead of the default, so it is refused.
 */
async function bulkInsert<T extends PgTable>(tx: DbOrTx, table: T, rows: readonly T["$inferInsert"][]): Promise<void> {
  const tableColumns = Object.entries(getTableColumns(table));
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    const chunk = rows.slice(i, i + BATCH_SIZE) as readonly Record<string, unknown>[];
    const columns = tableColumns.filter(([key]) => chunk.some((row) => row[key] !== undefined));
    const arrays = columns.map(([key, column]) => {
      const values = chunk.map((row) => {
        const value = row[key];
        if (value !== undefined && value !== null) return column.mapToDriverValue(value);
        if (column.notNull) throw new Error(`bulkInsert: a ${getTableName(table)} row lacks ${key}`);
        return null;
      });
      return sql`${pgArrayLiteral(values)}::${sql.raw(column.getSQLType())}[]`;
    });
    await tx.execute(
      sql`insert into ${table} (${sql.join(
        columns.map(([, column]) => sql.identifier(column.name)),
        sql`, `,
      )}) select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  }
}

function draftEmployers(g: DemoGenerator, count: number): EmployerDraft[] {
  const drafts: EmployerDraft[] = [];
  const sirets = new Set<string>();
  let cumulative = 0;
  for (let rank = 0; rank < count; rank++) {
    let siret: string;
    do siret = generateSiret(g.rng);
    while (sirets.has(siret));
    sirets.add(siret);
    const demo = rank === 0;
    // A few large employers and many small ones (Zipf-like), as in any region.
    cumulative += 1 / (rank + 1) ** 0.9;
    drafts.push({
      row: {
        id: randomUUID(),
        name: demo ? DEMO_KARIM.employerName : g.employerName(),
        siren: siret.slice(0, 9),
        siret,
      },
      formulaCode: demo
        ? DEMO_KARIM.formulaCode
        : g.weighted<FormulaCode>([
            ["F1", 10],
            ["F2", 35],
            ["F3", 40],
            ["F4", 15],
          ]),
      cumulativeWeight: cumulative,
    });
  }
  return drafts;
}

function pickEmployer(g: DemoGenerator, drafts: readonly EmployerDraft[]): EmployerDraft {
  const draw = g.rng() * drafts[drafts.length - 1]!.cumulativeWeight;
  let lo = 0;
  let hi = drafts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (drafts[mid]!.cumulativeWeight > draw) hi = mid;
    else lo = mid + 1;
  }
  return drafts[lo]!;
}

/**
 * Fills an empty database with synthetic members, contracts, employers and the demo accounts
 * (DEMO_* in demo-accounts.ts). Refuses in production and on a database that already has people.
 */
export async function seedDemoData(db: Db, options: SeedOptions = {}): Promise<SeedReport> {
  refuseInProduction("seed");
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const memberCount = options.members ?? DEFAULT_MEMBER_COUNT;
  if (!Number.isInteger(memberCount) || memberCount < MIN_MEMBER_COUNT || memberCount > MAX_MEMBER_COUNT) {
    throw new RangeError(`members must be an integer between ${MIN_MEMBER_COUNT} and ${MAX_MEMBER_COUNT}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError("seed must be an integer");
  const log = options.log ?? (() => undefined);
  const today = isoDate((options.now ?? new Date()).getTime());

  if (!(await isDatabaseEmpty(db))) {
    throw new Error("Refusing to seed: the database already holds people or accounts (reset it first)");
  }
  // Hashed once for every demo account: argon2id is deliberately slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const g = new DemoGenerator(seed, today);

  const report = await db.transaction(async (tx) => {
    const formulaIds = await ensureCatalogue(tx);
    await ensureTariff(tx);
    log("Formulas, guarantees and regulatory parameters in place");

    const employerDrafts = draftEmployers(g, Math.max(5, Math.round((memberCount * 0.4) / 50)));
    await bulkInsert(
      tx,
      employers,
      employerDrafts.map((e) => e.row),
    );
    log(`${employerDrafts.length} employers`);

    const pending: Household[] = [
      marieHousehold(g, formulaIds),
      singleMemberHousehold(g, formulaIds, DEMO_KARIM, 2, "male", employerDrafts[0]!),
      singleMemberHousehold(g, formulaIds, DEMO_LUCIE, 3, "female", null),
      singleMemberHousehold(g, formulaIds, { ...DEMO_TESTER, email: DEMO_TESTER.contactEmail }, 4, "male", null),
    ];
    const demoPersons = pending.map((h) => h.persons[0]!);
    let personCount = 0;
    let pendingPersons = pending.reduce((n, h) => n + h.persons.length, 0);
    const flush = async () => {
      await bulkInsert(
        tx,
        contracts,
        pending.map((h) => h.contract),
      );
      await bulkInsert(
        tx,
        persons,
        pending.flatMap((h) => h.persons),
      );
      personCount += pendingPersons;
      pending.length = 0;
      pendingPersons = 0;
    };

    for (let sequence = DEMO_MEMBER_COUNT + 1; sequence <= memberCount; sequence++) {
      const household = randomHousehold(
        g,
        sequence,
        formulaIds,
        g.chance(0.4) ? pickEmployer(g, employerDrafts) : null,
      );
      pending.push(household);
      pendingPersons += household.persons.length;
      if (pendingPersons >= BATCH_SIZE) await flush();
      if (sequence % 10_000 === 0) log(`${sequence} / ${memberCount} members`);
    }
    await flush();
    log(`${memberCount} members, ${personCount} protected people`);

    const [marie, karim, , tester] = demoPersons;
    const testerUserId = randomUUID();
    const now = new Date();
    const account = (row: Omit<UserRow, "passwordHash" | "passwordChangedAt">): UserRow => ({
      ...row,
      passwordHash,
      passwordChangedAt: now,
    });
    const accounts: UserRow[] = [
      account({
        email: DEMO_MARIE.email,
        role: "MEMBER",
        displayName: `${DEMO_MARIE.firstName} ${DEMO_MARIE.lastName}`,
        personId: marie!.id,
      }),
      account({
        email: DEMO_KARIM.email,
        role: "MEMBER",
        displayName: `${DEMO_KARIM.firstName} ${DEMO_KARIM.lastName}`,
        personId: karim!.id,
      }),
      account({
        id: testerUserId,
        email: DEMO_TESTER.email,
        role: "MEMBER",
        displayName: `${DEMO_TESTER.firstName} ${DEMO_TESTER.lastName}`,
        personId: tester!.id,
      }),
      ...DEMO_STAFF.map((s) =>
        account({
          email: s.email,
          role: s.role,
          displayName: s.displayName,
          totpKeyEnc: encryptField("users.totp_key", DEMO_TOTP_SECRET),
          totpEnabled: true,
        }),
      ),
    ];
    await tx.insert(users).values(accounts);
    await tx.insert(switchboardTesters).values({ userId: testerUserId, addedByLabel: "system", addedAt: now });
    await seedDemoClaims(tx, now);
    await seedDemoInboundEmails(tx, now);

    const result = {
      seed,
      members: memberCount,
      persons: personCount,
      contracts: memberCount,
      employers: employerDrafts.length,
      users: accounts.length,
    };
    const state = { ...result, referenceDate: today, seededAt: now.toISOString() };
    await tx
      .insert(systemState)
      .values({ key: SEED_STATE_KEY, value: state, updatedAt: now })
      .onConflictDoUpdate({ target: systemState.key, set: { value: state, updatedAt: now } });
    await appendAudit(tx, { actor: SYSTEM_ACTOR, action: "demo.seeded", outcome: "success", details: result });
    return result;
  });
  return { ...report, ms: Math.round(performance.now() - started) };
}

/**
 * Wipes people, contracts, employers, accounts and sessions, so that the demo can be seeded again.
 * CASCADE also empties every table that references them (claims, documents…): all of it is
 * member data. The catalogue and the audit log stay; the reset itself is audited.
 */
export async function resetDemoData(db: Db): Promise<void> {
  refuseInProduction("reset");
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`truncate table ${sessions}, ${authTokens}, ${throttleBuckets}, ${users}, ${persons}, ${contracts}, ${employers} cascade`,
    );
    await tx.delete(systemState).where(eq(systemState.key, SEED_STATE_KEY));
    await appendAudit(tx, { actor: SYSTEM_ACTOR, action: "demo.reset", outcome: "success" });
  });
}
