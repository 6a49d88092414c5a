import { and, asc, eq, gte, inArray, ne } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { claimDocuments, claimLines, claims, contracts, formulas, guaranteeLines, persons, regulatoryParameters } from "~/platform/db/schema";
import type { AdjudicationInput, BeneficiaryContext, FormulaContext, GuaranteeLine, PastLine, RegulatoryParameter } from "./types";

/*
 * Everything the engine needs besides the claim itself, read from the database: the beneficiary
 * and their contract, the formula's guarantee lines, the regulatory amounts with their dates, and
 * five years of the contract's claims (every beneficiary: family patterns and duplicates across
 * people are fraud signals). Rejected claims are left out: they consumed nothing.
 */

export type ClaimContext = Omit<AdjudicationInput, "claim">;

const HISTORY_YEARS = 5;

/** The context for `beneficiaryId` on `contractId`, or null when that person is not on that contract. */
export async function loadClaimContext(db: DbOrTx, input: { contractId: string; beneficiaryId: string; now: Date }): Promise<ClaimContext | null> {
  const [row] = await db
    .select({ person: persons, contract: contracts, formula: formulas })
    .from(persons)
    .innerJoin(contracts, eq(contracts.id, persons.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .where(and(eq(persons.id, input.beneficiaryId), eq(persons.contractId, input.contractId)))
    .limit(1);
  if (!row) return null;
  const since = new Date(input.now);
  since.setUTCFullYear(since.getUTCFullYear() - HISTORY_YEARS);

  // One after the other: inside a transaction they share one connection.
  const lines = await db.select().from(guaranteeLines).where(eq(guaranteeLines.formulaId, row.formula.id)).orderBy(asc(guaranteeLines.sortOrder));
  const regulatory = await db.select().from(regulatoryParameters).orderBy(asc(regulatoryParameters.key), asc(regulatoryParameters.validFrom));
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
  const family = await db.select({ id: persons.id }).from(persons).where(eq(persons.contractId, input.contractId));

  const claimIds = [...new Set(history.map((h) => h.claimId))];
  const hashes = new Map<string, string[]>();
  if (claimIds.length > 0) {
    const docs = await db
      .select({ claimId: claimDocuments.claimId, fileHash: claimDocuments.fileHash })
      .from(claimDocuments)
      .where(inArray(claimDocuments.claimId, claimIds));
    for (const d of docs) hashes.set(d.claimId, [...(hashes.get(d.claimId) ?? []), d.fileHash]);
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
    lines: lines.map(
      (l): GuaranteeLine => ({
        category: l.category as GuaranteeLine["category"],
        label: l.label,
        basis: l.basis,
        ratePct: l.ratePct,
        amountCents: l.amountCents,
        maxCount: l.maxCount,
        maxDays: l.maxDays,
        ceilingCents: l.ceilingCents,
        periodMonths: l.periodMonths,
      }),
    ),
  };
  return {
    beneficiary,
    formula,
    regulatory: regulatory.map((r): RegulatoryParameter => ({ key: r.key, valueCents: r.valueCents, validFrom: r.validFrom, validTo: r.validTo })),
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
        fileHashes: hashes.get(h.claimId) ?? [],
        receivedAt: h.receivedAt,
      }),
    ),
    contractBeneficiaryIds: family.map((f) => f.id),
  };
}
