import { randomBytes } from "node:crypto";
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
      toAddress: mail.to,
      subject: mail.subject,
      textBody: mail.text,
      htmlBody: mail.html ?? null,
      template: mail.template,
      // Due from the application's clock, the one the dispatcher compares with (the database's
      // now() carries microseconds a JavaScript Date of the same millisecond would not reach).
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning({ id: mailOutbox.id });
  return row!.id;
}
