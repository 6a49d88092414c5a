import { type AuditContent, GENESIS_HASH, entryHash } from "./chain";

/** An entry as stored, before or after sealing: what the hash covers, without its position. */
export type StoredAuditContent = Omit<AuditContent, "seq" | "at"> & { at: Date };

/** The end of the sealed chain: the next entry gets `seq + 1` and links to `hash`. */
export type ChainTip = { seq: number; hash: string };

export const EMPTY_CHAIN: ChainTip = { seq: 0, hash: GENESIS_HASH };

export type SealedLink = { seq: number; prevHash: string; hash: string };

/** What the hash of the entry at `seq` covers: its position and its stored content. */
export function auditContent(seq: number, row: StoredAuditContent): AuditContent {
  return {
    seq,
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
}

/**
 * Chains `rows`, in the order given, after `tip`: consecutive numbers from `tip.seq + 1`, each
 * linked to the previous hash. Returns one link per row, in the same order.
 */
export function chainAfter(tip: ChainTip, rows: readonly StoredAuditContent[]): SealedLink[] {
  let { seq, hash } = tip;
  return rows.map((row) => {
    const prevHash = hash;
    seq += 1;
    hash = entryHash(prevHash, auditContent(seq, row));
    return { seq, prevHash, hash };
  });
}
