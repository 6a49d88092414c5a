import { index, jsonb, pgEnum, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { contracts } from "./core";

/*
 * Online subscription (features/subscriptions): a draft saved step by step, then signed with an
 * e-mailed code, submitted as a PENDING contract and reviewed by staff. The draft never holds a
 * clear NIR or IBAN: they are encrypted values (see platform/crypto) with their hints.
 */

export const subscriptionStatus = pgEnum("subscription_status", [
  "DRAFT", // being filled in
  "SIGNING", // every step done, waiting for the e-mailed code
  "SUBMITTED", // signed: a PENDING contract exists, staff review it
  "VALIDATED", // staff validated: contract ACTIVE, activation e-mail sent
  "REFUSED", // staff refused: contract REFUSED, prospect told
  "EXPIRED", // abandoned past its lifetime
]);

/** What the draft keeps of the saved quote it started from (the quote itself may expire). */
export type SubscriptionQuoteSnapshot = {
  quoteId: string;
  reference: string;
  email: string;
  postcode: string;
  departement: string;
  scheme: "GENERAL" | "ALSACE_MOSELLE";
  startDate: string;
  validUntil: string;
  persons: { role: "MEMBER" | "SPOUSE" | "CHILD"; birthDate: string }[];
  formulas: { code: string; name: string; monthlyCents: number }[];
  chosenFormulaCode: string | null;
};

export type SubscriptionDraftAddress = { addressLine: string; addressLine2: string; postcode: string; city: string; email: string; phone: string };

/*
 * As stored (ADR 019): the e-mail address and phone number never in clear, but encrypted under
 * `subscription_drafts.email` / `subscription_drafts.phone` (features/subscriptions/draft-storage).
 */
export type StoredQuoteSnapshot = Omit<SubscriptionQuoteSnapshot, "email"> & { emailEnc: string };
export type StoredDraftAddress = Omit<SubscriptionDraftAddress, "email" | "phone"> & { emailEnc: string; phoneEnc: string };
export type StoredDraftData = Omit<SubscriptionDraftData, "address"> & { address?: StoredDraftAddress };

/** Per-step answers. NIRs appear only encrypted (`nirEnc`) with their hint. */
export type SubscriptionDraftData = {
  formulaCode?: string;
  persons?: {
    civility: "M." | "Mme" | null;
    firstName: string;
    lastName: string;
    birthDate: string;
    /** Own NIR, encrypted under the purpose `subscription_drafts.nir`. */
    nirEnc: string | null;
    nirHint: string | null;
    /** Index (in the quote's person list) of the parent whose number covers this child. */
    coveredByIndex: number | null;
  }[];
  address?: SubscriptionDraftAddress;
  bank?: { accountHolder: string; bic: string; mandateAcceptedAt: string };
  documents?: {
    startDate: string;
    consents: { key: string; version: string; acceptedAt: string }[];
  };
};

export const subscriptionDrafts = pgTable(
  "subscription_drafts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** SHA-256 of the random token held by the prospect's HttpOnly cookie. */
    resumeTokenHash: text("resume_token_hash").notNull().unique(),
    /** Plain uuid: the quote may be purged once expired, the snapshot below keeps what matters. */
    quoteId: uuid("quote_id").notNull(),
    quoteReference: text("quote_reference").notNull(),
    quote: jsonb("quote").$type<StoredQuoteSnapshot>().notNull(),
    currentStep: text("current_step").notNull(),
    data: jsonb("data").$type<StoredDraftData>().notNull().default({}),
    status: subscriptionStatus("status").notNull().default("DRAFT"),
    ibanEnc: text("iban_enc"),
    ibanBidx: text("iban_bidx"),
    ibanHint: text("iban_hint"),
    /** HMAC of the 6-digit signature code (keyed: a copy of the table cannot be brute-forced offline). */
    signatureCodeHash: text("signature_code_hash"),
    signatureCodeExpiresAt: ts("signature_code_expires_at"),
    signatureAttempts: smallint("signature_attempts").notNull().default(0),
    signatureLockedAt: ts("signature_locked_at"),
    signedAt: ts("signed_at"),
    mandateReference: text("mandate_reference").unique(),
    contractId: uuid("contract_id").references(() => contracts.id, { onDelete: "set null" }),
    refusalReason: text("refusal_reason"),
    decidedAt: ts("decided_at"),
    decidedByLabel: text("decided_by_label"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [
    index("subscription_drafts_status").on(t.status, t.updatedAt),
    index("subscription_drafts_contract").on(t.contractId),
  ],
);

/** SEPA direct-debit mandates signed online (one per individual contract subscribed). */
export const sepaMandates = pgTable(
  "sepa_mandates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Unique mandate reference (RUM), at most 35 characters. */
    reference: text("reference").notNull(),
    contractId: uuid("contract_id")
      .notNull()
      .references(() => contracts.id, { onDelete: "cascade" }),
    creditorIdentifier: text("creditor_identifier").notNull(),
    debtorName: text("debtor_name").notNull(),
    ibanEnc: text("iban_enc").notNull(),
    ibanHint: text("iban_hint").notNull(),
    bic: text("bic"),
    /** Version of the mandate text the debtor accepted. */
    textVersion: text("text_version").notNull(),
    signedAt: ts("signed_at").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sepa_mandates_reference").on(t.reference), index("sepa_mandates_contract").on(t.contractId)],
);
