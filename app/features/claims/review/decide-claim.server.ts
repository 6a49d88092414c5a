import { and, asc, count, eq, sql } from "drizzle-orm";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { config } from "~/platform/config/env.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { claimDocuments, claimLines, claims, persons, users } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { INSURER } from "~/ui/insurer";
import { type ClaimStatus } from "../member/claim-mail";
import { adjudicateClaim } from "../engine/adjudication";
import { loadClaimContext } from "../engine/claim-context.server";
import { MISSING_DOCUMENTS, type MissingDocument } from "./staff-schemas";
import { recordClaimEvent } from "../member/submit-claim.server";
import type { ClaimLineInput } from "../engine/types";
import { formatEuros } from "~/platform/format/euros";
import { OPEN_STATUSES, maxLineAmcCents, ReviewError, STATUS_FROM_LABEL } from "./review-status";
import { memberAddress } from "~/platform/crypto/personal-data.server";

/*
 * The decisions on a claim under review — key in the figures of an e-mail claim, approve, adjust a
 * line, return for a missing document, reject. Every decision locks the claim row, checks the
 * status it starts from, writes the claim, the timeline event, the member's e-mail and the audit
 * entry in one transaction.
 */

export type DecisionContext = { actor: Actor & { userId: string }; ipHash: string | null; now: Date };

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
    .select({ personEmailEnc: persons.emailEnc, accountEmailEnc: users.emailEnc })
    .from(persons)
    .leftJoin(users, and(eq(users.personId, persons.id), eq(users.status, "ACTIVE")))
    .where(and(eq(persons.contractId, input.contractId), eq(persons.role, "MEMBER")))
    .limit(1);
  const to = member ? memberAddress(member) : null;
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
