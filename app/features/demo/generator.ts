import { Faker, base, fr } from "@faker-js/faker";
import { type NirSex, type Rng, generateFrenchIban, generateNir } from "~/platform/identifiers/identifiers";
import { DEMO_KARIM, DEMO_LUCIE, DEMO_MARIE, DEMO_TESTER } from "./demo-accounts";
import { addDays } from "~/platform/time/civil-date";
import { EMPLOYER_TRADES, FICTION_MOBILE_BLOCK, type Home, LEGAL_FORMS, WEIGHTED_BANKS, WEIGHTED_HOMES } from "./geography";

/*
 * The demo data's source of chance: every random draw goes through one seeded faker, in a fixed
 * order, so the same seed and reference date always give the same people. Pure: identifiers come
 * out in clear (the seed encrypts them when it writes rows), nothing reads the clock.
 */

// ---------------------------------------------------------------------------------------------
// Dates, as ISO `YYYY-MM-DD` strings (the `date` columns' mode)

const DAY_MS = 86_400_000;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

export function addYears(iso: string, years: number): string {
  const d = new Date(dayMs(iso));
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return isoDate(d.getTime());
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

// ---------------------------------------------------------------------------------------------
// The generator

export type Sex = "female" | "male";

export type Address = { addressLine: string; postcode: string; city: string };

export type BankAccount = { iban: string; bic: string; ibanChangedAt: Date };

export class DemoGenerator {
  readonly faker: Faker;
  readonly rng: Rng;
  private readonly nirs = new Set<string>();
  private readonly emailCounts = new Map<string, number>();

  /**
   * `today` is the reference date ("YYYY-MM-DD") for ages and contract dates; `newId` gives the
   * rows' ids (random UUIDs in the seed, a counter in tests): ids are not drawn from the seed.
   */
  constructor(
    seed: number,
    readonly today: string,
    readonly newId: () => string = () => crypto.randomUUID(),
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

  /** A valid NIR for this sex, birth date and place, unique across the data set. */
  nir(sex: Sex, birthDate: string, departement: string | undefined): string {
    const nirSex: NirSex = sex === "male" ? 1 : 2;
    let nir: string;
    do {
      nir = generateNir(this.rng, { sex: nirSex, birthDate, ...(departement ? { departement } : {}) });
    } while (this.nirs.has(nir));
    this.nirs.add(nir);
    return nir;
  }

  bankAccount(contractStart: string, active: boolean): BankAccount {
    const { bankCode, bic } = this.weighted(WEIGHTED_BANKS);
    const iban = generateFrenchIban(this.rng, { bankCode });
    // A few active accounts changed recently: material for the "new IBAN before a large claim" signal.
    const changedOn =
      active && this.chance(0.05)
        ? maxDate(contractStart, this.dateBetween(addDays(this.today, -120), this.today))
        : contractStart;
    return {
      iban,
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
