import { asc } from "drizzle-orm";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { readThroughCache } from "~/platform/db/read-cache.server";
import { guaranteeLines, regulatoryParameters } from "~/platform/db/schema";
import type { GuaranteeLine, RegulatoryParameter } from "./types";

/*
 * The engine's reference data: every formula's guarantee lines and the dated regulatory amounts.
 * They are written when an instance boots (members/reference-data.server.ts) and never by a
 * request, so each instance keeps them in memory for a minute instead of reading them for every
 * claim: a deployment that changes them restarts the instances, and a straggler catches up within
 * the minute. Amounts are dated (validFrom/validTo), so a new year's figures are loaded ahead of
 * time and picked by care date, never by the time of loading.
 */

export type ClaimReferenceData = {
  regulatory: readonly RegulatoryParameter[];
  /** Guarantee lines by formula id, in the formula's display order. */
  linesByFormula: ReadonlyMap<string, readonly GuaranteeLine[]>;
};

export const REFERENCE_DATA_TTL_MS = 60_000;

/** Reads the reference data (two queries), e.g. inside a transaction that must see its own writes. */
export async function loadClaimReferenceData(db: DbOrTx): Promise<ClaimReferenceData> {
  // One after the other: inside a transaction they share one connection.
  const lines = await db.select().from(guaranteeLines).orderBy(asc(guaranteeLines.formulaId), asc(guaranteeLines.sortOrder));
  const regulatory = await db.select().from(regulatoryParameters).orderBy(asc(regulatoryParameters.key), asc(regulatoryParameters.validFrom));
  const linesByFormula = new Map<string, GuaranteeLine[]>();
  for (const l of lines) {
    const line = toGuaranteeLine(l);
    const list = linesByFormula.get(l.formulaId);
    if (list) list.push(line);
    else linesByFormula.set(l.formulaId, [line]);
  }
  return {
    regulatory: regulatory.map((r): RegulatoryParameter => ({ key: r.key, valueCents: r.valueCents, validFrom: r.validFrom, validTo: r.validTo })),
    linesByFormula,
  };
}

/** The engine's view of a stored guarantee line. */
export function toGuaranteeLine(l: typeof guaranteeLines.$inferSelect): GuaranteeLine {
  return {
    category: l.category as GuaranteeLine["category"],
    label: l.label,
    basis: l.basis,
    ratePct: l.ratePct,
    amountCents: l.amountCents,
    maxCount: l.maxCount,
    maxDays: l.maxDays,
    ceilingCents: l.ceilingCents,
    periodMonths: l.periodMonths,
  };
}

/** The reference data of `db`, read at most once a minute per instance; concurrent callers share one read. */
export const claimReferenceData: (db: Db, nowMs?: number) => Promise<ClaimReferenceData> = readThroughCache(REFERENCE_DATA_TTL_MS, loadClaimReferenceData);
