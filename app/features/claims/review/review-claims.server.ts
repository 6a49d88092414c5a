import { and, asc, count, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { maskIbanHint, maskNirHint } from "~/platform/identifiers/identifiers";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { config } from "~/platform/config/env.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { claimDocuments, claimEvents, claimLines, claims, contracts, formulas, persons, users } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { INSURER } from "~/ui/insurer";
import { type ClaimStatus } from "../member/claim-mail";
import { adjudicateClaim } from "../engine/adjudication";
import { loadClaimContext } from "../engine/claim-context.server";
import { decryptDocumentContent } from "../member/documents.server";
import { AGE_FILTERS, type AgeFilter, MISSING_DOCUMENTS, type MissingDocument } from "./staff-schemas";
import { recordClaimEvent } from "../member/submit-claim.server";
import type { Channel, ClaimLineInput, LineValuation, ReviewReason } from "../engine/types";
import { formatEuros } from "~/platform/format/euros";

/*
 * Staff review of claims the engine did not settle on its own: the queue, the detail a handler
 * decides on (beneficiary with masked identifiers, lines with the engine's trace, fraud signals,
 * documents), and the four decisions — approve, adjust a line, return for a missing document,
 * reject. Every decision locks the claim row, checks the status it starts from, writes the claim,
 * the timeline event, the member's e-mail and the audit entry in one transaction.
 */

export class ReviewError extends Error {
  constructor(
    readonly code: "not-found" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "ReviewError";
  }
}

export function isReviewError(err: unknown): err is ReviewError {
  return err instanceof ReviewError;
}

/** Statuses a handler can still decide on: waiting for them, or for a document from the member. */
const OPEN_STATUSES = ["REVIEW", "RETURNED"] as const satisfies readonly ClaimStatus[];
type OpenStatus = (typeof OPEN_STATUSES)[number];
const isOpen = (status: ClaimStatus): status is OpenStatus => (OPEN_STATUSES as readonly string[]).includes(status);

export type QueueFilters = {
  status?: OpenStatus;
  reason?: string;
  age?: AgeFilter;
  minAmountCents?: number;
  maxAmountCents?: number;
  page: number;
  pageSize: number;
};

export type QueueItem = {
  id: string;
  number: string;
  status: OpenStatus;
  channel: Channel;
  receivedAt: Date;
  realCostCents: number;
  amcCents: number;
  fraudScore: number;
  reasons: ReviewReason[];
  beneficiaryName: string;
};

const HOUR = 3_600_000;

function queueConditions(filters: QueueFilters, now: Date): SQL[] {
  const conditions: SQL[] = [inArray(claims.status, filters.status ? [filters.status] : [...OPEN_STATUSES])];
  if (filters.reason) {
    conditions.push(sql`${claims.reviewReasons} @> ${JSON.stringify([{ code: filters.reason }])}::jsonb`);
  }
  if (filters.age) {
    const { minHours, maxHours } = AGE_FILTERS[filters.age];
    conditions.push(lte(claims.receivedAt, new Date(now.getTime() - minHours * HOUR)));
    if (maxHours !== null) conditions.push(gte(claims.receivedAt, new Date(now.getTime() - maxHours * HOUR)));
  }
  if (filters.minAmountCents !== undefined) conditions.push(gte(claims.realCostCents, filters.minAmountCents));
  if (filters.maxAmountCents !== undefined) conditions.push(lte(claims.realCostCents, filters.maxAmountCents));
  return conditions;
}

/** The queue, oldest first (first in, first decided), one page at a time. */
export async function listReviewQueue(
  db: DbOrTx,
  filters: QueueFilters,
  now: Date,
): Promise<{ items: QueueItem[]; hasNextPage: boolean; total: number; counts: Record<OpenStatus, number> }> {
  const where = and(...queueConditions(filters, now));
  const [rows, [totalRow], perStatus] = await Promise.all([
    db
      .select({
        id: claims.id,
        number: claims.number,
        status: claims.status,
        channel: claims.channel,
        receivedAt: claims.receivedAt,
        realCostCents: claims.realCostCents,
        amcCents: claims.amcCents,
        fraudScore: claims.fraudScore,
        reasons: claims.reviewReasons,
        firstName: persons.firstName,
        lastName: persons.lastName,
      })
      .from(claims)
      .innerJoin(persons, eq(persons.id, claims.beneficiaryId))
      .where(where)
      .orderBy(asc(claims.receivedAt), asc(claims.number))
      .limit(filters.pageSize + 1)
      .offset((filters.page - 1) * filters.pageSize),
    db.select({ n: count() }).from(claims).where(where),
    db
      .select({ status: claims.status, n: count() })
      .from(claims)
      .where(inArray(claims.status, [...OPEN_STATUSES]))
      .groupBy(claims.status),
  ]);
  const counts: Record<OpenStatus, number> = { REVIEW: 0, RETURNED: 0 };
  for (const row of perStatus) if (isOpen(row.status)) counts[row.status] = Number(row.n);
  return {
    items: rows.slice(0, filters.pageSize).map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status as OpenStatus,
      channel: r.channel,
      receivedAt: r.receivedAt,
      realCostCents: r.realCostCents,
      amcCents: r.amcCents,
      fraudScore: r.fraudScore,
      reasons: r.reasons,
      beneficiaryName: `${r.firstName} ${r.lastName}`,
    })),
    hasNextPage: rows.length > filters.pageSize,
    total: Number(totalRow?.n ?? 0),
    counts,
  };
}

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

