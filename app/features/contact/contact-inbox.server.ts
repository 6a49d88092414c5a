import { and, asc, count, desc, eq } from "drizzle-orm";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { DecryptionError, decryptField } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { contactMessageEvents, contactMessages, users } from "~/platform/db/schema";
import { CONTACT_FIELDS } from "./submit-contact.server";
import type { ContactCategory, ContactStatus } from "./schemas";
import { openUserEmail } from "~/platform/crypto/personal-data.server";

/*
 * The staff side of the contact form. The list shows no content (reference, date, subject,
 * status); what the sender wrote is decrypted only on the detail page, and every such reading is
 * written to the audit log.
 */

export type InboxItem = {
  id: string;
  reference: string;
  category: ContactCategory;
  status: ContactStatus;
  fromMember: boolean;
  createdAt: Date;
};

export async function listContactMessages(
  db: Db,
  options: { status?: ContactStatus; page: number; pageSize: number },
): Promise<{ items: InboxItem[]; total: number; hasNextPage: boolean }> {
  const where = options.status ? eq(contactMessages.status, options.status) : undefined;
  const [rows, [totals]] = await Promise.all([
    db
      .select({
        id: contactMessages.id,
        reference: contactMessages.reference,
        category: contactMessages.category,
        status: contactMessages.status,
        senderUserId: contactMessages.senderUserId,
        createdAt: contactMessages.createdAt,
      })
      .from(contactMessages)
      .where(where)
      .orderBy(desc(contactMessages.createdAt), desc(contactMessages.id))
      .limit(options.pageSize + 1)
      .offset((options.page - 1) * options.pageSize),
    db.select({ n: count() }).from(contactMessages).where(where),
  ]);
  return {
    items: rows.slice(0, options.pageSize).map(({ senderUserId, ...r }) => ({ ...r, fromMember: senderUserId !== null })),
    total: totals?.n ?? 0,
    hasNextPage: rows.length > options.pageSize,
  };
}

export type ContactMessageDetail = InboxItem & {
  /** null when the stored value cannot be decrypted (a retired key): shown as such, never a 500. */
  message: string | null;
  email: string | null;
  memberNumber: string | null;
  sender: { email: string; displayName: string } | null;
  statusChangedAt: Date | null;
  history: { fromStatus: ContactStatus; toStatus: ContactStatus; actorLabel: string; at: Date }[];
};

function readable(purpose: string, stored: string | null): string | null {
  if (stored === null) return null;
  try {
    return decryptField(purpose, stored);
  } catch (err) {
    if (err instanceof DecryptionError) return null;
    throw err;
  }
}

/** Decrypts one message for a staff member and records that they read it. */
export async function readContactMessage(
  db: Db,
  id: string,
  reader: { actor: Actor; ipHash: string },
  now = new Date(),
): Promise<ContactMessageDetail | null> {
  const [row] = await db
    .select({ message: contactMessages, senderEmailEnc: users.emailEnc, senderName: users.displayName })
    .from(contactMessages)
    .leftJoin(users, eq(users.id, contactMessages.senderUserId))
    .where(eq(contactMessages.id, id));
  if (!row) return null;
  const history = await db
    .select({
      fromStatus: contactMessageEvents.fromStatus,
      toStatus: contactMessageEvents.toStatus,
      actorLabel: contactMessageEvents.actorLabel,
      at: contactMessageEvents.at,
    })
    .from(contactMessageEvents)
    .where(eq(contactMessageEvents.messageId, id))
    .orderBy(asc(contactMessageEvents.at));
  await appendAudit(
    db,
    {
      actor: reader.actor,
      action: "contact.message.read",
      outcome: "success",
      targetType: "contact_message",
      targetId: id,
      ipHash: reader.ipHash,
      details: { reference: row.message.reference },
    },
    now,
  );
  const m = row.message;
  return {
    id: m.id,
    reference: m.reference,
    category: m.category,
    status: m.status,
    fromMember: m.senderUserId !== null,
    createdAt: m.createdAt,
    statusChangedAt: m.statusChangedAt,
    message: readable(CONTACT_FIELDS.message, m.messageEnc),
    email: readable(CONTACT_FIELDS.email, m.emailEnc),
    memberNumber: readable(CONTACT_FIELDS.memberNumber, m.memberNumberEnc),
    sender: row.senderEmailEnc ? { email: openUserEmail(row.senderEmailEnc), displayName: row.senderName ?? "" } : null,
    history,
  };
}

export type ChangeStatusOutcome = "changed" | "unchanged" | "not-found";

/** Moves a message to `to`, keeps the history and audits the change, all in one transaction. */
export async function changeContactStatus(
  db: Db,
  input: { id: string; to: ContactStatus; actor: Actor & { userId: string }; ipHash: string },
  now = new Date(),
): Promise<ChangeStatusOutcome> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: contactMessages.status, reference: contactMessages.reference })
      .from(contactMessages)
      .where(eq(contactMessages.id, input.id))
      .for("update");
    if (!current) return "not-found";
    if (current.status === input.to) return "unchanged";
    await tx
      .update(contactMessages)
      .set({ status: input.to, statusChangedAt: now, handledByUserId: input.actor.userId })
      .where(and(eq(contactMessages.id, input.id), eq(contactMessages.status, current.status)));
    await tx.insert(contactMessageEvents).values({
      messageId: input.id,
      fromStatus: current.status,
      toStatus: input.to,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      at: now,
    });
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: "contact.message.status-changed",
        outcome: "success",
        targetType: "contact_message",
        targetId: input.id,
        ipHash: input.ipHash,
        details: { reference: current.reference, from: current.status, to: input.to },
      },
      now,
    );
    return "changed";
  });
}
