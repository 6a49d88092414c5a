import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { config } from "~/platform/config/env.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { claimEvents, claimLines, claims, persons, users } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { adjudicateClaim } from "../engine/adjudication";
import { loadClaimContext } from "../engine/claim-context.server";
import type { ClaimReferenceData } from "../engine/reference-data.server";
import { type ClaimStatus, claimStatusMail } from "./claim-mail";
import { formatClaimNumber } from "./claim-number";
import type { InspectedDocument } from "./documents";
import { documentFileHash, storeClaimDocuments } from "./documents.server";
import type { AdjudicationResult, Channel, ClaimLineInput, ReviewReason } from "../engine/types";
import { memberAddress } from "~/platform/crypto/personal-data.server";

/*
 * Recording a claim, whatever its channel: the beneficiary's row is locked so that two claims of
 * the same person are valued one after the other (both cannot consume the same ceiling), the
 * engine decides, and the claim, its lines, documents, timeline, audit entry and the member's
 * e-mail are written in the caller's transaction. Automatic processing settles or sends to a
 * handler; it never rejects.
 */

export class ClaimError extends Error {
  constructor(
    readonly code: "beneficiary-not-found",
    message: string,
  ) {
    super(message);
    this.name = "ClaimError";
  }
}

/** Label of the engine in timelines and the audit log. */
const AUTOMATIC_ACTOR: Actor = { userId: null, label: "Traitement automatique" };

export type SubmitClaimInput = {
  channel: Channel;
  contractId: string;
  beneficiaryId: string;
  submittedByUserId: string | null;
  /** Who files it, for the timeline and the audit log (the member, a handler, "system" for e-mail). */
  actor: Actor;
  /** Null for an e-mail claim whose figures a handler must key in. */
  lines: ClaimLineInput[] | null;
  invoiceNumber: string | null;
  documents: readonly InspectedDocument[];
  receivedAt: Date;
  now: Date;
  /** Shown in the timeline next to the reception (French). */
  note?: string;
  ipHash?: string | null;
  /** Online filing only (see fileClaimOnline). */
  idempotencyKey?: string;
  payloadHash?: string;
  /** E-mail the member about the outcome (default true); the e-mail intake sends its own acknowledgement. */
  notifyMember?: boolean;
  /** The engine's reference data when the caller has it (see reference-data.server.ts); read in the transaction otherwise. */
  reference?: ClaimReferenceData;
  /**
   * The caller has already locked the beneficiary's row FOR UPDATE in this transaction (online
   * filing does, to check its idempotency key under the lock): not locked a second time.
   */
  beneficiaryLocked?: boolean;
};

export type SubmittedClaim = { claimId: string; number: string; status: ClaimStatus; result: AdjudicationResult | null };

export const DATA_ENTRY_REQUIRED: ReviewReason = {
  code: "DATA_ENTRY_REQUIRED",
  message: "Les montants de la facture et du décompte sont à saisir par un gestionnaire.",
  weight: 0,
};

/**
 * The next claim number, taken from the shared sequence by the INSERT itself (no round trip of its
 * own): formatClaimNumber's prefix, and the sequence zero-padded to 7 digits, never truncated.
 */
function claimNumberFromSequence(receivedAt: Date) {
  const prefix = formatClaimNumber(receivedAt, 1).slice(0, -7);
  return sql<string>`(select ${prefix} || lpad(s.n::text, greatest(7, length(s.n::text)), '0') from (select nextval('claim_number_seq') as n) s)`;
}

/** Locks the beneficiary's row until the end of the transaction; false when not on that contract. */
async function lockBeneficiary(tx: DbOrTx, contractId: string, beneficiaryId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: persons.id })
    .from(persons)
    .where(and(eq(persons.id, beneficiaryId), eq(persons.contractId, contractId)))
    .for("update");
  return row !== undefined;
}