/** Bascule may never pay more for a line than what the member paid and the Sécu did not. */
function maxLineAmcCents(input: ClaimLineInput): number {
  const secuPaid = input.secu.covered ? input.secu.paidCents : 0;
  return Math.max(0, input.realCostCents - secuPaid);
}

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
      .select({ line: claimLines, adjustedBy: users.email })
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

export type DecisionContext = { actor: Actor & { userId: string }; ipHash: string | null; now: Date };

const STATUS_FROM_LABEL: Record<ClaimStatus, string> = {
  SUBMITTED: "reçue",
  CHECKED: "vérifiée",
  REVIEW: "en examen",
  VALUATED: "déjà acceptée",
  PAID: "déjà payée",
  REJECTED: "déjà refusée",
  RETURNED: "en attente d’un justificatif",
};

/** Locks the claim row for the decision and checks it can still be decided on. */
async function lockOpenClaim(tx: DbOrTx, claimId: string, allowed: readonly ClaimStatus[] = OPEN_STATUSES) {
  const [claim] = await tx
    .select({
      id: claims.id,
      number: claims.number,
      status: claims.status,
      contractId: claims.contractId,
      beneficiaryId: claims.beneficiaryId,
      channel: claims.channel,
      receivedAt: claims.receivedAt,
    })
    .from(claims)
    .where(eq(claims.id, claimId))
    .for("update");
  if (!claim) throw new ReviewError("not-found", "Cette demande de remboursement est introuvable.");
  if (!allowed.includes(claim.status)) {
    throw new ReviewError("conflict", `Cette demande est ${STATUS_FROM_LABEL[claim.status]} : cette action n’est plus possible.`);
  }
  return claim;
}

async function audit(tx: DbOrTx, ctx: DecisionContext, action: string, number: string, details: Record<string, unknown>) {
  await appendAudit(
    tx,
    { actor: ctx.actor, action, outcome: "success", targetType: "claim", targetId: number, ipHash: ctx.ipHash, details },
    ctx.now,
  );
}

/**
 * Key in the figures of a claim received without them (an e-mail claim: DATA_ENTRY_REQUIRED),
 * read by the handler from its documents. The engine values the line exactly as for an online
 * claim — beneficiary locked, same checks, same signals — and its reasons replace the data-entry
 * one. The claim stays with the handler, who then approves, adjusts, returns or rejects it.
 */
export async function keyInClaimLine(
  db: Db,
  input: { claimId: string; line: ClaimLineInput; invoiceNumber: string | null },
  ctx: DecisionContext,
): Promise<{ number: string; decision: "AUTO_SETTLE" | "REVIEW"; amcCents: number }> {
  return db.transaction(async (tx) => {
    const claim = await lockOpenClaim(tx, input.claimId);
    const [existing] = await tx.select({ n: count() }).from(claimLines).where(eq(claimLines.claimId, input.claimId));
    if (Number(existing?.n ?? 0) > 0)
      throw new ReviewError("conflict", "Les montants de cette demande sont déjà saisis : ajustez une ligne si besoin.");
    // As in submitClaim: two claims of one person are valued one after the other (shared ceilings).
    await tx.select({ id: persons.id }).from(persons).where(eq(persons.id, claim.beneficiaryId)).for("update");
    const fileHashes = (
      await tx.select({ hash: claimDocuments.fileHash }).from(claimDocuments).where(eq(claimDocuments.claimId, input.claimId))
    ).map((d) => d.hash);
    const context = await loadClaimContext(tx, { contractId: claim.contractId, beneficiaryId: claim.beneficiaryId, now: ctx.now, fileHashes });
    if (!context) throw new ReviewError("not-found", "Le bénéficiaire de cette demande n’est plus rattaché au contrat.");
    const result = adjudicateClaim(
      {
        ...context,
        claim: {
          channel: claim.channel,
          receivedAt: claim.receivedAt,
          invoiceNumber: input.invoiceNumber,
          fileHashes,
          lines: [input.line],
        },
      },
      ctx.now,
    );
    const valuation = result.lines[0]!;
    await tx.insert(claimLines).values({
      claimId: input.claimId,
      lineNo: 1,
      input: input.line,
      category: input.line.category,
      careDate: input.line.careDate,
      realCostCents: input.line.realCostCents,
      valuation,
      amcCents: valuation.amcCents,
      guaranteeCategory: valuation.guaranteeCategory,
      status: valuation.status,
    });
    await tx
      .update(claims)
      .set({
        ...result.totals,
        fraudScore: result.fraudScore,
        reviewReasons: result.reasons,
        invoiceNumber: input.invoiceNumber,
        updatedAt: ctx.now,
      })
      .where(eq(claims.id, input.claimId));
    await recordClaimEvent(tx, {
      claimId: input.claimId,
      status: claim.status,
      at: ctx.now,
      actor: ctx.actor,
      note: "Montants saisis par un gestionnaire à partir des justificatifs.",
      notify: false,
    });
    await audit(tx, ctx, "claims.review.keyed-in", claim.number, {
      category: input.line.category,
      realCostCents: input.line.realCostCents,
      amcCents: result.totals.amcCents,
      decision: result.decision,
      fraudScore: result.fraudScore,
      reasons: result.reasons.map((r) => r.code),
    });
    return { number: claim.number, decision: result.decision, amcCents: result.totals.amcCents };
  });
}

