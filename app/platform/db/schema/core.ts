import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgEnum, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns";

/*
 * The core of the data model: formulas, contracts and the people they protect. The other modules
 * of this folder add tables; they should not have to rewrite these. Conventions, for every module:
 * - money is stored in euro cents (integer), rates in basis points of a percent where needed;
 * - sensitive identifiers (NIR, IBAN, ID numbers) are stored only encrypted (`*_enc`, see
 *   platform/crypto) with an HMAC blind index (`*_bidx`) where a lookup is needed and, for
 *   display, the few characters a masked rendering shows (`*_hint`);
 * - timestamps are `timestamptz`, dates of the civil kind (birth, care) are `date`.
 */

// ---------------------------------------------------------------------------------------------
// Formulas and guarantees (data, not code: DOMAIN.md § Synthetic formulas)

export const formulas = pgTable("formulas", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: text("code").notNull().unique(), // F1..F4
  name: text("name").notNull(), // Essentielle, Équilibre…
  description: text("description").notNull(),
  /** Multiplier applied to the reference tariff (F2 = 1.0), in thousandths. */
  tariffMultiplierPermille: integer("tariff_multiplier_permille").notNull(),
  isResponsible: boolean("is_responsible").notNull().default(true),
  validFrom: date("valid_from", { mode: "string" }).notNull(),
  validTo: date("valid_to", { mode: "string" }),
  sortOrder: smallint("sort_order").notNull().default(0),
});

export const guaranteeBasis = pgEnum("guarantee_basis", [
  "PCT_BR_INCLUDING_SECU", // % of the Sécu base, Sécu share included
  "PCT_BR_EXCLUDING_SECU", // % of the Sécu base on top of the Sécu share
  "REAL_COST", // whatever remains after Sécu (e.g. forfait journalier)
  "FLAT_PER_PERIOD", // € amount per item and period (optics, hearing, alternative medicine)
  "PER_DAY", // € per day (private room)
  "FULL_100_SANTE", // "100 % Santé" basket: full cover up to the regulated price caps
  "NONE", // not covered by this formula
]);

export const guaranteeLines = pgTable(
  "guarantee_lines",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    formulaId: uuid("formula_id")
      .notNull()
      .references(() => formulas.id, { onDelete: "cascade" }),
    /** Stable key of the care category, e.g. `doctor-optam`, `optics-class-b`. */
    category: text("category").notNull(),
    label: text("label").notNull(),
    basis: guaranteeBasis("basis").notNull(),
    /** For percentage bases: percent of BR (e.g. 150 for 150 %). */
    ratePct: integer("rate_pct"),
    /** For flat and per-day bases, in cents. */
    amountCents: integer("amount_cents"),
    /** Number of items allowed per period (e.g. 2 sessions of alternative medicine a year). */
    maxCount: integer("max_count"),
    /** Maximum number of days per period (private room). */
    maxDays: integer("max_days"),
    /** Ceiling in cents per beneficiary and period (e.g. dental prostheses). */
    ceilingCents: integer("ceiling_cents"),
    /** Length of the period in months (12 = yearly, 24 = every two years, 48 = four years). */
    periodMonths: integer("period_months"),
    /** Plain-French summary shown to members and prospects. */
    summary: text("summary").notNull(),
    sortOrder: smallint("sort_order").notNull().default(0),
  },
  (t) => [uniqueIndex("guarantee_lines_formula_category").on(t.formulaId, t.category)],
);

/** Regulatory amounts with their effective dates (participation forfaitaire, franchises…). */
export const regulatoryParameters = pgTable(
  "regulatory_parameters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    valueCents: integer("value_cents").notNull(),
    validFrom: date("valid_from", { mode: "string" }).notNull(),
    validTo: date("valid_to", { mode: "string" }),
  },
  (t) => [uniqueIndex("regulatory_parameters_key_from").on(t.key, t.validFrom)],
);

// ---------------------------------------------------------------------------------------------
// Employers, contracts, people

