import { and, asc, gt, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.server";
import { auditLog } from "../db/schema";
import { type Actor, appendAudit } from "./audit.server";
import { entryHash } from "./chain";
import { STORED_CONTENT_COLUMNS, sealAuditBacklog } from "./seal.server";
import { EMPTY_CHAIN, auditContent } from "./sealing";
import { formatParisDateTimeSeconds } from "~/platform/time/paris";

export type ChainBreakReason = "hash-mismatch" | "prev-hash-mismatch" | "sequence-gap" | "unsealed-entry";

export type AuditChainVerification =
  | { ok: true; count: number; lastHash: string }
  | {
      ok: false;
      /** Entries found intact before the first broken one (all sealed entries for `unsealed-entry`). */
      count: number;
      /** Chain position of the first broken entry; null for an entry that was never sealed. */
      brokenSeq: number | null;
      /** Storage identifier of that entry (insertion order). */
      brokenId: number;
      reason: ChainBreakReason;
      /** French, shown to operators as is. */
      detail: string;
    };

const DEFAULT_BATCH_SIZE = 1000;

/** An entry still unsealed this long after its action means sealing is not running (ADR 014). */
const UNSEALED_GRACE_MS = 60_000;

const REASON_LABELS: Record<ChainBreakReason, string> = {
  "hash-mismatch": "contenu modifié",
  "prev-hash-mismatch": "chaînage rompu",
  "sequence-gap": "entrée manquante ou déplacée",
  "unsealed-entry": "entrée non scellée depuis plus d’une minute",
};

/**
 * Seals what is pending (unless `seal: false`, e.g. on a read-only replica), then walks the whole
 * chain in `seq` order and names the first entry that does not hold: a gap in
 * the numbering (deleted or renumbered entry), a link that does not point at the previous
 * entry's hash (previous entry replaced or removed), or a hash that no longer matches the
 * content. Reads by keyset batches on the unique `seq` index, so memory stays flat on millions of rows.
 * Truncating the tail of the log leaves a valid shorter chain: compare `lastHash` with a copy
 * kept elsewhere to detect it. An intact chain still fails when an entry recorded more than
 * UNSEALED_GRACE_MS before `now` is left unsealed (sealing stopped, or stuck behind a hung
 * sealer): its action happened, the chain does not vouch for it yet.
 */
export async function verifyAuditChain(
  db: Db,
  options: { batchSize?: number; now?: Date; seal?: boolean } = {},
): Promise<AuditChainVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError("batchSize must be a positive integer");
  if (options.seal !== false) await sealAuditBacklog(db);
  let count = 0;
  let { seq: lastSeq, hash: lastHash } = EMPTY_CHAIN;
  for (;;) {
    const rows = await db
      .select({
        id: auditLog.id,
        seq: sql<number>`${auditLog.seq}`.mapWith(Number),
        ...STORED_CONTENT_COLUMNS,
        // The hash covers the timestamp at millisecond precision, which is all a JavaScript
        // Date can carry: finer digits can only come from a write outside appendAudit.
        subMillisecond: sql<boolean>`${auditLog.at} <> date_trunc('milliseconds', ${auditLog.at})`,
        prevHash: sql<string>`${auditLog.prevHash}`,
        hash: sql<string>`${auditLog.hash}`,
      })
      .from(auditLog)
      .where(gt(auditLog.seq, lastSeq))
      .orderBy(asc(auditLog.seq))
      .limit(batchSize);

    for (const row of rows) {
      const expectedSeq = lastSeq + 1;
      if (row.seq !== expectedSeq) {
        return broken(count, row, "sequence-gap", `entrée n° ${expectedSeq} attendue, entrée n° ${row.seq} trouvée`);
      }
      if (row.prevHash !== lastHash) {
        const previous = expectedSeq === 1 ? "l’origine de la chaîne" : `l’entrée n° ${expectedSeq - 1}`;
        return broken(count, row, "prev-hash-mismatch", `l’empreinte précédente enregistrée ne correspond pas à ${previous}`);
      }
      if (row.subMillisecond || entryHash(row.prevHash, auditContent(row.seq, row)) !== row.hash) {
        return broken(count, row, "hash-mismatch", "le contenu de l’entrée ne correspond plus à son empreinte");
      }
      count += 1;
      lastSeq = row.seq;
      lastHash = row.hash;
    }
    if (rows.length < batchSize) break;
  }

  const now = options.now ?? new Date();
  const [stale] = await db
    .select({ id: auditLog.id, at: auditLog.at })
    .from(auditLog)
    .where(and(isNull(auditLog.seq), lt(auditLog.at, new Date(now.getTime() - UNSEALED_GRACE_MS))))
    .orderBy(asc(auditLog.id))
    .limit(1);
  if (stale) {
    return broken(
      count,
      { id: stale.id, seq: null },
      "unsealed-entry",
      `l’entrée d’identifiant ${stale.id}, datée du ${formatParisDateTimeSeconds(stale.at)}, n’a encore ni numéro ni empreinte`,
    );
  }
  return { ok: true, count, lastHash };
}

function broken(
  count: number,
  entry: { id: number; seq: number | null },
  reason: ChainBreakReason,
  detail: string,
): AuditChainVerification {
  return { ok: false, count, brokenSeq: entry.seq, brokenId: entry.id, reason, detail };
}

const integer = new Intl.NumberFormat("fr-FR");

/** One French sentence for operators (CLI output, back office). */
export function describeAuditVerification(result: AuditChainVerification): string {
  if (result.ok) {
    return `Journal d’audit intègre : ${integer.format(result.count)} ${result.count > 1 ? "entrées" : "entrée"}`;
  }
  if (result.brokenSeq === null) {
    return `Journal d’audit INCOMPLET (${REASON_LABELS[result.reason]}) : ${result.detail}`;
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
      : { count: result.count, brokenSeq: result.brokenSeq, brokenId: result.brokenId, reason: result.reason },
  });
  return result;
}