/** Approve: the claim is accepted with its current amounts (adjusted lines included) and goes to payment. */
export async function approveClaim(db: Db, claimId: string, ctx: DecisionContext): Promise<{ number: string }> {
  return db.transaction(async (tx) => {
    const claim = await lockOpenClaim(tx, claimId);
    const [lineCount] = await tx.select({ n: count() }).from(claimLines).where(eq(claimLines.claimId, claimId));
    if (Number(lineCount?.n ?? 0) === 0) {
      throw new ReviewError("conflict", "Cette demande n’a aucune ligne de soins valorisée : saisissez d’abord les montants.");
    }
    const [updated] = await tx
      .update(claims)
      .set({ status: "VALUATED", decidedAt: ctx.now, decidedByUserId: ctx.actor.userId, updatedAt: ctx.now })
      .where(eq(claims.id, claimId))
      .returning({ amcCents: claims.amcCents });
    await recordClaimEvent(tx, {
      claimId,
      status: "VALUATED",
      at: ctx.now,
      actor: ctx.actor,
      note: "Demande acceptée par un gestionnaire.",
    });
    await audit(tx, ctx, "claims.review.approved", claim.number, { from: claim.status, amcCents: updated!.amcCents });
    return { number: claim.number };
  });
}

/**
 * Adjust Bascule's share of one line, with a reason: bounded by 0 and the real cost minus what the
 * Sécu paid; the claim's totals are recomputed from every line. The member is told the new amount.
 */
export async function adjustClaimLine(
  db: Db,
  input: { claimId: string; lineNo: number; amcCents: number; reason: string },
  ctx: DecisionContext,
): Promise<{ number: string; previousCents: number }> {
  return db.transaction(async (tx) => {
    const claim = await lockOpenClaim(tx, input.claimId);
    const lines = await tx.select().from(claimLines).where(eq(claimLines.claimId, input.claimId)).orderBy(asc(claimLines.lineNo));
    const line = lines.find((l) => l.lineNo === input.lineNo);
    if (!line) throw new ReviewError("not-found", "Cette ligne de soins est introuvable.");
    const max = maxLineAmcCents(line.input);
    if (!Number.isSafeInteger(input.amcCents) || input.amcCents < 0 || input.amcCents > max) {
      throw new ReviewError("invalid", `Le montant doit être compris entre 0 et ${formatEuros(max)} (coût réel moins la part Sécu).`);
    }
    const previousCents = line.adjustedAmcCents ?? line.amcCents;
    await tx
      .update(claimLines)
      .set({ adjustedAmcCents: input.amcCents, adjustmentReason: input.reason, adjustedByUserId: ctx.actor.userId, adjustedAt: ctx.now })
      .where(eq(claimLines.id, line.id));
    const amcCents = lines.reduce((sum, l) => sum + (l.id === line.id ? input.amcCents : (l.adjustedAmcCents ?? l.amcCents)), 0);
    const [claimRow] = await tx
      .update(claims)
      .set({
        amcCents,
        resteAChargeCents: sql`greatest(0, ${claims.realCostCents} - ${claims.amoPaidCents} - ${amcCents})`,
        updatedAt: ctx.now,
      })
      .where(eq(claims.id, input.claimId))
      .returning({ realCostCents: claims.realCostCents });
    const note = `Montant Bascule de la ligne ${input.lineNo} revu par un gestionnaire : ${formatEuros(input.amcCents)} au lieu de ${formatEuros(previousCents)}. Motif : ${input.reason}`;
    // The claim stays under review: the timeline records the step, the member gets a dedicated e-mail.
    await recordClaimEvent(tx, { claimId: input.claimId, status: claim.status, at: ctx.now, actor: ctx.actor, note, notify: false });
    await mailAdjustment(
      tx,
      { claimId: input.claimId, number: claim.number, contractId: claim.contractId, note, totalCents: amcCents },
      ctx.now,
    );
    await audit(tx, ctx, "claims.review.line-adjusted", claim.number, {
      lineNo: input.lineNo,
      fromCents: previousCents,
      toCents: input.amcCents,
      engineCents: line.amcCents,
      claimAmcCents: amcCents,
      realCostCents: claimRow!.realCostCents,
    });
    return { number: claim.number, previousCents };
  });
}

