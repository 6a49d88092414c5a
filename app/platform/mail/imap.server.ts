import { ImapFlow } from "imapflow";

/*
 * The claims mailbox over IMAP (imapflow). A session is one connection with the mailbox selected
 * and locked for the duration of a poll. "Processed" is a property of the message on the server:
 * the custom keyword $BasculeProcessed (plus \Seen for people looking at the mailbox in a mail
 * client), so nothing else — a colleague opening a message, another client marking it read —
 * can make Bascule skip a message. Optionally processed messages are then moved to a folder.
 */

export const PROCESSED_KEYWORD = "$BasculeProcessed";

export type ImapSettings = {
  /** imap://user:password@host:port/MAILBOX or imaps://… (TLS). Mailbox defaults to INBOX. */
  url: string;
  /** Folder processed messages are moved to (created if missing); null keeps them in place. */
  processedFolder?: string | null;
  /** Per-command socket timeout. */
  timeoutMs?: number;
};

export type ImapEndpoint = { host: string; port: number; secure: boolean; user: string; pass: string; mailbox: string };

/** Reads IMAP_URL; throws with a message that never includes the password. */
export function parseImapUrl(url: string): ImapEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("IMAP_URL is not a valid URL (expected imap://user:password@host:port/INBOX)");
  }
  if (parsed.protocol !== "imap:" && parsed.protocol !== "imaps:") throw new Error("IMAP_URL must start with imap:// or imaps://");
  if (!parsed.username || !parsed.password) throw new Error("IMAP_URL must carry a user name and a password");
  const secure = parsed.protocol === "imaps:";
  const mailbox = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "INBOX";
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(parsed.username),
    pass: decodeURIComponent(parsed.password),
    mailbox,
  };
}

export function createImapClient(endpoint: ImapEndpoint, timeoutMs = 30_000): ImapFlow {
  return new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    auth: { user: endpoint.user, pass: endpoint.pass },
    // imapflow's own logger would write message metadata (subjects, addresses) to the logs.
    logger: false,
    disableAutoIdle: true,
    // Idle time allowed on the socket: a batch being written to the database keeps the connection
    // silent, and marking it processed afterwards must not find the connection gone.
    socketTimeout: Math.max(timeoutMs, 5 * 60_000),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
  });
}

export type MailboxMessage = {
  uid: number;
  /** Raw RFC 5322 bytes. */
  source: Buffer;
  size: number;
  /** When the server received it (INTERNALDATE). */
  internalDate: Date | null;
  /** Message-ID from the envelope, as the server parsed it (may be missing or malformed). */
  envelopeMessageId: string | null;
};

/** One locked mailbox on one connection; the functions are plain closures (safe to wrap in tests). */
export type ClaimsMailboxSession = {
  path: string;
  uidValidity: number;
  /** UIDs, ascending, of the messages not yet marked processed. */
  searchUnprocessed(): Promise<number[]>;
  fetch(uids: readonly number[]): Promise<MailboxMessage[]>;
  markProcessed(uids: readonly number[]): Promise<void>;
};

export type ClaimsMailboxOpener = <T>(work: (session: ClaimsMailboxSession) => Promise<T>) => Promise<T>;

/** Connects, selects and locks the claims mailbox, runs `work`, then releases and logs out. */
export function claimsMailboxOpener(settings: ImapSettings): ClaimsMailboxOpener {
  const endpoint = parseImapUrl(settings.url);
  return async (work) => {
    const client = createImapClient(endpoint, settings.timeoutMs);
    // Socket errors after connect are reported here and as rejections of the pending command.
    client.on("error", () => {});
    await client.connect();
    try {
      const lock = await client.getMailboxLock(endpoint.mailbox);
      try {
        let folderReady = false;
        const opened = client.mailbox;
        if (!opened) throw new Error("IMAP mailbox could not be selected");
        const session: ClaimsMailboxSession = {
          path: opened.path,
          uidValidity: Number(opened.uidValidity),
          async searchUnprocessed() {
            const uids = await client.search({ unKeyword: PROCESSED_KEYWORD }, { uid: true });
            return (uids || []).sort((a, b) => a - b);
          },
          async fetch(uids) {
            if (uids.length === 0) return [];
            const rows = await client.fetchAll([...uids], { uid: true, source: true, size: true, internalDate: true, envelope: true }, { uid: true });
            return rows
              .filter((r) => r.source)
              .map((r) => ({
                uid: r.uid,
                source: r.source!,
                size: r.size ?? r.source!.length,
                internalDate: r.internalDate ? new Date(r.internalDate) : null,
                envelopeMessageId: r.envelope?.messageId ?? null,
              }))
              .sort((a, b) => a.uid - b.uid);
          },
          async markProcessed(uids) {
            if (uids.length === 0) return;
            const ok = await client.messageFlagsAdd([...uids], ["\\Seen", PROCESSED_KEYWORD], { uid: true });
            if (!ok) throw new Error("IMAP server refused to flag messages as processed");
            if (settings.processedFolder) {
              // Already existing is fine: the move below fails loudly if the folder is truly missing.
              if (!folderReady) await client.mailboxCreate(settings.processedFolder).catch(() => undefined);
              folderReady = true;
              await client.messageMove([...uids], settings.processedFolder, { uid: true });
            }
          },
        };
        return await work(session);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
}
