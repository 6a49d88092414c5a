import { and, count, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { type PeriodicWorker, startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { mailOutbox } from "~/platform/db/schema";
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
        await transport.send({
          id: row.id,
          messageId: row.messageId,
          from,
          to: row.toAddress,
          subject: row.subject,
          text: row.textBody,
          ...(row.htmlBody === null ? {} : { html: row.htmlBody }),
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
        .set({ status: "SENT", sentAt: now, lockedUntil: null, lastError: null })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, "PENDING")));
      result.sent++;
    }
  } finally {
    clearInterval(renewal);
  }
  return result;
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

export type OutboxListItem = Pick<
  typeof mailOutbox.$inferSelect,
  "id" | "createdAt" | "toAddress" | "subject" | "template" | "status" | "attempts" | "lastError"
>;

/** The latest messages, newest first, one page at a time (admin mail viewer). */
export async function listOutboxMail(
  db: DbOrTx,
  filter: { status?: MailStatus; page: number; pageSize: number },
): Promise<{ items: OutboxListItem[]; hasNextPage: boolean }> {
  const rows = await db
    .select({
      id: mailOutbox.id,
      createdAt: mailOutbox.createdAt,
      toAddress: mailOutbox.toAddress,
      subject: mailOutbox.subject,
      template: mailOutbox.template,
      status: mailOutbox.status,
      attempts: mailOutbox.attempts,
      lastError: mailOutbox.lastError,
    })
    .from(mailOutbox)
    .where(filter.status ? eq(mailOutbox.status, filter.status) : undefined)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(filter.pageSize + 1)
    .offset((filter.page - 1) * filter.pageSize);
  return { items: rows.slice(0, filter.pageSize), hasNextPage: rows.length > filter.pageSize };
}

export type OutboxMail = Omit<typeof mailOutbox.$inferSelect, "htmlBody" | "lockedUntil" | "textBody"> & {
  /** Null when the body is withheld. */
  textBody: string | null;
};

/**
 * One message for the admin mail viewer. Its text body carries one-time links (activation,
 * password reset), so it is revealed only on request, and each reveal is audited as
 * `admin.mail.viewed`. The HTML body is never returned.
 */
export async function readOutboxMail(
  db: DbOrTx,
  id: string,
  options: { revealBody: boolean; actor: Actor; ipHash?: string | null },
): Promise<OutboxMail | undefined> {
  const [row] = await db
    .select({
      id: mailOutbox.id,
      messageId: mailOutbox.messageId,
      toAddress: mailOutbox.toAddress,
      subject: mailOutbox.subject,
      textBody: mailOutbox.textBody,
      template: mailOutbox.template,
      status: mailOutbox.status,
      attempts: mailOutbox.attempts,
      nextAttemptAt: mailOutbox.nextAttemptAt,
      lastError: mailOutbox.lastError,
      sentAt: mailOutbox.sentAt,
      createdAt: mailOutbox.createdAt,
    })
    .from(mailOutbox)
    .where(eq(mailOutbox.id, id));
  if (!row) return undefined;
  if (!options.revealBody) return { ...row, textBody: null };
  await appendAudit(db, {
    actor: options.actor,
    action: "admin.mail.viewed",
    outcome: "success",
    targetType: "mail",
    targetId: id,
    ipHash: options.ipHash ?? null,
    details: { template: row.template },
  });
  return row;
}
