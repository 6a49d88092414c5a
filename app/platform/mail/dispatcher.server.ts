import { and, count, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { type PeriodicWorker, startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { mailOutbox } from "~/platform/db/schema";
import { type MailContent, openMailContent, openMailRecipient } from "./outbox.server";
import { scrubText } from "~/platform/observability/redact";
import { MAX_ATTEMPTS, nextRetryDelayMs } from "./backoff";
import type { MailTransport } from "./transports.server";

export type MailStatus = (typeof mailOutbox.status.enumValues)[number];

/*
 * Delivery of the transactional outbox. A message is claimed by writing a short lease
 * (`locked_until`) on its row, renewed while its batch is being sent; rows are picked with
 * FOR UPDATE SKIP LOCKED, so instances sharing one PostgreSQL never claim the same row. An instance
 * that dies (SIGKILL, crash, lost machine) stops renewing: its messages are free again within one
 * lease (30 s), not after a lease sized for a whole batch. Delivery is at-least-once: a crash
 * between the relay's acceptance and the outbox update resends the message with the same
 * Message-ID, which receivers use to deduplicate.
 */

/** How long a claim holds without renewal: what a crashed instance's messages wait for. */
export const DEFAULT_LEASE_MS = 30_000;
const LAST_ERROR_MAX_LENGTH = 300;

export type DispatchOptions = {
  /** The time of this dispatch: due rows are those whose next attempt is at or before it. */
  now: Date;
  batchSize: number;
  /** From header of every message (MAIL_FROM). */
  from: string;
  /** Uniform draw in [0, 1) for the retry jitter. */
  random?: () => number;
  /** Length of a lease; renewed every third of it while the batch is being sent. */
  leaseMs?: number;
};

export type DispatchResult = {
  sent: number;
  /** Failed and scheduled for another attempt. */
  failed: number;
  /** Failed for the last allowed time: now dead letters. */
  dead: number;
};

/** Claims the due messages, sends them one by one and records each outcome. */
export async function dispatchDueMail(db: Db, transport: MailTransport, options: DispatchOptions): Promise<DispatchResult> {
  const { now, batchSize, from, random = Math.random, leaseMs = DEFAULT_LEASE_MS } = options;
  const started = performance.now();
  /** The dispatch's clock: `now` plus the time spent since (renewals and the lease check follow it). */
  const clock = () => new Date(now.getTime() + (performance.now() - started));
  // The lease's end is also its token: an update that finds another value lost the row to another instance.
  let lease = new Date(now.getTime() + leaseMs);
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        eq(mailOutbox.status, "PENDING"),
        lte(mailOutbox.nextAttemptAt, now),
        or(isNull(mailOutbox.lockedUntil), lt(mailOutbox.lockedUntil, now)),
      ),
    )
    .orderBy(mailOutbox.nextAttemptAt)
    .limit(batchSize)
    .for("update", { skipLocked: true });
  const claimed = await db.update(mailOutbox).set({ lockedUntil: lease }).where(inArray(mailOutbox.id, due)).returning();
  claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
  const result: DispatchResult = { sent: 0, failed: 0, dead: 0 };
  if (claimed.length === 0) return result;

  // Rows of this batch not handled yet, whose lease is renewed. Renewals and the failure updates
  // (which compare the lease) never overlap: they run one after the other.
  const held = new Set(claimed.map((r) => r.id));
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
  const renew = async () => {
    if (held.size === 0) return;
    const next = new Date(clock().getTime() + leaseMs);
    const kept = await db
      .update(mailOutbox)
      .set({ lockedUntil: next })
      .where(and(inArray(mailOutbox.id, [...held]), eq(mailOutbox.status, "PENDING"), eq(mailOutbox.lockedUntil, lease)))
      .returning({ id: mailOutbox.id });
    const keptIds = new Set(kept.map((r) => r.id));
    // A row whose lease was lost (it expired while the database was unreachable, and another
    // instance took it) is left to that instance.
    for (const id of held) if (!keptIds.has(id)) held.delete(id);
    lease = next;
  };
  const renewal = setInterval(() => {
    exclusive(renew).catch(() => {
      // The database is unreachable: the lease may lapse; the check before each send stops the batch then.
    });
  }, Math.max(1, Math.floor(leaseMs / 3)));
  renewal.unref();

  try {
    for (const row of claimed) {
      await queue;
      // Never send once the lease may have passed to another instance.
      if (!held.has(row.id) || clock().getTime() >= lease.getTime()) break;
      try {
        const { to, content } = messageOf(row);
        await transport.send({
          id: row.id,
          messageId: row.messageId,
          from,
          to,
          subject: content.subject,
          text: content.text,
          ...(content.html === null ? {} : { html: content.html }),
          createdAt: row.createdAt,
        });
      } catch (err) {
        held.delete(row.id);
        const attempts = row.attempts + 1;
        const isDead = attempts >= MAX_ATTEMPTS;
        await exclusive(() =>
          db
            .update(mailOutbox)
            .set({
              attempts,
              lastError: describeError(err),
              lockedUntil: null,
              ...(isDead ? { status: "DEAD" as const } : { nextAttemptAt: new Date(now.getTime() + nextRetryDelayMs(attempts, random())) }),
            })
            // Only while the lease is still ours: otherwise another instance owns the outcome.
            .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, "PENDING"), eq(mailOutbox.lockedUntil, lease))),
        );
        if (isDead) result.dead++;
        else result.failed++;
        continue;
      }
      held.delete(row.id);
      await db
        .update(mailOutbox)
        // Sent: the content (links, codes) is erased; the row keeps metadata and the recipient's envelope.
        .set({ status: "SENT", sentAt: now, lockedUntil: null, lastError: null, ...ERASED_CONTENT })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, "PENDING")));
      result.sent++;
    }
  } finally {
    clearInterval(renewal);
  }
  return result;
}

