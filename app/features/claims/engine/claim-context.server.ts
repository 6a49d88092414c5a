import { and, asc, eq, gte, inArray, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { claimDocuments, claimLines, claims, contracts, formulas, guaranteeLines, persons } from "~/platform/db/schema";
import { type ClaimReferenceData, loadClaimReferenceData, toGuaranteeLine } from "./reference-data.server";
import type { AdjudicationInput, BeneficiaryContext, FormulaContext, GuaranteeLine, PastLine } from "./types";

/*
 * Everything the engine needs besides the claim itself, read from the database: the beneficiary
 * and their contract, the formula's guarantee lines, the regulatory amounts with their dates, and
 * five years of the contract's claims (every beneficiary: family patterns and duplicates across
 * people are fraud signals). Rejected claims are left out: they consumed nothing.
 */

export type ClaimContext = Omit<AdjudicationInput, "claim">;

const HISTORY_YEARS = 5;

/**
 * The context for `beneficiaryId` on `contractId`, or null when that person is not on that
 * contract. Queries: the person with their contract, formula and family; the contract's history;
 * the past documents sharing a file hash with the claim being decided (`fileHashes`: the engine
 * only asks whether a past claim holds one of them, so no other hash is read); the formula's lines
 * when `reference` (see reference-data.server.ts) does not already hold them — without it, the
 * reference data is read too.
 */
export async function loadClaimContext(
  db: DbOrTx,
  input: { contractId: string; beneficiaryId: string; now: Date; fileHashes: readonly string[]; reference?: ClaimReferenceData },
): Promise<ClaimContext | null> {
  const [row] = await db
    .select({
      person: persons,
      contract: contracts,
      formula: formulas,
      // Everyone on the contract (persons "family": the outer "persons" is the beneficiary).
      familyIds: sql<string[]>`(select coalesce(json_agg(family.id order by family.id), '[]'::json) from ${persons} family where family.contract_id = ${persons.contractId})`,
    })
    .from(persons)
    .innerJoin(contracts, eq(contracts.id, persons.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .where(and(eq(persons.id, input.beneficiaryId), eq(persons.contractId, input.contractId)))
    .limit(1);
  if (!row) return null;
  const since = new Date(input.now);
  since.setUTCFullYear(since.getUTCFullYear() - HISTORY_YEARS);

  // One after the other: inside a transaction they share one connection.
  const reference = input.reference ?? (await loadClaimReferenceData(db));
  const lines: readonly GuaranteeLine[] =
    reference.linesByFormula.get(row.formula.id) ??
    // A formula created after the reference data was cached: read its lines now.
    (await loadFormulaLines(db, row.formula.id));
  const history = await db
    .select({
      claimId: claims.id,
      claimNumber: claims.number,
      beneficiaryId: claims.beneficiaryId,
      channel: claims.channel,
      claimStatus: claims.status,
      invoiceNumber: claims.invoiceNumber,
      receivedAt: claims.receivedAt,
      line: claimLines.input,
      amcCents: claimLines.amcCents,
      adjustedAmcCents: claimLines.adjustedAmcCents,
      lineStatus: claimLines.status,
      guaranteeCategory: claimLines.guaranteeCategory,
    })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .where(and(eq(claims.contractId, input.contractId), ne(claims.status, "REJECTED"), gte(claims.receivedAt, since)))
    .orderBy(asc(claims.receivedAt), asc(claimLines.lineNo));
  const shared = new Map<string, string[]>();
  if (input.fileHashes.length > 0) {
    const docs = await db
      .select({ claimId: claimDocuments.claimId, fileHash: claimDocuments.fileHash })
      .from(claimDocuments)
      .innerJoin(claims, eq(claims.id, claimDocuments.claimId))
      .where(and(eq(claims.contractId, input.contractId), inArray(claimDocuments.fileHash, [...input.fileHashes])));
    for (const d of docs) shared.set(d.claimId, [...(shared.get(d.claimId) ?? []), d.fileHash]);
  }

  const beneficiary: BeneficiaryContext = {
    personId: row.person.id,
    contractId: row.contract.id,
    birthDate: row.person.birthDate,
    c2s: row.person.c2s,
    scheme: row.contract.scheme,
    coveredFrom: row.person.coveredFrom,
    coveredTo: row.person.coveredTo,
    contractStartDate: row.contract.startDate,
    contractEndDate: row.contract.endDate,
    ibanChangedAt: row.contract.ibanChangedAt,
  };
  const formula: FormulaContext = {
    code: row.formula.code,
    isResponsible: row.formula.isResponsible,
    // Copies: the engine's input is never shared with the cache.
    lines: lines.map((l) => ({ ...l })),
  };
  return {
    beneficiary,
    formula,
    regulatory: reference.regulatory.map((r) => ({ ...r })),
    history: history.map(
      (h): PastLine => ({
        claimId: h.claimId,
        claimNumber: h.claimNumber,
        beneficiaryId: h.beneficiaryId,
        channel: h.channel,
        claimStatus: h.claimStatus,
        line: h.line,
        // What was (or will be) paid: a staff adjustment replaces the engine's figure, a rejected line pays nothing.
        amcCents: h.lineStatus === "REJECTED" ? 0 : (h.adjustedAmcCents ?? h.amcCents),
        guaranteeCategory: h.guaranteeCategory,
        invoiceNumber: h.invoiceNumber,
        fileHashes: shared.get(h.claimId) ?? [],
        receivedAt: h.receivedAt,
      }),
    ),
    contractBeneficiaryIds: jsonArray(row.familyIds),
  };
}

/** A JSON array from the database: parsed by the driver, or still text with some drivers. */
function jsonArray(value: string[] | string): string[] {
  return typeof value === "string" ? (JSON.parse(value) as string[]) : value;
}

async function loadFormulaLines(db: DbOrTx, formulaId: string): Promise<GuaranteeLine[]> {
  const rows = await db.select().from(guaranteeLines).where(eq(guaranteeLines.formulaId, formulaId)).orderBy(asc(guaranteeLines.sortOrder));
  return rows.map(toGuaranteeLine);
}
