import { asc, count, desc, isNotNull, isNull, min, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../db/client.server";
import { auditLog } from "../db/schema";
import { type PeriodicWorker, startPeriodicWorker } from "../jobs/periodic-worker.server";
import { setAuditSealHint } from "./audit.server";
import { EMPTY_CHAIN, chainAfter } from "./sealing";

/** The columns the hash covers besides the entry's position (see sealing.ts' StoredAuditContent). */
export const STORED_CONTENT_COLUMNS = {
  at: auditLog.at,
  actorUserId: auditLog.actorUserId,
  actorLabel: auditLog.actorLabel,
  action: auditLog.action,
  outcome: auditLog.outcome,
  targetType: auditLog.targetType,
  targetId: auditLog.targetId,
  ipHash: auditLog.ipHash,
  details: auditLog.details,
};

/** Fixed advisory-lock key: one sealer at a time across the instances sharing a database. */
const AUDIT_SEAL_LOCK = 7_310_001;

const DEFAULT_BATCH_SIZE = 500;

/**
 * Seals up to `batchSize` committed, unsealed entries in insertion (`id`) order: each gets the
 * next `seq`, the previous entry's hash and its own, in one transaction. Chain order is sealing
 * order, so an entry whose transaction committed late simply gets a later number.
 *
 * One sealer works at a time (transaction-level advisory lock). A sealer that finds the lock
 * taken returns 0 at once instead of queueing: the one at work takes every committed entry up to
 * its batch size and what it misses is caught by the next run of any instance, so a waiting
 * sealer would only hold a pooled connection to find little or nothing left, and a stuck one
 * (a hung instance holding the lock) would block its callers, verification included.
 *
 * Returns how many entries were sealed; a full batch means more are due.
 */
export async function sealAuditLog(db: Db, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError("batchSize must be a positive integer");
  return db.transaction(async (tx) => {
    const lock = await tx.execute<{ taken: boolean }>(sql`select pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK}) as taken`);
    const lockRows = (Array.isArray(lock) ? lock : (lock as { rows: { taken: boolean }[] }).rows) as { taken: boolean }[];
    if (lockRows[0]?.taken !== true) return 0;

    const pending = await tx
      .select({ id: auditLog.id, ...STORED_CONTENT_COLUMNS })
      .from(auditLog)
      .where(isNull(auditLog.seq))
      .orderBy(asc(auditLog.id))
      .limit(batchSize)
      .for("update");
    if (pending.length === 0) return 0;

    const [last] = await tx
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .where(isNotNull(auditLog.seq))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    const tip = last && last.seq !== null && last.hash !== null ? { seq: last.seq, hash: last.hash } : EMPTY_CHAIN;
    const links = chainAfter(tip, pending);
    const updates = JSON.stringify(pending.map((row, i) => ({ id: row.id, ...links[i]! })));
    // One statement for the whole batch. Under the lock every selected row is still unsealed; the
    // `seq is null` guard only makes that explicit.
    await tx.execute(sql`
      update ${auditLog} set seq = v.seq, prev_hash = v."prevHash", hash = v.hash
      from jsonb_to_recordset(${updates}::jsonb) as v(id bigint, seq bigint, "prevHash" text, hash text)
      where ${auditLog.id} = v.id and ${auditLog.seq} is null`);
    return pending.length;
  });
}

/**
 * Seals batch after batch until a batch is not full or another sealer is at work (it then seals
 * what is left): before a CLI exits, before a verification, at shutdown.
 */
export async function sealAuditBacklog(db: Db, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let total = 0;
  for (;;) {
    const sealed = await sealAuditLog(db, { batchSize });
    total += sealed;
    if (sealed < batchSize) return total;
  }
}

/** Unsealed entries and the age of the oldest (by its action time), for metrics. */
export async function auditSealBacklog(db: Db, now: Date = new Date()): Promise<{ unsealed: number; oldestAgeSeconds: number | null }> {
  const [row] = await db
    .select({ unsealed: count(), oldest: min(auditLog.at) })
    .from(auditLog)
    .where(isNull(auditLog.seq));
  const oldest = row?.oldest ?? null;
  return {
    unsealed: row?.unsealed ?? 0,
    oldestAgeSeconds: oldest === null ? null : Math.max(0, (now.getTime() - oldest.getTime()) / 1000),
  };
}

export type AuditSealer = PeriodicWorker;

/**
 * The sealing loop of one instance: every `intervalMs` and soon after each append of this
 * process (the hint of appendAudit). Stopping it seals once more, so that a graceful shutdown
 * leaves nothing of its own unsealed.
 */
export function startAuditSealer(options: { db: () => Db; logger: Logger; intervalMs?: number; batchSize?: number }): AuditSealer {
  const { logger, intervalMs = 1_000, batchSize = DEFAULT_BATCH_SIZE } = options;
  const worker = startPeriodicWorker({
    intervalMs,
    logger,
    failureMessage: "sealing audit entries failed",
    async run() {
      return (await sealAuditLog(options.db(), { batchSize })) >= batchSize;
    },
  });
  setAuditSealHint(() => worker.kick());
  return {
    kick: () => worker.kick(),
    async stop() {
      setAuditSealHint(undefined);
      await worker.stop();
      try {
        await sealAuditBacklog(options.db(), { batchSize });
      } catch (err) {
        logger.error({ err }, "sealing audit entries at shutdown failed");
      }
    },
  };
}