/** Everything a sent message no longer needs (the legacy clear columns included, ADR 019). */
const ERASED_CONTENT = { contentEnc: null, legacySubject: null, legacyTextBody: null, legacyHtmlBody: null, legacyToAddress: null } as const;

type OutboxRow = typeof mailOutbox.$inferSelect;

/**
 * Recipient and content of a claimed row. A row written before ADR 019 by an instance not yet
 * upgraded still has its clear columns: it is sent from them (and they are erased once it is).
 */
function messageOf(row: OutboxRow): { to: string; content: MailContent } {
  const to = row.recipientEnc ? openMailRecipient(row.recipientEnc) : row.legacyToAddress;
  const content = row.contentEnc
    ? openMailContent(row.contentEnc)
    : row.legacyTextBody !== null
      ? { subject: row.legacySubject ?? "", text: row.legacyTextBody, html: row.legacyHtmlBody }
      : null;
  if (!to || !content) throw new Error("outbox row without recipient or content");
  return { to, content };
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** A short, single-line account of a failure, free of credentials and sensitive identifiers. */
function describeError(err: unknown): string {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const text = `${typeof code === "string" ? `${code}: ` : ""}${message}`.replace(/\s+/g, " ").trim();
  return scrubText(text.replace(URL_CREDENTIALS, "$1[REDACTED]@")).slice(0, LAST_ERROR_MAX_LENGTH);
}

export type MailDispatcher = PeriodicWorker;

export type MailDispatcherOptions = {
  /** Resolved at each tick, so that the loop follows a database reopened after boot. */
  db: () => Db;
  transport: MailTransport;
  intervalMs: number;
  from: string;
  logger: Logger;
  batchSize?: number;
};

const DEFAULT_BATCH_SIZE = 10;

/**
 * The background loop of one instance (see startPeriodicWorker); a full batch means more is due.
 * The transport stays the caller's to close, after stop().
 */
export function startMailDispatcher(options: MailDispatcherOptions): MailDispatcher {
  const { transport, intervalMs, from, logger, batchSize = DEFAULT_BATCH_SIZE } = options;
  return startPeriodicWorker({
    intervalMs,
    logger,
    failureMessage: "mail dispatch failed",
    async run() {
      const result = await dispatchDueMail(options.db(), transport, { now: new Date(), batchSize, from });
      const handled = result.sent + result.failed + result.dead;
      if (result.failed + result.dead > 0) logger.warn({ ...result, transport: transport.name }, "mail delivery failures");
      else if (handled > 0) logger.info({ ...result, transport: transport.name }, "mail dispatched");
      return handled >= batchSize;
    },
  });
}

/**
 * Sends a dead letter again: back to PENDING with a fresh attempt count, due now. Audited as
 * `admin.mail.retried` in the same transaction. False when the message is not (or no longer) dead.
 */
export async function retryDeadMail(
  db: DbOrTx,
  id: string,
  actor: Actor,
  context: { ipHash?: string | null; now?: Date } = {},
): Promise<boolean> {
  const now = context.now ?? new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(mailOutbox)
      .set({ status: "PENDING", attempts: 0, nextAttemptAt: now, lockedUntil: null })
      .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, "DEAD")))
      .returning({ template: mailOutbox.template });
    if (!row) return false;
    await appendAudit(
      tx,
      {
        actor,
        action: "admin.mail.retried",
        outcome: "success",
        targetType: "mail",
        targetId: id,
        ipHash: context.ipHash ?? null,
        details: { template: row.template },
      },
      now,
    );
    return true;
  });
}

export type OutboxBacklog = {
  pending: number;
  sent: number;
  dead: number;
  /** Age of the oldest message still waiting for delivery; null when none is. */
  oldestPendingAgeSeconds: number | null;
};

