import { and, asc, eq, type SQL } from "drizzle-orm";
import { emailIndex } from "~/platform/crypto/personal-data.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { mailOutbox } from "~/platform/db/schema";
import { openMailContent, openMailRecipient } from "~/platform/mail/outbox.server";

/** An outbox row as a test reads it: recipient and content decrypted (null once erased after sending). */
export type ReadableMail = {
  id: string;
  template: string;
  status: (typeof mailOutbox.status.enumValues)[number];
  createdAt: Date;
  sentAt: Date | null;
  toAddress: string;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
};

/**
 * The outbox's messages, oldest first, decrypted with the test keyring; `to` filters on the
 * recipient's blind index (as the application would), `template` on the template.
 */
export async function outboxMails(db: DbOrTx, filter: { to?: string; template?: string; where?: SQL } = {}): Promise<ReadableMail[]> {
  const rows = await db
    .select()
    .from(mailOutbox)
    .where(
      and(
        filter.to === undefined ? undefined : eq(mailOutbox.recipientBidx, emailIndex(filter.to)),
        filter.template === undefined ? undefined : eq(mailOutbox.template, filter.template),
        filter.where,
      ),
    )
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id));
  return rows.map((r) => {
    const content = r.contentEnc ? openMailContent(r.contentEnc) : null;
    return {
      id: r.id,
      template: r.template,
      status: r.status,
      createdAt: r.createdAt,
      sentAt: r.sentAt,
      toAddress: r.recipientEnc ? openMailRecipient(r.recipientEnc) : "",
      subject: content?.subject ?? null,
      textBody: content?.text ?? null,
      htmlBody: content?.html ?? null,
    };
  });
}

/** The newest message to `to` (optionally of one template), or undefined. */
export async function lastMailTo(db: DbOrTx, to: string, template?: string): Promise<ReadableMail | undefined> {
  return (await outboxMails(db, { to, ...(template ? { template } : {}) })).at(-1);
}
