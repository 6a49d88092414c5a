import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/*
 * The contact form (docs/decisions/009-contact-form.md). The public form writes `contact_messages`
 * through a database role that may only INSERT into it, so the application generates the id and
 * the reference itself (no RETURNING, which would need SELECT). Everything the sender typed is
 * encrypted by the application: a stolen copy of this table says nothing about anybody.
 * `sender_user_id` and `handled_by_user_id` are plain uuids without foreign keys, so that the
 * writer role's INSERT touches no other table.
 */

export const contactCategory = pgEnum("contact_category", [
  "MEMBERSHIP_QUOTE",
  "REIMBURSEMENT",
  "CONTRIBUTIONS",
  "MEMBER_SPACE",
  "PERSONAL_DATA",
  "COMPLAINT",
  "OTHER",
]);

export const contactStatus = pgEnum("contact_status", ["NEW", "IN_PROGRESS", "ANSWERED", "CLOSED"]);

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const contactMessages = pgTable(
  "contact_messages",
  {
    id: uuid("id").primaryKey(),
    /** Given to the sender in the acknowledgement, e.g. MSG-7K3P-Q9XZ. */
    reference: text("reference").notNull().unique(),
    category: contactCategory("category").notNull(),
    messageEnc: text("message_enc").notNull(),
    emailEnc: text("email_enc").notNull(),
    /** Blind index of the normalised address: per-address throttling and lookups. */
    emailBidx: text("email_bidx").notNull(),
    memberNumberEnc: text("member_number_enc"),
    /** The signed-in member who sent it (null for prospects and signed-out members). */
    senderUserId: uuid("sender_user_id"),
    status: contactStatus("status").notNull().default("NEW"),
    /** Pseudonymised client IP (blind index), never the address itself. */
    ipHash: text("ip_hash"),
    createdAt: tstz("created_at").notNull(),
    statusChangedAt: tstz("status_changed_at"),
    handledByUserId: uuid("handled_by_user_id"),
  },
  (t) => [index("contact_messages_status_created").on(t.status, t.createdAt), index("contact_messages_email_bidx").on(t.emailBidx)],
);

/** Every status change of a message, by whom and when (the staff inbox shows it). */
export const contactMessageEvents = pgTable(
  "contact_message_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => contactMessages.id, { onDelete: "cascade" }),
    fromStatus: contactStatus("from_status").notNull(),
    toStatus: contactStatus("to_status").notNull(),
    actorUserId: uuid("actor_user_id").notNull(),
    actorLabel: text("actor_label").notNull(),
    at: tstz("at").notNull(),
  },
  (t) => [index("contact_message_events_message").on(t.messageId, t.at)],
);

/**
 * Proof-of-work challenges already redeemed, kept until they expire: a solved challenge is
 * accepted once. Keyed by a hash of the challenge's signature; nothing here identifies anyone.
 */
export const contactPowSpent = pgTable(
  "contact_pow_spent",
  {
    challengeHash: text("challenge_hash").primaryKey(),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [index("contact_pow_spent_expires").on(t.expiresAt)],
);
