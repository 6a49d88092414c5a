import { randomBytes } from "node:crypto";
import { type ImapFlow } from "imapflow";
import MailComposer from "nodemailer/lib/mail-composer";
import { createImapClient, parseImapUrl } from "~/platform/mail/imap.server";
import { jpegImage, pdfDocument } from "../../support/documents";

/*
 * Test helpers for the e-mail intake: messages built like a mail client would (MailComposer), and
 * a mailbox of its own on the Dovecot test server (scripts/dovecot-test-server.sh) per test file,
 * so that tests, PGlite/PostgreSQL runs and the benchmark never read each other's messages.
 */

export const IMAP_TEST_URL = process.env.IMAP_TEST_URL;
export const IMAP_SKIP_MESSAGE =
  "IMAP_TEST_URL is not set: skipped. Run `scripts/dovecot-test-server.sh start` and `export $(scripts/dovecot-test-server.sh env)`";

/** A small well-formed PDF and JPEG (the upload inspection reads them in full). */
export const SAMPLE_PDF = Buffer.from(pdfDocument("facture de test"));
export const SAMPLE_JPEG = Buffer.from(jpegImage(randomBytes(8).toString("hex")));
export const DISGUISED_HTML = Buffer.from("<html><body><script>alert(document.cookie)</script></body></html>");

export type TestMail = {
  from?: string;
  subject?: string;
  text?: string;
  messageId?: string | false;
  attachments?: { filename: string; content: Buffer; contentType?: string }[];
};

export async function buildMessage(mail: TestMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: "remboursements@bascule.example",
    subject: mail.subject ?? "",
    text: mail.text ?? "Bonjour, voici ma facture.",
    messageId: mail.messageId === false ? undefined : (mail.messageId ?? `<${randomBytes(8).toString("hex")}@exemple.fr>`),
    attachments: mail.attachments,
  });
  let raw = await composer.compile().build();
  // MailComposer always adds a Message-ID: remove it for "a message without one".
  if (mail.messageId === false) raw = Buffer.from(raw.toString("latin1").replace(/^Message-ID:.*\r\n/im, ""), "latin1");
  return raw;
}

export type TestMailbox = {
  /** IMAP URL selecting this test's own mailbox. */
  url: string;
  path: string;
  /** Other folders to delete on dispose. */
  created: string[];
  append(raw: Buffer): Promise<void>;
  /** UID → flags of every message in the mailbox. */
  flags(): Promise<Map<number, Set<string>>>;
  count(path?: string): Promise<number>;
  clear(): Promise<void>;
  dispose(): Promise<void>;
};

export async function createTestMailbox(baseUrl: string, prefix = "Tests"): Promise<TestMailbox> {
  const path = `${prefix}-${randomBytes(4).toString("hex")}`;
  const url = new URL(baseUrl);
  url.pathname = `/${path}`;
  const client: ImapFlow = createImapClient(parseImapUrl(url.toString()));
  client.on("error", () => {});
  await client.connect();
  await client.mailboxCreate(path);
  // Folders the code under test creates (processed-messages folder), deleted with the mailbox.
  const created: string[] = [];
  return {
    created,
    url: url.toString(),
    path,
    async append(raw) {
      await client.append(path, raw);
    },
    async flags() {
      const lock = await client.getMailboxLock(path);
      try {
        const rows = await client.fetchAll("1:*", { uid: true, flags: true }, {}).catch(() => []);
        return new Map(rows.map((r) => [r.uid, r.flags ?? new Set<string>()]));
      } finally {
        lock.release();
      }
    },
    async count(other = path) {
      // SEARCH after NOOP rather than STATUS: this session learns of other sessions' expunges at NOOP.
      const lock = await client.getMailboxLock(other);
      try {
        await client.noop();
        const uids = await client.search({ all: true }, { uid: true });
        return uids ? uids.length : 0;
      } finally {
        lock.release();
      }
    },
    async clear() {
      const lock = await client.getMailboxLock(path);
      try {
        if ((client.mailbox && client.mailbox.exists) || 0) await client.messageDelete("1:*");
      } finally {
        lock.release();
      }
    },
    async dispose() {
      for (const extra of [path, ...created]) await client.mailboxDelete(extra).catch(() => undefined);
      await client.logout().catch(() => client.close());
    },
  };
}
