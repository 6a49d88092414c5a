import { desc, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.server";
import { auditLog } from "../db/schema";
import { GENESIS_HASH, entryHash, type AuditContent } from "./chain";

export type Actor = { userId: string | null; label: string };

export const SYSTEM_ACTOR: Actor = { userId: null, label: "system" };

export type AuditEntry = {
  actor: Actor;
  /** Dotted verb, e.g. `auth.login.succeeded`, `admin.mail.retried`. */
  action: string;
  outcome: "success" | "failure" | "denied";
  targetType?: string;
  targetId?: string;
  /** Pseudonymised client IP (see platform/crypto), never the clear address. */
  ipHash?: string | null;
  /** Never a secret nor a clear sensitive identifier. */
  details?: Record<string, unknown>;
};

/** Fixed advisory-lock key serialising appends across instances sharing one PostgreSQL. */
const AUDIT_CHAIN_LOCK = 7_310_001;

/**
 * Appends one entry to the hash chain. Call it inside the transaction of the action it records:
 * if this write fails, the action fails with it. Appends are serialised with a transaction-level
 * advisory lock so that concurrent instances never fork the chain.
 */
export async function appendAudit(outer: DbOrTx, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  // A savepoint inside the caller's transaction, or a transaction of its own: either way the
  // advisory lock is held until the entry is committed.
  await outer.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [last] = await tx
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.seq))
      .limit(1);
    const prevHash = last?.hash ?? GENESIS_HASH;
    const seq = (last?.seq ?? 0) + 1;
    const at = new Date(Math.floor(now.getTime()));
    const content: AuditContent = {
      seq,
      at: at.toISOString(),
      actorUserId: entry.actor.userId,
      actorLabel: entry.actor.label,
      action: entry.action,
      outcome: entry.outcome,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ipHash: entry.ipHash ?? null,
      // Hashed exactly as PostgreSQL will store and return it (dates as strings, no undefined).
      details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
    };
    await tx.insert(auditLog).values({ ...content, at, prevHash, hash: entryHash(prevHash, content) });
  });
}
