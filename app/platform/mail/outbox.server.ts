import { randomBytes } from "node:crypto";
import { decryptField, encryptField } from "../crypto/keyring.server";
import { PERSONAL_DATA_PURPOSES, emailIndex } from "../crypto/personal-data.server";
import type { DbOrTx } from "../db/client.server";
import { mailOutbox } from "../db/schema";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Template key shown in the admin mail viewer, e.g. `auth.password-reset`. */
  template: string;
};

/** What a queued message says: encrypted as one envelope, erased once the message is sent. */
export type MailContent = { subject: string; text: string; html: string | null };

/*
 * An outbox row holds no usable secret at rest (ADR 019): activation and reset links and signature
 * codes travel in the subject and bodies, so those are encrypted together (`content_enc`) and erased
 * as soon as the relay (or the demo transport) accepted the message. The recipient is encrypted too,
 * with the blind index every e-mail column shares; what stays in clear is metadata (template,
 * status, attempts, timestamps).
 */

export function sealMailContent(content: MailContent): string {
  return encryptField(PERSONAL_DATA_PURPOSES.outboxContent, JSON.stringify(content));
}

export function openMailContent(contentEnc: string): MailContent {
  const parsed = JSON.parse(decryptField(PERSONAL_DATA_PURPOSES.outboxContent, contentEnc)) as Partial<MailContent>;
  return { subject: String(parsed.subject ?? ""), text: String(parsed.text ?? ""), html: typeof parsed.html === "string" ? parsed.html : null };
}

export function openMailRecipient(recipientEnc: string): string {
  return decryptField(PERSONAL_DATA_PURPOSES.outboxRecipient, recipientEnc);
}

/**
 * Queues an e-mail in the transactional outbox. Call it with the transaction of the change the
 * message reports: the message exists if and only if the change was committed. The dispatcher
 * delivers it later, with retries.
 */
export async function enqueueMail(tx: DbOrTx, mail: OutgoingMail, now: Date = new Date()): Promise<string> {
  const messageId = `<${randomBytes(16).toString("hex")}@bascule.example>`;
  const [row] = await tx
    .insert(mailOutbox)
    .values({
      messageId,
      recipientEnc: encryptField(PERSONAL_DATA_PURPOSES.outboxRecipient, mail.to.trim()),
      recipientBidx: emailIndex(mail.to),
      contentEnc: sealMailContent({ subject: mail.subject, text: mail.text, html: mail.html ?? null }),
      template: mail.template,
      // Due from the application's clock, the one the dispatcher compares with (the database's
      // now() carries microseconds a JavaScript Date of the same millisecond would not reach).
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning({ id: mailOutbox.id });
  return row!.id;
}
