import { randomBytes, randomUUID } from "node:crypto";
import { appendAudit } from "~/platform/audit/audit.server";
import { blockedFor, hit, type ThrottleRule } from "~/platform/auth/throttle.server";
import { blindIndex, encryptField } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { logger } from "~/platform/observability/logger.server";
import { acknowledgementMail, formatReference } from "./contact-mail";
import { insertAsContactWriter, sqlStateOf } from "./contact-writer.server";
import { checkProofOfWork, spendProofOfWork } from "./proof-of-work.server";
import type { ContactCategory } from "./schemas";

/*
 * Rate limits of the contact form. Attempts (valid or not) are counted per IP so that fuzzing
 * the form is slow; accepted messages are counted per IP and per address so that the form can
 * neither flood the inbox nor bomb a mailbox with acknowledgements.
 */
export const CONTACT_THROTTLE = {
  attemptsIp: { limit: 100, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  sentIp: { limit: 10, windowMs: 60 * 60_000, blockMs: 60 * 60_000 },
  sentAddress: { limit: 5, windowMs: 60 * 60_000, blockMs: 60 * 60_000 },
} satisfies Record<string, ThrottleRule>;

/** Purposes of the field encryption and blind index (bound as AAD: a value cannot be moved). */
export const CONTACT_FIELDS = {
  message: "contact_messages.message",
  email: "contact_messages.email",
  memberNumber: "contact_messages.member_number",
} as const;

export function emailBlindIndex(normalizedEmail: string): string {
  return blindIndex(CONTACT_FIELDS.email, normalizedEmail);
}

const keys = {
  attemptsIp: (ipHash: string) => `contact:attempts:ip:${ipHash}`,
  sentIp: (ipHash: string) => `contact:sent:ip:${ipHash}`,
  sentAddress: (emailBidx: string) => `contact:sent:address:${emailBidx}`,
};

/**
 * Counts one submission attempt from this IP, before the form is even parsed. Returns the
 * seconds to wait when the IP is blocked, else 0.
 */
export async function countContactAttempt(db: Db, ipHash: string, now = new Date()): Promise<number> {
  const key = keys.attemptsIp(ipHash);
  const blocked = await blockedFor(db, key, now);
  if (blocked > 0) return blocked;
  await db.transaction((tx) => hit(tx, key, CONTACT_THROTTLE.attemptsIp, now));
  return 0;
}

export type SubmitContactInput = {
  category: ContactCategory;
  /** Already normalised by the schema. */
  message: string;
  /** Already lower-cased by the schema. */
  email: string;
  memberNumber?: string;
  /** The hidden proof-of-work field, if any. */
  pow?: string;
  /** The signed-in user, who skips the proof of work; null for everyone else. */
  sender: { userId: string; label: string } | null;
  client: { ipHash: string };
};

export type SubmitContactOutcome =
  | { kind: "sent"; id: string; reference: string; category: ContactCategory }
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "pow-missing" | "pow-invalid" | "pow-expired" | "pow-replayed" }
  | { kind: "unavailable" };

export async function submitContact(db: Db, input: SubmitContactInput, now = new Date()): Promise<SubmitContactOutcome> {
  const emailBidx = emailBlindIndex(input.email);
  const blocked = Math.max(
    await blockedFor(db, keys.sentIp(input.client.ipHash), now),
    await blockedFor(db, keys.sentAddress(emailBidx), now),
  );
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };

  // Signed-in members have proven who they are: no proof of work. A proof sent anyway is still
  // checked — a forged or replayed one is a signal worth refusing, whoever sends it.
  const needsPow = input.sender === null || Boolean(input.pow);
  const pow = needsPow ? await checkProofOfWork(input.pow, now) : null;
  if (pow && !pow.ok) return { kind: `pow-${pow.reason === "malformed" ? "invalid" : pow.reason}` };

  const id = randomUUID();
  const reference = formatReference(randomBytes(8));
  const mail = acknowledgementMail({ reference, category: input.category });
  try {
    return await db.transaction(async (tx) => {
      if (pow?.ok && !(await spendProofOfWork(tx, pow, now))) return { kind: "pow-replayed" } as const;
      await hit(tx, keys.sentIp(input.client.ipHash), CONTACT_THROTTLE.sentIp, now);
      await hit(tx, keys.sentAddress(emailBidx), CONTACT_THROTTLE.sentAddress, now);
      await insertAsContactWriter(tx, {
        id,
        reference,
        category: input.category,
        messageEnc: encryptField(CONTACT_FIELDS.message, input.message),
        emailEnc: encryptField(CONTACT_FIELDS.email, input.email),
        emailBidx,
        memberNumberEnc: input.memberNumber ? encryptField(CONTACT_FIELDS.memberNumber, input.memberNumber) : null,
        senderUserId: input.sender?.userId ?? null,
        status: "NEW",
        ipHash: input.client.ipHash,
        createdAt: now,
      });
      await enqueueMail(tx, { to: input.email, template: "contact.acknowledgement", ...mail }, now);
      await appendAudit(
        tx,
        {
          actor: input.sender ?? { userId: null, label: "anonyme" },
          action: "contact.message.received",
          outcome: "success",
          targetType: "contact_message",
          targetId: id,
          ipHash: input.client.ipHash,
          details: { reference, category: input.category, signedIn: input.sender !== null, proofOfWork: pow?.ok === true },
        },
        now,
      );
      return { kind: "sent", id, reference, category: input.category } as const;
    });
  } catch (err) {
    // The writer role is missing or was not granted to the application: fail closed, loudly.
    const state = sqlStateOf(err);
    if (state === "42501" || state === "42704" || state === "22023") {
      logger.error({ sqlState: state }, "contact message refused: the contact writer role is not usable");
      return { kind: "unavailable" };
    }
    throw err;
  }
}
