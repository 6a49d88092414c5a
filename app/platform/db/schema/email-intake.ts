import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { claims } from "./claims";
import { ts } from "./columns";
import { contracts } from "./core";

/*
 * Claims received by e-mail (degraded mode, see ADR 008). One row per message of the claims
 * mailbox, whatever became of it: the unique Message-ID is what makes ingestion exactly-once
 * across crashes and concurrent pollers.
 */

export const inboundEmailStatus = pgEnum("inbound_email_status", [
  /** Recorded, not yet decided (only inside the ingestion transaction). */
  "RECEIVED",
  /** A claim was created from it automatically. */
  "CLAIM_CREATED",
  /** Waiting for a handler in the triage queue. */
  "TRIAGE",
  /** A handler attached it to a member: a claim was created from the triage queue. */
  "ATTACHED",
  /** A handler filed it without action, with a reason. */
  "DISMISSED",
]);

export const inboundClaimEmails = pgTable(
  "inbound_claim_emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Message-ID header as received (angle brackets stripped), or `sha256-<hex>` of the raw bytes when absent. */
    messageId: text("message_id").notNull().unique(),
    /** Where the message was read: mailbox path, UIDVALIDITY and UID at ingestion time. */
    mailbox: text("mailbox").notNull(),
    uidValidity: bigint("uid_validity", { mode: "number" }).notNull(),
    uid: bigint("uid", { mode: "number" }).notNull(),
    /** Sender address as parsed from the From header, encrypted (null when none), with the shared e-mail blind index (ADR 019). */
    fromEnc: text("from_enc"),
    fromBidx: text("from_bidx"),
    /** Before ADR 019: the clear address, emptied by the boot-time conversion, never written. */
    legacyFromAddress: text("from_address"),
    subject: text("subject").notNull(),
    /** Date the server received the message (INTERNALDATE), else its Date header. */
    receivedAt: ts("received_at").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    attachmentCount: integer("attachment_count").notNull(),
    status: inboundEmailStatus("status").notNull().default("RECEIVED"),
    /** The contract the sender and reference matched, when they did (member data: goes with the contract). */
    contractId: uuid("contract_id").references(() => contracts.id, { onDelete: "cascade" }),
    claimId: uuid("claim_id").references(() => claims.id, { onDelete: "cascade" }),
    /** Machine code of why the message needs a handler (UNKNOWN_SENDER, NO_REFERENCE…). */
    triageReason: text("triage_reason"),
    /** The same, in French, for the handler. */
    triageDetail: text("triage_detail"),
    /** The whole RFC 5322 message, encrypted (purpose `inbound_claim_emails.raw`): the triage queue re-reads it. */
    rawEnc: text("raw_enc").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    /** When the ingestion transaction committed. */
    processedAt: ts("processed_at"),
    /** When the message was flagged as processed on the IMAP server (after the commit). */
    serverMarkedAt: ts("server_marked_at"),
    /** Triage outcome: handler, time and (for a dismissal) reason. */
    handledAt: ts("handled_at"),
    handledByUserId: uuid("handled_by_user_id").references(() => users.id, { onDelete: "set null" }),
    dismissReason: text("dismiss_reason"),
  },
  (t) => [
    index("inbound_claim_emails_queue").on(t.status, t.receivedAt),
    index("inbound_claim_emails_claim").on(t.claimId),
    check(
      "inbound_claim_emails_outcome",
      sql`(${t.status} NOT IN ('CLAIM_CREATED', 'ATTACHED') OR ${t.claimId} IS NOT NULL) AND (${t.status} <> 'TRIAGE' OR ${t.triageReason} IS NOT NULL)`,
    ),
  ],
);
