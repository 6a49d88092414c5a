import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";

/*
 * Quotes (devis) and the versioned tariff they are priced with (DOMAIN.md § Synthetic tariff,
 * docs/decisions/010-versioned-tariffs.md). The tariff is data: a version has validity dates,
 * base monthly rates per age band (formula F2, zone Z2, general scheme) and multipliers per formula,
 * zone and scheme, plus the children rules. A saved quote keeps the version it was priced with and
 * a frozen copy of its result, so re-pricing later never changes a quote a prospect already holds.
 */

export const tariffVersions = pgTable(
  "tariff_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stable code, e.g. `2026-01`. */
    code: text("code").notNull().unique(),
    label: text("label").notNull(),
    /** A quote whose start date falls in [validFrom, validTo] is priced with this version. */
    validFrom: date("valid_from", { mode: "string" }).notNull(),
    validTo: date("valid_to", { mode: "string" }),
    /**
     * Children rules: a person declared as CHILD (a minor, or a dependent student or young adult)
     * is priced at the child rate up to this age inclusive; older, they cannot be a CHILD.
     */
    childMaxAge: smallint("child_max_age").notNull(),
    /** Adults (member, spouse) must be at least this old. */
    adultMinAge: smallint("adult_min_age").notNull(),
    /** Children ranked (eldest first) from this rank on are free. */
    freeChildFromRank: smallint("free_child_from_rank").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [check("tariff_versions_dates", sql`${t.validTo} IS NULL OR ${t.validTo} >= ${t.validFrom}`)],
);

/** Monthly base rate in cents for F2 / Z2 / general scheme, by kind of person and age band. */
export const tariffAgeBands = pgTable(
  "tariff_age_bands",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    versionId: uuid("version_id")
      .notNull()
      .references(() => tariffVersions.id, { onDelete: "cascade" }),
    /** CHILD (dependent child rate, any age allowed by the version) or ADULT (member, spouse). */
    personKind: text("person_kind").notNull(),
    minAge: smallint("min_age").notNull(),
    /** Inclusive; null = no upper bound (80+). */
    maxAge: smallint("max_age"),
    monthlyCents: integer("monthly_cents").notNull(),
  },
  (t) => [
    uniqueIndex("tariff_age_bands_version_kind_min").on(t.versionId, t.personKind, t.minAge),
    check("tariff_age_bands_kind", sql`${t.personKind} IN ('CHILD', 'ADULT')`),
    check("tariff_age_bands_positive", sql`${t.monthlyCents} > 0`),
  ],
);

/** Multipliers in thousandths: FORMULA (F1..F4), ZONE (Z1..Z4), SCHEME (GENERAL, ALSACE_MOSELLE). */
export const tariffFactors = pgTable(
  "tariff_factors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    versionId: uuid("version_id")
      .notNull()
      .references(() => tariffVersions.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    multiplierPermille: integer("multiplier_permille").notNull(),
  },
  (t) => [
    uniqueIndex("tariff_factors_version_kind_key").on(t.versionId, t.kind, t.key),
    check("tariff_factors_kind", sql`${t.kind} IN ('FORMULA', 'ZONE', 'SCHEME')`),
    check("tariff_factors_positive", sql`${t.multiplierPermille} > 0`),
  ],
);

/** Département (01…95, 2A, 2B, 971…976) → tariff zone, per version. */
export const tariffDepartementZones = pgTable(
  "tariff_departement_zones",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => tariffVersions.id, { onDelete: "cascade" }),
    departement: text("departement").notNull(),
    zone: text("zone").notNull(),
  },
  (t) => [uniqueIndex("tariff_departement_zones_pk").on(t.versionId, t.departement)],
);

export type QuotePersonRole = "MEMBER" | "SPOUSE" | "CHILD";
export type QuotePersonJson = { role: QuotePersonRole; birthDate: string };
export type QuotePersonLineJson = {
  role: QuotePersonRole;
  birthDate: string;
  age: number;
  /** Rank among children (1 = eldest), null for adults. */
  childRank: number | null;
  monthlyCents: number;
  free: boolean;
};
export type QuoteFormulaResultJson = {
  /** F1…F4. */
  code: string;
  /** The formula's name when the quote was priced (Essentielle…). */
  name: string;
  persons: QuotePersonLineJson[];
  monthlyCents: number;
  yearlyCents: number;
};
export type QuoteResultJson = { formulas: QuoteFormulaResultJson[] };

export const quotes = pgTable(
  "quotes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** e.g. DV-7KQ2-M9XH, unambiguous alphabet; not a secret on its own (access also needs the e-mail). */
    reference: text("reference").notNull().unique(),
    emailEnc: text("email_enc").notNull(),
    /** Blind index of the normalised (trimmed, lower-case) e-mail: reopen by reference + e-mail. */
    emailBidx: text("email_bidx").notNull(),
    /** The prospect asked for the quote to be e-mailed. */
    emailConsent: boolean("email_consent").notNull().default(false),
    postcode: text("postcode").notNull(),
    departement: text("departement").notNull(),
    zone: text("zone").notNull(),
    /** GENERAL or ALSACE_MOSELLE (same values as contracts.scheme). */
    scheme: text("scheme").notNull(),
    startDate: date("start_date", { mode: "string" }).notNull(),
    persons: jsonb("persons").$type<QuotePersonJson[]>().notNull(),
    /** Needs the prospect ticked (specialists, hospital, dental, optics, hearing, alternative). */
    priorities: jsonb("priorities").$type<string[]>().notNull(),
    recommendedFormula: text("recommended_formula").notNull(),
    /** The formula the prospect picked when saving (defaults to the recommended one). */
    chosenFormula: text("chosen_formula").notNull(),
    result: jsonb("result").$type<QuoteResultJson>().notNull(),
    tariffVersionId: uuid("tariff_version_id")
      .notNull()
      .references(() => tariffVersions.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [
    index("quotes_email_bidx").on(t.emailBidx),
    index("quotes_expires").on(t.expiresAt),
    check("quotes_scheme", sql`${t.scheme} IN ('GENERAL', 'ALSACE_MOSELLE')`),
  ],
);