export async function submitClaim(tx: DbOrTx, input: SubmitClaimInput): Promise<SubmittedClaim> {
  if (!input.beneficiaryLocked && !(await lockBeneficiary(tx, input.contractId, input.beneficiaryId))) {
    throw new ClaimError("beneficiary-not-found", "Cette personne n’est pas couverte par ce contrat.");
  }
  const fileHashes = input.documents.map((d) => documentFileHash(d.bytes));

  let result: AdjudicationResult | null = null;
  let reasons: ReviewReason[] = [DATA_ENTRY_REQUIRED];
  let status: ClaimStatus = "REVIEW";
  if (input.lines !== null) {
    const context = await loadClaimContext(tx, { contractId: input.contractId, beneficiaryId: input.beneficiaryId, now: input.now, fileHashes, reference: input.reference });
    if (!context) throw new ClaimError("beneficiary-not-found", "Cette personne n’est pas couverte par ce contrat.");
    result = adjudicateClaim(
      { ...context, claim: { channel: input.channel, receivedAt: input.receivedAt, invoiceNumber: input.invoiceNumber, fileHashes, lines: input.lines } },
      input.now,
    );
    reasons = result.reasons;
    status = result.decision === "AUTO_SETTLE" ? "VALUATED" : "REVIEW";
  }

  const totals = result?.totals ?? { realCostCents: 0, amoPaidCents: 0, amcCents: 0, resteAChargeCents: 0 };
  const [claim] = await tx
    .insert(claims)
    .values({
      number: claimNumberFromSequence(input.receivedAt),
      contractId: input.contractId,
      beneficiaryId: input.beneficiaryId,
      submittedByUserId: input.submittedByUserId,
      channel: input.channel,
      status,
      fraudScore: result?.fraudScore ?? 0,
      reviewReasons: reasons,
      invoiceNumber: input.invoiceNumber,
      ...totals,
      receivedAt: input.receivedAt,
      decidedAt: status === "VALUATED" ? input.now : null,
      idempotencyKey: input.idempotencyKey ?? null,
      payloadHash: input.payloadHash ?? null,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning({ id: claims.id, number: claims.number });
  const claimId = claim!.id;
  const number = claim!.number;

  if (input.lines !== null && result !== null) {
    const valuations = result.lines;
    await tx.insert(claimLines).values(
      input.lines.map((line, i) => ({
        claimId,
        lineNo: i + 1,
        input: line,
        category: line.category,
        careDate: line.careDate,
        realCostCents: line.realCostCents,
        valuation: valuations[i]!,
        amcCents: valuations[i]!.amcCents,
        guaranteeCategory: valuations[i]!.guaranteeCategory,
        status: valuations[i]!.status,
      })),
    );
  }
  await storeClaimDocuments(tx, claimId, input.documents, input.now);

  // The three steps of an automatic decision are written at once; one e-mail, about the outcome.
  const steps: ClaimEventInput[] = [{ claimId, status: "SUBMITTED", at: input.receivedAt, actor: input.actor, note: input.note ?? null }];
  if (input.lines !== null) steps.push({ claimId, status: "CHECKED", at: input.now, actor: AUTOMATIC_ACTOR, note: "Contrôles automatiques effectués." });
  steps.push({
    claimId,
    status,
    at: input.now,
    actor: AUTOMATIC_ACTOR,
    note: status === "VALUATED" ? "Remboursement calculé et accepté automatiquement." : "Transmise à un gestionnaire pour examen.",
  });
  await insertClaimEvents(tx, steps);
  if (input.notifyMember !== false) await notifyMember(tx, { claimId, status, at: input.now });

  await appendAudit(
    tx,
    {
      actor: input.actor,
      action: "claims.submitted",
      outcome: "success",
      targetType: "claim",
      targetId: number,
      ipHash: input.ipHash ?? null,
      details: {
        channel: input.channel,
        status,
        lines: input.lines?.length ?? 0,
        documents: input.documents.length,
        fraudScore: result?.fraudScore ?? 0,
        reasons: reasons.map((r) => r.code),
        amcCents: totals.amcCents,
      },
    },
    input.now,
  );
  return { claimId, number, status, result };
}

export type ClaimEventInput = {
  claimId: string;
  status: ClaimStatus;
  at: Date;
  actor: Actor;
  /** Shown to the member in the timeline (French). */
  note?: string | null;
  /** E-mail the member about this status (default true); CHECKED never sends one. */
  notify?: boolean;
  /** For REJECTED and RETURNED: the reason given to the member (French). */
  reason?: string | null;
};

/**
 * Adds a step to a claim's timeline and, unless told otherwise, queues the member's e-mail about it,
 * in the caller's transaction. Staff decisions and payments call it after updating the claim.
 */
export async function recordClaimEvent(tx: DbOrTx, input: ClaimEventInput): Promise<void> {
  await insertClaimEvents(tx, [input]);
  if (input.notify !== false) await notifyMember(tx, input);
}

async function insertClaimEvents(tx: DbOrTx, events: readonly ClaimEventInput[]): Promise<void> {
  await tx.insert(claimEvents).values(
    events.map((e) => ({ claimId: e.claimId, at: e.at, status: e.status, actorUserId: e.actor.userId, actorLabel: e.actor.label, note: e.note ?? null })),
  );
}

async function notifyMember(tx: DbOrTx, input: { claimId: string; status: ClaimStatus; at: Date; reason?: string | null }): Promise<void> {
  const recipient = await claimRecipient(tx, input.claimId);
  if (!recipient) return;
  const mail = claimStatusMail({
    to: recipient.to,
    claimNumber: recipient.number,
    status: input.status,
    beneficiaryFirstName: recipient.beneficiaryFirstName,
    amcCents: recipient.amcCents,
    reason: input.reason ?? null,
    origin: config().publicOrigin,
  });
  if (mail) await enqueueMail(tx, mail, input.at);
}

/**
 * Who is told about a claim: the contract's member (subscriber) at their account's address, or the
 * address in their file when they have no account. Null when neither exists.
 */
async function claimRecipient(tx: DbOrTx, claimId: string) {
  const subscriber = alias(persons, "subscriber");
  const [row] = await tx
    .select({
      number: claims.number,
      amcCents: claims.amcCents,
      beneficiaryFirstName: persons.firstName,
      personEmailEnc: subscriber.emailEnc,
      accountEmailEnc: users.emailEnc,
    })
    .from(claims)
    .innerJoin(persons, eq(persons.id, claims.beneficiaryId))
    .leftJoin(subscriber, and(eq(subscriber.contractId, claims.contractId), eq(subscriber.role, "MEMBER")))
    .leftJoin(users, and(eq(users.personId, subscriber.id), eq(users.status, "ACTIVE")))
    .where(eq(claims.id, claimId))
    .limit(1);
  const to = row ? memberAddress(row) : null;
  if (!row || !to) return null;
  return { to, number: row.number, amcCents: row.amcCents, beneficiaryFirstName: row.beneficiaryFirstName };
}
