import { and, asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { maskIbanHint, maskNirHint } from "~/platform/identifiers/identifiers";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { claimDocuments, claimEvents, claimLines, claims, contracts, formulas, persons, users } from "~/platform/db/schema";
import { type ClaimStatus } from "../member/claim-mail";
import { decryptDocumentContent } from "../member/documents.server";
import type { Channel, ClaimLineInput, LineValuation, ReviewReason } from "../engine/types";
import { isOpen, maxLineAmcCents } from "./review-status";

/*
 * What a handler decides on: the claim with its beneficiary (masked identifiers), contract, lines
 * with the engine's trace, fraud signals, documents and timeline; and a document of it, decrypted
 * on demand with the access audited.
 */

export type ReviewLine = {
  lineNo: number;
  input: ClaimLineInput;
  valuation: LineValuation;
  engineAmcCents: number;
  /** What Bascule pays for this line: the adjustment when there is one. */
  amcCents: number;
  /** Upper bound of an adjustment: real cost minus what the Sécu paid. */
  maxAmcCents: number;
  status: string;
  adjustment: { amcCents: number; reason: string; by: string | null; at: Date } | null;
};

export type ClaimReview = {
  id: string;
  number: string;
  status: ClaimStatus;
  channel: Channel;
  receivedAt: Date;
  decidedAt: Date | null;
  paidAt: Date | null;
  fraudScore: number;
  reasons: ReviewReason[];
  invoiceNumber: string | null;
  totals: { realCostCents: number; amoPaidCents: number; amcCents: number; resteAChargeCents: number };
  returnReason: string | null;
  rejectReason: string | null;
  beneficiary: {
    id: string;
    name: string;
    role: "MEMBER" | "SPOUSE" | "CHILD";
    birthDate: string;
    /** Masked NIR, or how a child covered on a parent's number is identified. */
    nir: string;
    coveredFrom: string;
    coveredTo: string | null;
    c2s: boolean;
  };
  contract: { number: string; formula: string; startDate: string; iban: string | null; ibanChangedAt: Date | null };
  lines: ReviewLine[];
  documents: {
    id: string;
    kind: "INVOICE" | "SECU_STATEMENT" | "OTHER";
    fileName: string;
    mimeType: string;
    sizeBytes: number;
    createdAt: Date;
  }[];
  events: { at: Date; status: ClaimStatus; actorLabel: string; note: string | null }[];
  decidable: boolean;
};


export async function loadClaimReview(db: DbOrTx, number: string): Promise<ClaimReview | null> {
  const holder = alias(persons, "holder");
  const [row] = await db
    .select({
      claim: claims,
      beneficiary: {
        id: persons.id,
        firstName: persons.firstName,
        lastName: persons.lastName,
        role: persons.role,
        birthDate: persons.birthDate,
        nirHint: persons.nirHint,
        birthRank: persons.birthRank,
        coveredFrom: persons.coveredFrom,
        coveredTo: persons.coveredTo,
        c2s: persons.c2s,
      },
      holder: { firstName: holder.firstName, lastName: holder.lastName },
      contract: {
        number: contracts.number,
        startDate: contracts.startDate,
        ibanHint: contracts.ibanHint,
        ibanChangedAt: contracts.ibanChangedAt,
      },
      formula: { code: formulas.code, name: formulas.name },
    })
    .from(claims)
    .innerJoin(persons, eq(persons.id, claims.beneficiaryId))
    .leftJoin(holder, eq(holder.id, persons.nirHolderPersonId))
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .where(eq(claims.number, number));
  if (!row) return null;
  const c = row.claim;
  const [lines, documents, events] = await Promise.all([
    db
      .select({ line: claimLines, adjustedBy: users.displayName })
      .from(claimLines)
      .leftJoin(users, eq(users.id, claimLines.adjustedByUserId))
      .where(eq(claimLines.claimId, c.id))
      .orderBy(asc(claimLines.lineNo)),
    db
      .select({
        id: claimDocuments.id,
        kind: claimDocuments.kind,
        fileName: claimDocuments.fileName,
        mimeType: claimDocuments.mimeType,
        sizeBytes: claimDocuments.sizeBytes,
        createdAt: claimDocuments.createdAt,
      })
      .from(claimDocuments)
      .where(eq(claimDocuments.claimId, c.id))
      .orderBy(asc(claimDocuments.createdAt), asc(claimDocuments.fileName)),
    db
      .select({ at: claimEvents.at, status: claimEvents.status, actorLabel: claimEvents.actorLabel, note: claimEvents.note })
      .from(claimEvents)
      .where(eq(claimEvents.claimId, c.id))
      .orderBy(asc(claimEvents.at)),
  ]);
  const b = row.beneficiary;
  const nir = b.nirHint
    ? maskNirHint(b.nirHint)
    : row.holder
      ? `Rattaché au NIR de ${row.holder.firstName} ${row.holder.lastName}${b.birthRank ? ` (rang ${b.birthRank})` : ""}`
      : "—";
  return {
    id: c.id,
    number: c.number,
    status: c.status,
    channel: c.channel,
    receivedAt: c.receivedAt,
    decidedAt: c.decidedAt,
    paidAt: c.paidAt,
    fraudScore: c.fraudScore,
    reasons: c.reviewReasons,
    invoiceNumber: c.invoiceNumber,
    totals: { realCostCents: c.realCostCents, amoPaidCents: c.amoPaidCents, amcCents: c.amcCents, resteAChargeCents: c.resteAChargeCents },
    returnReason: c.returnReason,
    rejectReason: c.rejectReason,
    beneficiary: {
      id: b.id,
      name: `${b.firstName} ${b.lastName}`,
      role: b.role,
      birthDate: b.birthDate,
      nir,
      coveredFrom: b.coveredFrom,
      coveredTo: b.coveredTo,
      c2s: b.c2s,
    },
    contract: {
      number: row.contract.number,
      formula: `${row.formula.code} ${row.formula.name}`,
      startDate: row.contract.startDate,
      iban: row.contract.ibanHint ? maskIbanHint(row.contract.ibanHint) : null,
      ibanChangedAt: row.contract.ibanChangedAt,
    },
    lines: lines.map(({ line, adjustedBy }) => ({
      lineNo: line.lineNo,
      input: line.input,
      valuation: line.valuation,
      engineAmcCents: line.amcCents,
      amcCents: line.adjustedAmcCents ?? line.amcCents,
      maxAmcCents: maxLineAmcCents(line.input),
      status: line.status,
      adjustment:
        line.adjustedAmcCents !== null && line.adjustedAt
          ? { amcCents: line.adjustedAmcCents, reason: line.adjustmentReason ?? "", by: adjustedBy, at: line.adjustedAt }
          : null,
    })),
    documents,
    events,
    decidable: isOpen(c.status),
  };
}

/**
 * A claim's document for a staff member: decrypted on demand, the access audited in the same
 * transaction (no audit entry, no document). Null when the document is not this claim's.
 */
export async function readClaimDocumentForStaff(
  db: Db,
  input: { number: string; documentId: string },
  ctx: { actor: Actor; ipHash: string | null; now: Date },
): Promise<{ fileName: string; mimeType: string; bytes: Buffer } | null> {
  return db.transaction(async (tx) => {
    const [doc] = await tx
      .select({
        fileName: claimDocuments.fileName,
        mimeType: claimDocuments.mimeType,
        kind: claimDocuments.kind,
        contentEnc: claimDocuments.contentEnc,
      })
      .from(claimDocuments)
      .innerJoin(claims, eq(claims.id, claimDocuments.claimId))
      .where(and(eq(claimDocuments.id, input.documentId), eq(claims.number, input.number)));
    if (!doc) return null;
    const bytes = decryptDocumentContent(doc.contentEnc);
    await appendAudit(
      tx,
      {
        actor: ctx.actor,
        action: "claims.document.downloaded",
        outcome: "success",
        targetType: "claim",
        targetId: input.number,
        ipHash: ctx.ipHash,
        details: { documentId: input.documentId, kind: doc.kind, sizeBytes: bytes.length },
      },
      ctx.now,
    );
    return { fileName: doc.fileName, mimeType: doc.mimeType, bytes };
  });
}