/** Counts by status and the age of the oldest undelivered message (metrics, admin page). */
export async function outboxBacklog(db: DbOrTx, now: Date = new Date()): Promise<OutboxBacklog> {
  const rows = await db
    .select({
      status: mailOutbox.status,
      count: count(),
      oldest: sql<Date | null>`min(${mailOutbox.createdAt})`.mapWith(mailOutbox.createdAt),
    })
    .from(mailOutbox)
    .groupBy(mailOutbox.status);
  const of = (status: MailStatus) => rows.find((r) => r.status === status);
  const oldest = of("PENDING")?.oldest ?? null;
  return {
    pending: of("PENDING")?.count ?? 0,
    sent: of("SENT")?.count ?? 0,
    dead: of("DEAD")?.count ?? 0,
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
  };
}

/**
 * Where the demo mail viewer finds the content of a message once the outbox erased it: the demo
 * transport's `.eml` copy (demo mode only). Null when there is no copy.
 */
export type SentMailCopies = (message: { id: string; createdAt: Date }) => Promise<{ subject: string; text: string } | null>;

export type OutboxListItem = Pick<OutboxRow, "id" | "createdAt" | "template" | "status" | "attempts" | "lastError"> & {
  /** Decrypted for the viewer; null for a row whose recipient could not be read. */
  toAddress: string | null;
  /** Null once the content is erased (sent) and no demo copy exists. */
  subject: string | null;
};

/** The latest messages, newest first, one page at a time (admin mail viewer). */
export async function listOutboxMail(
  db: DbOrTx,
  filter: { status?: MailStatus; page: number; pageSize: number; copies?: SentMailCopies },
): Promise<{ items: OutboxListItem[]; hasNextPage: boolean }> {
  const rows = await db
    .select()
    .from(mailOutbox)
    .where(filter.status ? eq(mailOutbox.status, filter.status) : undefined)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(filter.pageSize + 1)
    .offset((filter.page - 1) * filter.pageSize);
  const items = await Promise.all(
    rows.slice(0, filter.pageSize).map(async (row) => {
      const content = await contentOf(row, filter.copies);
      return {
        id: row.id,
        createdAt: row.createdAt,
        template: row.template,
        status: row.status,
        attempts: row.attempts,
        lastError: row.lastError,
        toAddress: recipientOf(row),
        subject: content?.subject ?? null,
      };
    }),
  );
  return { items, hasNextPage: rows.length > filter.pageSize };
}

function recipientOf(row: OutboxRow): string | null {
  return row.recipientEnc ? openMailRecipient(row.recipientEnc) : row.legacyToAddress;
}

async function contentOf(row: OutboxRow, copies: SentMailCopies | undefined): Promise<{ subject: string; text: string } | null> {
  if (row.contentEnc) return openMailContent(row.contentEnc);
  if (row.legacyTextBody !== null) return { subject: row.legacySubject ?? "", text: row.legacyTextBody };
  return copies ? copies({ id: row.id, createdAt: row.createdAt }) : null;
}

export type OutboxMail = Pick<
  OutboxRow,
  "id" | "messageId" | "template" | "status" | "attempts" | "nextAttemptAt" | "lastError" | "sentAt" | "createdAt"
> & {
  toAddress: string | null;
  /** Null once erased after sending (and no demo copy exists). */
  subject: string | null;
  /** Null when the body is withheld or erased. */
  textBody: string | null;
  /** The content was erased after sending (ADR 019). */
  contentErased: boolean;
};

/**
 * One message for the admin mail viewer. Its text body carries one-time links (activation,
 * password reset), so it is revealed only on request, and each reveal is audited as
 * `admin.mail.viewed`. The HTML body is never returned. A sent message's content is erased from
 * the outbox: in demo mode it is read back from the demo transport's copy (`copies`).
 */
export async function readOutboxMail(
  db: DbOrTx,
  id: string,
  options: { revealBody: boolean; actor: Actor; ipHash?: string | null; copies?: SentMailCopies },
): Promise<OutboxMail | undefined> {
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  if (!row) return undefined;
  const content = await contentOf(row, options.copies);
  const mail: OutboxMail = {
    id: row.id,
    messageId: row.messageId,
    template: row.template,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
    sentAt: row.sentAt,
    createdAt: row.createdAt,
    toAddress: recipientOf(row),
    subject: content?.subject ?? null,
    textBody: null,
    contentErased: !row.contentEnc && row.legacyTextBody === null,
  };
  if (!options.revealBody || !content) return mail;
  await appendAudit(db, {
    actor: options.actor,
    action: "admin.mail.viewed",
    outcome: "success",
    targetType: "mail",
    targetId: id,
    ipHash: options.ipHash ?? null,
    details: { template: row.template },
  });
  return { ...mail, textBody: content.text };
}