async function mailAdjustment(
  tx: DbOrTx,
  input: { claimId: string; number: string; contractId: string; note: string; totalCents: number },
  now: Date,
): Promise<void> {
  const [member] = await tx
    .select({ personEmail: persons.email, accountEmail: users.email })
    .from(persons)
    .leftJoin(users, and(eq(users.personId, persons.id), eq(users.status, "ACTIVE")))
    .where(and(eq(persons.contractId, input.contractId), eq(persons.role, "MEMBER")))
    .limit(1);
  const to = member?.accountEmail ?? member?.personEmail;
  if (!to) return;
  const link = `${config().publicOrigin}/espace/remboursements/${input.number}`;
  await enqueueMail(
    tx,
    {
      to,
      subject: `Demande de remboursement ${input.number} : montant revu`,
      text:
        `Bonjour,\n\nUn gestionnaire examine votre demande de remboursement n° ${input.number}.\n${input.note}\n` +
        `Bascule vous remboursera ${formatEuros(input.totalCents)} pour cette demande une fois son examen terminé ; nous vous écrirons alors.\n\n` +
        `Le détail de votre demande : ${link}\n\nUne question ? Appelez-nous au ${INSURER.phone} (${INSURER.phoneHours}).\n` +
        "Bascule ne vous demandera jamais vos coordonnées bancaires ni votre mot de passe par e-mail.\n\n" +
        `${INSURER.tagline}`,
      template: "claims.adjusted",
    },
    now,
  );
}

/** Return to the member: a document is missing; the claim waits for it (RETURNED). */
export async function returnClaim(
  db: Db,
  input: { claimId: string; missing: MissingDocument; message: string | null },
  ctx: DecisionContext,
): Promise<{ number: string }> {
  return db.transaction(async (tx) => {
    const claim = await lockOpenClaim(tx, input.claimId, ["REVIEW"]);
    const reason = `Document manquant : ${MISSING_DOCUMENTS[input.missing]}.${input.message ? ` ${input.message}` : ""}`;
    await tx.update(claims).set({ status: "RETURNED", returnReason: reason, updatedAt: ctx.now }).where(eq(claims.id, input.claimId));
    await recordClaimEvent(tx, { claimId: input.claimId, status: "RETURNED", at: ctx.now, actor: ctx.actor, note: reason, reason });
    await audit(tx, ctx, "claims.review.returned", claim.number, { missing: input.missing });
    return { number: claim.number };
  });
}

/** Reject with a reason: every line is rejected, nothing is paid. */
export async function rejectClaim(db: Db, input: { claimId: string; reason: string }, ctx: DecisionContext): Promise<{ number: string }> {
  return db.transaction(async (tx) => {
    const claim = await lockOpenClaim(tx, input.claimId);
    await tx.update(claimLines).set({ status: "REJECTED" }).where(eq(claimLines.claimId, input.claimId));
    await tx
      .update(claims)
      .set({
        status: "REJECTED",
        rejectReason: input.reason,
        amcCents: 0,
        resteAChargeCents: sql`greatest(0, ${claims.realCostCents} - ${claims.amoPaidCents})`,
        decidedAt: ctx.now,
        decidedByUserId: ctx.actor.userId,
        updatedAt: ctx.now,
      })
      .where(eq(claims.id, input.claimId));
    await recordClaimEvent(tx, {
      claimId: input.claimId,
      status: "REJECTED",
      at: ctx.now,
      actor: ctx.actor,
      note: `Demande refusée. Motif : ${input.reason}`,
      reason: input.reason,
    });
    await audit(tx, ctx, "claims.review.rejected", claim.number, { from: claim.status });
    return { number: claim.number };
  });
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
