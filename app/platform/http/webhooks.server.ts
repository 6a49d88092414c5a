import { createHmac } from "node:crypto";
import { and, eq, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db, DbOrTx } from "../db/client.server";
import { webhookDeliveries } from "../db/schema";
import { MAX_ATTEMPTS, nextRetryDelayMs } from "../mail/backoff";
import { scrubText } from "../observability/redact";
import { type PeriodicWorker, startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";

/*
 * Outgoing signed webhooks, delivered like the mail outbox: a delivery row is written in the
 * transaction of the change it reports, then a dispatcher claims due rows (FOR UPDATE SKIP LOCKED
 * and a lease), POSTs them and records the outcome, with the outbox's retry schedule and dead
 * letters. Delivery is at least once: receivers deduplicate on `X-Bascule-Delivery`.
 *
 * Signature: `X-Bascule-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
 * shared secret, and `X-Bascule-Timestamp` (Unix seconds) so that receivers can refuse replays.
 */

const WEBHOOK_TIMEOUT_MS = 5_000;
const LEASE_MARGIN_MS = 60_000;
const LAST_ERROR_MAX_LENGTH = 300;
const DEFAULT_BATCH_SIZE = 10;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The headers of one attempt. */
function webhookHeaders(input: { secret: string; deliveryId: string; timestamp: number; body: string }): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "Bascule-Webhooks/1",
    "X-Bascule-Delivery": input.deliveryId,
    "X-Bascule-Timestamp": String(input.timestamp),
    "X-Bascule-Signature": `sha256=${signWebhook(input.secret, input.timestamp, input.body)}`,
  };
}

/** Queues a delivery. Call it with the transaction of the change it reports. */
export async function enqueueWebhook(
  tx: DbOrTx,
  input: { url: string; eventType: string; payload: Record<string, unknown>; now?: Date },
): Promise<string> {
  // Due from the application's clock, the one the dispatcher compares with (the database's
  // now() carries microseconds a JavaScript Date of the same millisecond would not reach).
  const at = input.now ?? new Date();
  const [row] = await tx
    .insert(webhookDeliveries)
    .values({ url: input.url, eventType: input.eventType, payload: input.payload, nextAttemptAt: at, createdAt: at })
    .returning({ id: webhookDeliveries.id });
  return row!.id;
}

export type WebhookDispatchOptions = {
  now: Date;
  secret: string;
  fetchImpl?: typeof fetch;
  batchSize?: number;
  /** Uniform draw in [0, 1) for the retry jitter. */
  random?: () => number;
};

export type WebhookDispatchResult = { delivered: number; failed: number; dead: number };

/** Claims the due deliveries, POSTs them one by one and records each outcome. */
export async function dispatchDueWebhooks(db: Db, options: WebhookDispatchOptions): Promise<WebhookDispatchResult> {
  const { now, secret, fetchImpl = fetch, batchSize = DEFAULT_BATCH_SIZE, random = Math.random } = options;
  const leaseUntil = new Date(now.getTime() + batchSize * WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS);
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "PENDING"),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now)),
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(batchSize)
    .for("update", { skipLocked: true });
  const claimed = await db.update(webhookDeliveries).set({ lockedUntil: leaseUntil }).where(inArray(webhookDeliveries.id, due)).returning();
  claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime());

  const result: WebhookDispatchResult = { delivered: 0, failed: 0, dead: 0 };
  for (const row of claimed) {
    const body = JSON.stringify(row.payload);
    const timestamp = Math.floor(now.getTime() / 1000);
    let failure: string | null = null;
    try {
      const response = await fetchImpl(row.url, {
        method: "POST",
        headers: webhookHeaders({ secret, deliveryId: row.id, timestamp, body }),
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await discardBody(response);
      if (response.status < 200 || response.status > 299) failure = `HTTP ${response.status}`;
    } catch (err) {
      failure = describeError(err);
    }
    // Only while the lease is still ours: otherwise another instance owns the outcome.
    const ours = and(eq(webhookDeliveries.id, row.id), eq(webhookDeliveries.status, "PENDING"), eq(webhookDeliveries.lockedUntil, leaseUntil));
    if (failure === null) {
      await db.update(webhookDeliveries).set({ status: "DELIVERED", deliveredAt: now, attempts: row.attempts + 1, lockedUntil: null, lastError: null }).where(ours);
      result.delivered++;
      continue;
    }
    const attempts = row.attempts + 1;
    const isDead = attempts >= MAX_ATTEMPTS;
    await db
      .update(webhookDeliveries)
      .set({
        attempts,
        lastError: failure,
        lockedUntil: null,
        ...(isDead ? { status: "DEAD" as const } : { nextAttemptAt: new Date(now.getTime() + nextRetryDelayMs(attempts, random())) }),
      })
      .where(ours);
    if (isDead) result.dead++;
    else result.failed++;
  }
  return result;
}

/**
 * Reads and drops the answer (so the connection can be reused), up to a limit: a receiver that
 * sends more gets its stream cancelled without waiting for it.
 */
async function discardBody(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      void reader.cancel().catch(() => undefined);
      return;
    }
  }
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

function describeError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
  const name = err instanceof Error && err.name === "TimeoutError" ? "timeout" : null;
  const message = name ?? `${err instanceof Error ? err.message : String(err)}${cause ? ` (${cause.message})` : ""}`;
  return scrubText(message.replace(/\s+/g, " ").trim().replace(URL_CREDENTIALS, "$1[REDACTED]@")).slice(0, LAST_ERROR_MAX_LENGTH);
}

export type WebhookDispatcher = PeriodicWorker;

export type WebhookDispatcherOptions = {
  /** Resolved at each tick, so that the loop follows a database reopened after boot. */
  db: () => Db;
  secret: string;
  intervalMs: number;
  logger: Logger;
  fetchImpl?: typeof fetch;
  batchSize?: number;
};

/** The background loop of one instance (see startPeriodicWorker); a full batch means more is due. */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { secret, intervalMs, logger, fetchImpl, batchSize = DEFAULT_BATCH_SIZE } = options;
  return startPeriodicWorker({
    intervalMs,
    logger,
    failureMessage: "webhook dispatch failed",
    async run() {
      const result = await dispatchDueWebhooks(options.db(), { now: new Date(), secret, batchSize, ...(fetchImpl ? { fetchImpl } : {}) });
      const handled = result.delivered + result.failed + result.dead;
      if (result.failed + result.dead > 0) logger.warn(result, "webhook delivery failures");
      else if (handled > 0) logger.info(result, "webhooks delivered");
      return handled >= batchSize;
    },
  });
}