export const employers = pgTable("employers", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  siren: text("siren").notNull(),
  siret: text("siret").notNull().unique(),
  createdAt: createdAt(),
});

export const contractKind = pgEnum("contract_kind", ["INDIVIDUAL", "COLLECTIVE"]);
export const contractStatus = pgEnum("contract_status", ["PENDING", "ACTIVE", "SUSPENDED", "TERMINATED", "REFUSED"]);
export const socialSecurityScheme = pgEnum("social_security_scheme", ["GENERAL", "ALSACE_MOSELLE"]);

export const contracts = pgTable(
  "contracts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: text("number").notNull().unique(), // e.g. CT-2024-000123
    kind: contractKind("kind").notNull(),
    status: contractStatus("status").notNull(),
    formulaId: uuid("formula_id")
      .notNull()
      .references(() => formulas.id),
    employerId: uuid("employer_id").references(() => employers.id),
    startDate: date("start_date", { mode: "string" }).notNull(),
    endDate: date("end_date", { mode: "string" }),
    scheme: socialSecurityScheme("scheme").notNull().default("GENERAL"),
    departement: text("departement").notNull(),
    /** Bank account for reimbursements (and direct debit of individual contracts). */
    ibanEnc: text("iban_enc"),
    ibanBidx: text("iban_bidx"),
    ibanHint: text("iban_hint"), // country, check digits and last 4 characters: see ibanHint()
    bic: text("bic"),
    ibanChangedAt: ts("iban_changed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("contracts_formula").on(t.formulaId),
    index("contracts_employer").on(t.employerId),
    check("contracts_collective_has_employer", sql`${t.kind} <> 'COLLECTIVE' OR ${t.employerId} IS NOT NULL`),
  ],
);

export const beneficiaryRole = pgEnum("beneficiary_role", ["MEMBER", "SPOUSE", "CHILD"]);

/** Every protected person: the member (subscriber), a spouse, children. */
export const persons = pgTable(
  "persons",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contractId: uuid("contract_id")
      .notNull()
      .references(() => contracts.id, { onDelete: "cascade" }),
    role: beneficiaryRole("role").notNull(),
    /** Member number, only for the subscriber (role MEMBER): used for account activation. */
    memberNumber: text("member_number").unique(),
    civility: text("civility"), // "M." | "Mme" — display only, never used for pricing
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    /** Own NIR, encrypted; null for a child covered on a parent's number. */
    nirEnc: text("nir_enc"),
    nirBidx: text("nir_bidx"),
    nirHint: text("nir_hint"), // sex, birth year and month (first 5 characters) and the key: see nirHint()
    /** A child covered on a parent's NIR is identified by that parent, the birth date and a rank. */
    nirHolderPersonId: uuid("nir_holder_person_id"),
    birthRank: smallint("birth_rank"),
    idNumberEnc: text("id_number_enc"), // national ID card / passport number, encrypted
    /** E-mail address and phone number, encrypted (ADR 019); the address has the shared e-mail blind index. */
    emailEnc: text("email_enc"),
    emailBidx: text("email_bidx"),
    phoneEnc: text("phone_enc"),
    /** Before ADR 019: clear values, emptied by the boot-time conversion (personal-data-conversion), never written. */
    legacyEmail: text("email"),
    legacyPhone: text("phone"),
    addressLine: text("address_line"),
    postcode: text("postcode"),
    city: text("city"),
    c2s: boolean("c2s").notNull().default(false), // Complémentaire santé solidaire: no franchises
    coveredFrom: date("covered_from", { mode: "string" }).notNull(),
    coveredTo: date("covered_to", { mode: "string" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("persons_contract").on(t.contractId),
    uniqueIndex("persons_nir_bidx").on(t.nirBidx),
    index("persons_email_bidx").on(t.emailBidx),
    check(
      "persons_nir_or_holder",
      sql`${t.nirEnc} IS NOT NULL OR (${t.nirHolderPersonId} IS NOT NULL AND ${t.birthRank} IS NOT NULL)`,
    ),
  ],
);
