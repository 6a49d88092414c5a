import { asc, gt, sql } from "drizzle-orm";
import type { Db } from "../db/client.server";
import { auditLog } from "../db/schema";
import { type Actor, appendAudit } from "./audit.server";
import { GENESIS_HASH, entryHash, type AuditContent } from "./chain";

export type ChainBreakReason = "hash-mismatch" | "prev-hash-mismatch" | "sequence-gap";

export type AuditChainVerification =
  | { ok: true; count: number; lastHash: string }
  | {
      ok: false;
      /** Entries found intact before the first broken one. */
      count: number;
      brokenSeq: number;
      reason: ChainBreakReason;
      /** French, shown to operators as is. */
      detail: string;
    };

const DEFAULT_BATCH_SIZE = 1000;

const REASON_LABELS: Record<ChainBreakReason, string> = {
  "hash-mismatch": "contenu modifié",
  "prev-hash-mismatch": "chaînage rompu",
  "sequence-gap": "entrée manquante ou déplacée",
};

/**
 * Walks the whole chain in `seq` order and names the first entry that does not hold: a gap in
 * the numbering (deleted or renumbered entry), a link that does not point at the previous
 * entry's hash (previous entry replaced or removed), or a hash that no longer matches the
 * content. Reads by keyset batches on the primary key, so memory stays flat on millions of rows.
 * Truncating the tail of the log leaves a valid shorter chain: compare `lastHash` with a copy
 * kept elsewhere to detect it.
 */
export async function verifyAuditChain(db: Db, options: { batchSize?: number } = {}): Promise<AuditChainVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError("batchSize must be a positive integer");
  let count = 0;
  let lastSeq = 0;
  let lastHash = GENESIS_HASH;
  for (;;) {
    const rows = await db
      .select({
        seq: auditLog.seq,
        at: auditLog.at,
        // The hash covers the timestamp at millisecond precision, which is all a JavaScript
        // Date can carry: finer digits can only come from a write outside appendAudit.
        subMillisecond: sql<boolean>`${auditLog.at} <> date_trunc('milliseconds', ${auditLog.at})`,
        actorUserId: auditLog.actorUserId,
        actorLabel: auditLog.actorLabel,
        action: auditLog.action,
        outcome: auditLog.outcome,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        ipHash: auditLog.ipHash,
        details: auditLog.details,
        prevHash: auditLog.prevHash,
        hash: auditLog.hash,
      })
      .from(auditLog)
      .where(gt(auditLog.seq, lastSeq))
      .orderBy(asc(auditLog.seq))
      .limit(batchSize);

    for (const row of rows) {
      const expectedSeq = lastSeq + 1;
      if (row.seq !== expectedSeq) {
        return broken(count, row.seq, "sequence-gap", `entrée n° ${expectedSeq} attendue, entrée n° ${row.seq} trouvée`);
      }
      if (row.prevHash !== lastHash) {
        const previous = expectedSeq === 1 ? "l’origine de la chaîne" : `l’entrée n° ${expectedSeq - 1}`;
        return broken(count, row.seq, "prev-hash-mismatch", `l’empreinte précédente enregistrée ne correspond pas à ${previous}`);
      }
      const content: AuditContent = {
        seq: row.seq,
        at: row.at.toISOString(),
        actorUserId: row.actorUserId,
        actorLabel: row.actorLabel,
        action: row.action,
        outcome: row.outcome,
        targetType: row.targetType,
        targetId: row.targetId,
        ipHash: row.ipHash,
        details: row.details,
      };
      if (row.subMillisecond || entryHash(row.prevHash, content) !== row.hash) {
        return broken(count, row.seq, "hash-mismatch", "le contenu de l’entrée ne correspond plus à son empreinte");
      }
      count += 1;
      lastSeq = row.seq;
      lastHash = row.hash;
    }
    if (rows.length < batchSize) return { ok: true, count, lastHash };
  }
}

function broken(count: number, brokenSeq: number, reason: ChainBreakReason, detail: string): AuditChainVerification {
  return { ok: false, count, brokenSeq, reason, detail };
}

const integer = new Intl.NumberFormat("fr-FR");

/** One French sentence for operators (CLI output, back office). */
export function describeAuditVerification(result: AuditChainVerification): string {
  if (result.ok) {
    return `Journal d’audit intègre : ${integer.format(result.count)} ${result.count > 1 ? "entrées" : "entrée"}`;
  }
  return `Journal d’audit ALTÉRÉ à l’entrée n° ${result.brokenSeq} (${REASON_LABELS[result.reason]}) : ${result.detail}`;
}

/**
 * Verifies the chain on behalf of a staff member and records that check, with its outcome, in
 * the chain itself.
 */
export async function verifyAuditChainAs(
  db: Db,
  who: { actor: Actor; ipHash: string | null },
): Promise<AuditChainVerification> {
  const result = await verifyAuditChain(db);
  await appendAudit(db, {
    actor: who.actor,
    action: "audit.verified",
    outcome: result.ok ? "success" : "failure",
    targetType: "audit_log",
    ipHash: who.ipHash,
    details: result.ok
      ? { count: result.count, lastHash: result.lastHash }
      : { count: result.count, brokenSeq: result.brokenSeq, reason: result.reason },
  });
  return result;
}
