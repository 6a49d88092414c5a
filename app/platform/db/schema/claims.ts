import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  smallint,
  text,
  uniqueIndex,
  uuid,
  date,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { users } from "./accounts";
import type { CareCategory, ClaimLineInput, LineValuation, ReviewReason } from "./claim-values";
import { ts } from "./columns";
import { contracts, persons } from "./core";
import type { GuaranteeCategory } from "./guarantee-values";

/*
 * Reimbursement claims (features/claims): the claims themselves, their lines as valued by the
 * engine, the uploaded documents (encrypted), the timeline and the SEPA payment batches.
 * Conventions of core.ts apply: money in integer cents, civil dates as `date`, timestamps as
 * `timestamptz`, file contents only encrypted. `*_enc` columns hold the text format of
 * `encryptBytes` (`v1.<kid>.<iv>.<ct+tag>`), like every other encrypted column — except the
 * documents' contents, the bulk of the data: `bytea` holding `encryptBytesBinary`'s envelope
 * (a quarter smaller, never re-encoded on its way to and from the database).
 */

/** `bytea`, read as a Buffer whatever the driver returns (node-postgres: Buffer, PGlite: Uint8Array). */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

export const claimChannel = pgEnum("claim_channel", ["ONLINE", "EMAIL", "NOEMIE", "PAPER"]);
export const claimStatus = pgEnum("claim_status", [
  "SUBMITTED",
  "CHECKED",
  "REVIEW",
  "VALUATED",
  "PAID",
  "REJECTED",
  "RETURNED",
]);
export const claimDocumentKind = pgEnum("claim_document_kind", ["INVOICE", "SECU_STATEMENT", "OTHER"]);
export const paymentBatchStatus = pgEnum("payment_batch_status", ["GENERATED", "PAID"]);

/** Claim numbers RB-<year>-<7 digits>: one sequence for every channel, so numbers never collide. */
export const claimNumberSeq = pgSequence("claim_number_seq", { startWith: 1 });
/** Payment batch numbers VIR-<year>-<4 digits>. */
export const paymentBatchNumberSeq = pgSequence("payment_batch_number_seq", { startWith: 1 });

/** A SEPA credit transfer file (pain.001.001.09) grouping approved claims. */
export const paymentBatches = pgTable("payment_batches", {
  id: uuid("id").primaryKey().defaultRandom(),
  number: text("number").notNull().unique(),
  status: paymentBatchStatus("status").notNull().default("GENERATED"),
  /** MsgId of the pain.001 message. */
  messageId: text("message_id").notNull(),
  transactionCount: integer("transaction_count").notNull(),
  controlSumCents: bigint("control_sum_cents", { mode: "number" }).notNull(),
  /** The XML file, encrypted: it holds the members' IBANs. */
  fileEnc: text("file_enc").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
  createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
  paidAt: ts("paid_at"),
  paidByUserId: uuid("paid_by_user_id").references(() => users.id, { onDelete: "set null" }),
});

export const claims = pgTable(
  "claims",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: text("number").notNull().unique(), // RB-2026-0000123
    contractId: uuid("contract_id")
      .notNull()
      .references(() => contracts.id, { onDelete: "cascade" }),
    beneficiaryId: uuid("beneficiary_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    submittedByUserId: uuid("submitted_by_user_id").references(() => users.id, { onDelete: "set null" }),
    channel: claimChannel("channel").notNull(),
    status: claimStatus("status").notNull(),
    fraudScore: integer("fraud_score").notNull().default(0),
    reviewReasons: jsonb("review_reasons").$type<ReviewReason[]>().notNull().default([]),
    invoiceNumber: text("invoice_number"),
    realCostCents: integer("real_cost_cents").notNull().default(0),
    amoPaidCents: integer("amo_paid_cents").notNull().default(0),
    amcCents: integer("amc_cents").notNull().default(0),
    resteAChargeCents: integer("reste_a_charge_cents").notNull().default(0),
    receivedAt: ts("received_at").notNull(),
    decidedAt: ts("decided_at"),
    decidedByUserId: uuid("decided_by_user_id").references(() => users.id, { onDelete: "set null" }),
    paidAt: ts("paid_at"),
    paymentBatchId: uuid("payment_batch_id").references(() => paymentBatches.id),
    /** Online filing: the key generated with the form, and a hash of what was submitted under it. */
    idempotencyKey: text("idempotency_key"),
    payloadHash: text("payload_hash"),
    returnReason: text("return_reason"),
    rejectReason: text("reject_reason"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("claims_contract_received").on(t.contractId, t.receivedAt.desc()),
    index("claims_status_received").on(t.status, t.receivedAt),
    index("claims_beneficiary").on(t.beneficiaryId),
    index("claims_payment_batch").on(t.paymentBatchId),
    index("claims_invoice_number").on(t.contractId, t.invoiceNumber),
    uniqueIndex("claims_idempotency")
      .on(t.submittedByUserId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} IS NOT NULL`),
  ],
);

export const claimLines = pgTable(
  "claim_lines",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    claimId: uuid("claim_id")
      .notNull()
      .references(() => claims.id, { onDelete: "cascade" }),
    lineNo: smallint("line_no").notNull(),
    input: jsonb("input").$type<ClaimLineInput>().notNull(),
    category: text("category").$type<CareCategory>().notNull(),
    careDate: date("care_date", { mode: "string" }).notNull(),
    realCostCents: integer("real_cost_cents").notNull(),
    valuation: jsonb("valuation").$type<LineValuation>().notNull(),
    /** Bascule's share as valued by the engine (before any staff adjustment). */
    amcCents: integer("amc_cents").notNull(),
    guaranteeCategory: text("guarantee_category").$type<GuaranteeCategory>(),
    status: text("status").$type<LineValuation["status"] | "REJECTED">().notNull(),
    /** Staff adjustment: the amount that replaces `amcCents`, why, by whom and when. */
    adjustedAmcCents: integer("adjusted_amc_cents"),
    adjustmentReason: text("adjustment_reason"),
    adjustedByUserId: uuid("adjusted_by_user_id").references(() => users.id, { onDelete: "set null" }),
    adjustedAt: ts("adjusted_at"),
  },
  (t) => [uniqueIndex("claim_lines_claim_line").on(t.claimId, t.lineNo), index("claim_lines_care_date").on(t.careDate)],
);

export const claimDocuments = pgTable(
  "claim_documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    claimId: uuid("claim_id")
      .notNull()
      .references(() => claims.id, { onDelete: "cascade" }),
    kind: claimDocumentKind("kind").notNull(),
    /** Sanitised on upload (documents.ts): safe in a Content-Disposition header. */
    fileName: text("file_name").notNull(),
    mimeType: text("mime_type").notNull(), // detected from the content, never the declared type
    sizeBytes: integer("size_bytes").notNull(),
    /** HMAC blind index of the bytes: the same file sent twice is detected without decrypting. */
    fileHash: text("file_hash").notNull(),
    /** encryptBytesBinary's envelope (documents.server.ts). */
    contentEnc: bytea("content_enc").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("claim_documents_claim").on(t.claimId), index("claim_documents_file_hash").on(t.fileHash)],
);

/** The timeline of a claim, shown to the member and to staff. */
export const claimEvents = pgTable(
  "claim_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    claimId: uuid("claim_id")
      .notNull()
      .references(() => claims.id, { onDelete: "cascade" }),
    at: ts("at").notNull(),
    status: claimStatus("status").notNull(),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    actorLabel: text("actor_label").notNull(),
    /** French, shown to the member. */
    note: text("note"),
  },
  (t) => [index("claim_events_claim_at").on(t.claimId, t.at)],
);
