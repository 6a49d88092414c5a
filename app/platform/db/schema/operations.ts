import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns";

/*
 * What the platform itself keeps: the audit log, the mail outbox and instance-wide facts.
 */

// ---------------------------------------------------------------------------------------------
// Audit log (append-only, hash-chained) and mail outbox

export const auditLog = pgTable(
  "audit_log",
  {
    /** Insertion order; entries are written unsealed, in the transaction of the action they record. */
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Position in the hash chain, given by the sealer after commit (ADR 014); null until sealed. */
    seq: bigint("seq", { mode: "number" }),
    at: ts("at").notNull(),
    actorUserId: uuid("actor_user_id"),
    /**
     * Human-readable actor: a user's display name (the user is `actorUserId`), "system",
     * "cli:<name>", "anonyme". Entries written before ADR 019 may carry an e-mail address.
     */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(), // e.g. "auth.login.succeeded"
    outcome: text("outcome").notNull(), // "success" | "failure" | "denied"
    targetType: text("target_type"),
    targetId: text("target_id"),
    ipHash: text("ip_hash"),
    /** Free-form details: never a secret nor a clear sensitive identifier. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_log_at").on(t.at),
    index("audit_log_action").on(t.action),
    index("audit_log_actor").on(t.actorUserId),
    uniqueIndex("audit_log_seq").on(t.seq),
    // The sealer's work queue: small, since entries are sealed within a second of their commit.
    index("audit_log_unsealed").on(t.id).where(sql`${t.seq} is null`),
    check("audit_log_sealed_together", sql`(${t.seq} is null) = (${t.hash} is null) and (${t.seq} is null) = (${t.prevHash} is null)`),
  ],
);

export const mailStatus = pgEnum("mail_status", ["PENDING", "SENT", "DEAD"]);

export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stable Message-ID so that a retry after an unknown outcome can be deduplicated. */
    messageId: text("message_id").notNull().unique(),
    /** The recipient, encrypted, kept after sending (the mail viewer shows it), with the shared e-mail blind index. */
    recipientEnc: text("recipient_enc"),
    recipientBidx: text("recipient_bidx"),
    /** Subject and bodies, encrypted together (they carry one-time links and codes); erased once sent (ADR 019). */
    contentEnc: text("content_enc"),
    /** Before ADR 019: clear recipient, subject and bodies, emptied by the boot-time conversion, never written. */
    legacyToAddress: text("to_address"),
    legacySubject: text("subject"),
    legacyTextBody: text("text_body"),
    legacyHtmlBody: text("html_body"),
    /** Template key, for the admin mail viewer ("auth.password-reset"…). */
    template: text("template").notNull(),
    status: mailStatus("status").notNull().default("PENDING"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [index("mail_outbox_due").on(t.status, t.nextAttemptAt), index("mail_outbox_recipient").on(t.recipientBidx)],
);

// ---------------------------------------------------------------------------------------------
// Process bookkeeping

/** Single-row-per-key store for instance-wide facts (e.g. when demo data was seeded). */
export const systemState = pgTable("system_state", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});
