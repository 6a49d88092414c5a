import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import nodemailer, { type SendMailOptions } from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport";
import type { BasculeConfig } from "~/platform/config/env.server";

/** One message of the outbox, as handed to a transport. */
export type OutboundMessage = {
  /** Outbox row id. */
  id: string;
  /** The outbox's Message-ID, identical on every attempt so that receivers can deduplicate. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** When the message was queued: its Date header, so that a retry is the same message. */
  createdAt: Date;
};

/**
 * Delivers messages. `send` resolves once the message is accepted (by the relay, or on disk) and
 * rejects otherwise; a rejection after the relay may have accepted the message is possible, which
 * is why the Message-ID is stable across attempts.
 */
export interface MailTransport {
  name: string;
  send(message: OutboundMessage): Promise<void>;
  close?(): Promise<void>;
}

function mailOptions(message: OutboundMessage): SendMailOptions {
  return {
    messageId: message.messageId,
    date: message.createdAt,
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html === undefined ? {} : { html: message.html }),
    // Outbox messages have no attachments: refuse anything that would read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  };
}

/*
 * Bounds on each SMTP step, well below the dispatcher's per-message lease budget. A message is a
 * few kilobytes: a relay that stays silent longer than this is failing, and the retry schedule
 * takes over.
 */
const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
} as const;

/**
 * SMTP delivery through the relay of `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…`). One
 * connection per message, never a pool: the dispatcher sends a few messages per tick, and a pooled
 * connection silently dropped by the relay would turn into failures to diagnose.
 */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  // Constructed directly rather than through createTransport(url) so that a `?pool=true` in the URL
  // cannot switch pooling on behind our back.
  const mailer = nodemailer.createTransport(new SMTPTransport({ url: smtpUrl, ...SMTP_TIMEOUTS }));
  const secrets = credentialsOf(smtpUrl);
  return {
    name: "smtp",
    async send(message) {
      try {
        await mailer.sendMail(mailOptions(message));
      } catch (err) {
        throw withoutSecrets(err, secrets);
      }
    },
    async close() {
      mailer.close();
    },
  };
}

function credentialsOf(smtpUrl: string): string[] {
  try {
    const url = new URL(smtpUrl);
    return [url.password, decodeURIComponent(url.password)].filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** An error safe to store and log: the relay password never appears in it, whatever the server echoed. */
function withoutSecrets(err: unknown, secrets: readonly string[]): Error {
  const source = err instanceof Error ? err : new Error(String(err));
  let message = source.message;
  for (const secret of secrets) message = message.split(secret).join("[REDACTED]");
  const clean = new Error(message);
  const code = (source as { code?: unknown }).code;
  const responseCode = (source as { responseCode?: unknown }).responseCode;
  Object.assign(clean, {
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof responseCode === "number" ? { responseCode } : {}),
  });
  return clean;
}

/** Names the `.eml` file of a message; sorting the directory lists messages in queue order. */
export function demoMailFileName(message: Pick<OutboundMessage, "id" | "createdAt">): string {
  return `${message.createdAt.toISOString().replace(/:/g, "-")}-${message.id}.eml`;
}

/**
 * Demo delivery: each message becomes an RFC 822 `.eml` file under `${dataDir}/mail/`, openable in
 * any mail client, and readable in the admin mail viewer from the outbox itself. The raw message is
 * built by nodemailer exactly as it would be sent over SMTP.
 */
export function createDemoTransport(dataDir: string): MailTransport {
  const directory = path.join(dataDir, "mail");
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    name: "demo",
    async send(message) {
      const target = path.join(directory, demoMailFileName(message));
      // A retry after a crash between the write and the outbox update must not write it twice.
      if (await exists(target)) return;
      await fs.mkdir(directory, { recursive: true });
      const info = await composer.sendMail(mailOptions(message));
      const raw = info.message;
      if (!Buffer.isBuffer(raw)) throw new Error("stream transport did not return a buffer");
      // Written aside then renamed: a reader never sees a half-written message.
      const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await fs.writeFile(temporary, raw, { flag: "wx", mode: 0o600 });
        await fs.rename(temporary, target);
      } catch (err) {
        await fs.rm(temporary, { force: true });
        throw err;
      }
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * SMTP when a relay is configured; otherwise the demo transport writing `.eml` files, only where
 * file copies are allowed (demo mode, or MAIL_FILE_COPIES=true): a production or test instance never
 * leaves clear copies of one-time links on disk behind anyone's back. Undefined: nothing delivers,
 * messages wait encrypted in the outbox.
 */
export function createTransportFromConfig(config: Pick<BasculeConfig, "smtpUrl" | "dataDir" | "mailFileCopies">): MailTransport | undefined {
  if (config.smtpUrl) return createSmtpTransport(config.smtpUrl);
  return config.mailFileCopies ? createDemoTransport(config.dataDir) : undefined;
}

/**
 * The demo mail viewer's reading of a sent message, whose content the outbox erased: its `.eml`
 * copy under `${dataDir}/mail/`, parsed. Null when there is no copy (or it cannot be read).
 */
export function demoMailCopies(dataDir: string): (message: Pick<OutboundMessage, "id" | "createdAt">) => Promise<{ subject: string; text: string } | null> {
  const directory = path.join(dataDir, "mail");
  return async (message) => {
    let raw: Buffer;
    try {
      raw = await fs.readFile(path.join(directory, demoMailFileName(message)));
    } catch {
      return null;
    }
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextLinks: true });
    return { subject: parsed.subject ?? "", text: parsed.text ?? "" };
  };
}
