import { createHash } from "node:crypto";
import type { SubmissionResult } from "@conform-to/react";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { appendAudit } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { parseForm } from "~/platform/http/form.server";
import { claimDocuments, claimEvents, claimLines, claims, persons } from "~/platform/db/schema";
import { adjudicateClaim } from "../engine/adjudication";
import { loadClaimContext } from "../engine/claim-context.server";
import type { ClaimStatus } from "./claim-mail";
import type { DocumentKind, InspectedDocument } from "./documents";
import { inspectUploadOffThread } from "./upload-inspection.server";
import { UploadRejected, contentSha256, decryptDocumentContent, readClaimForm } from "./documents.server";
import { type ClaimForm, claimFormSchema, idempotencyKeySchema } from "./schemas";
import { claimReferenceData } from "../engine/reference-data.server";
import { type SubmittedClaim, submitClaim } from "./submit-claim.server";
import { parisDateOf } from "~/platform/time/paris";

/*
 * The member side of claims: filing online (with an idempotency key, so double clicks, retries
 * and reloads make one claim), estimating without filing, and reading one's claims. Every query
 * starts from the signed-in member's own contract: another contract's claim is simply not found.
 */

export type MemberRef = { userId: string; displayName: string; personId: string };

/** The member's contract and the people it covers, for the form's beneficiary choice. */
export async function getMemberClaimSetup(db: Db, personId: string) {
  const [me] = await db.select({ contractId: persons.contractId }).from(persons).where(eq(persons.id, personId));
  if (!me) return null;
  const beneficiaries = await db
    .select({ id: persons.id, firstName: persons.firstName, lastName: persons.lastName, role: persons.role, birthDate: persons.birthDate })
    .from(persons)
    .where(eq(persons.contractId, me.contractId))
    .orderBy(asc(persons.role), asc(persons.birthDate));
  return { contractId: me.contractId, beneficiaries };
}

async function contractIdOf(db: Db, personId: string): Promise<string | null> {
  const [me] = await db.select({ contractId: persons.contractId }).from(persons).where(eq(persons.id, personId));
  return me?.contractId ?? null;
}

/** What was submitted under a key: the form's values and the files' contents, not their names. */
function claimPayloadHash(form: ClaimForm, files: readonly InspectedDocument[]): string {
  const canonical = JSON.stringify({
    beneficiaryId: form.beneficiaryId,
    invoiceNumber: form.invoiceNumber,
    line: Object.fromEntries(Object.entries(form.line).sort(([a], [b]) => a.localeCompare(b))),
    files: files.map((f) => [f.kind, contentSha256(f.bytes).toString("hex")]),
  });
  return createHash("sha256").update(canonical).digest("base64url");
}

export type FileClaimOutcome =
  | { kind: "created"; claim: SubmittedClaim }
  | { kind: "existing"; number: string }
  | { kind: "conflict"; number: string }
  | { kind: "beneficiary-not-found" };

function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

async function claimUnderKey(db: Db, userId: string, key: string) {
  const [row] = await db
    .select({ number: claims.number, payloadHash: claims.payloadHash })
    .from(claims)
    .where(and(eq(claims.submittedByUserId, userId), eq(claims.idempotencyKey, key)));
  return row ?? null;
}

function replay(existing: { number: string; payloadHash: string | null }, payloadHash: string): FileClaimOutcome {
  return existing.payloadHash === payloadHash ? { kind: "existing", number: existing.number } : { kind: "conflict", number: existing.number };
}

/**
 * Files a claim from the member form. The same key with the same payload gives back the claim
 * already filed; the same key with another payload is refused (a form reused after a change).
 */
export async function fileClaimOnline(
  db: Db,
  input: { member: MemberRef; idempotencyKey: string; form: ClaimForm; files: readonly InspectedDocument[]; now: Date; ipHash?: string | null },
): Promise<FileClaimOutcome> {
  const payloadHash = claimPayloadHash(input.form, input.files);
  // The member's contract and, in the same query, a claim already filed under this key (a retry).
  const [me] = await db
    .select({ contractId: persons.contractId, number: claims.number, payloadHash: claims.payloadHash })
    .from(persons)
    .leftJoin(claims, and(eq(claims.submittedByUserId, input.member.userId), eq(claims.idempotencyKey, input.idempotencyKey)))
    .where(eq(persons.id, input.member.personId))
    .limit(1);
  if (me?.number) return replay({ number: me.number, payloadHash: me.payloadHash }, payloadHash);
  const contractId = me?.contractId;
  if (!contractId) return { kind: "beneficiary-not-found" };
  const reference = await claimReferenceData(db);
  try {
    return await db.transaction(async (tx): Promise<FileClaimOutcome> => {
      // Same beneficiary, same lock as submitClaim (which is told not to take it again): a
      // parallel twin waits here, then finds the claim.
      const [locked] = await tx
        .select({ id: persons.id })
        .from(persons)
        .where(and(eq(persons.id, input.form.beneficiaryId), eq(persons.contractId, contractId)))
        .for("update");
      if (!locked) return { kind: "beneficiary-not-found" };
      const [twin] = await tx
        .select({ number: claims.number, payloadHash: claims.payloadHash })
        .from(claims)
        .where(and(eq(claims.submittedByUserId, input.member.userId), eq(claims.idempotencyKey, input.idempotencyKey)));
      if (twin) return replay(twin, payloadHash);
      const claim = await submitClaim(tx, {
        channel: "ONLINE",
        contractId,
        beneficiaryId: input.form.beneficiaryId,
        submittedByUserId: input.member.userId,
        actor: { userId: input.member.userId, label: input.member.displayName },
        lines: [input.form.line],
        invoiceNumber: input.form.invoiceNumber,
        documents: input.files,
        receivedAt: input.now,
        now: input.now,
        note: "Demande faite en ligne.",
        ipHash: input.ipHash ?? null,
        idempotencyKey: input.idempotencyKey,
        payloadHash,
        reference,
        beneficiaryLocked: true,
      });
      return { kind: "created", claim };
    });
  } catch (err) {
    // Two submissions under one key for different beneficiaries do not share a lock: the unique
    // index stops the second one.
    if (!isUniqueViolation(err)) throw err;
    const winner = await claimUnderKey(db, input.member.userId, input.idempotencyKey);
    if (!winner) throw err;
    return replay(winner, payloadHash);
  }
}

/** Values a claim as if it were filed now, without saving anything. */
export async function estimateClaim(db: Db, input: { personId: string; form: ClaimForm; now: Date }) {
  const contractId = await contractIdOf(db, input.personId);
  if (!contractId) return null;
  // An estimate has no documents: no duplicate file to look for.
  const context = await loadClaimContext(db, { contractId, beneficiaryId: input.form.beneficiaryId, now: input.now, fileHashes: [], reference: await claimReferenceData(db) });
  if (!context) return null;
  const result = adjudicateClaim(
    { ...context, claim: { channel: "ONLINE", receivedAt: input.now, invoiceNumber: input.form.invoiceNumber, fileHashes: [], lines: [input.form.line] } },
    input.now,
  );
  // The member sees the amounts and how they were computed, not the fraud rules' verdict.
  const [valuation] = result.lines;
  return {
    line: input.form.line,
    totals: result.totals,
    amoPaidCents: valuation?.amoPaidCents ?? 0,
    explanation: valuation?.explanation ?? "",
  };
}

export type ClaimEventView = { at: Date; status: ClaimStatus; note: string | null };

/** The member's claims, all beneficiaries of the contract, newest first, with their timelines. */
export async function listMemberClaims(db: Db, personId: string, limit = 100) {
  const contractId = await contractIdOf(db, personId);
  if (!contractId) return [];
  const rows = await db
    .select({
      id: claims.id,
      number: claims.number,
      status: claims.status,
      channel: claims.channel,
      receivedAt: claims.receivedAt,
      realCostCents: claims.realCostCents,
      amoPaidCents: claims.amoPaidCents,
      amcCents: claims.amcCents,
      resteAChargeCents: claims.resteAChargeCents,
      beneficiaryFirstName: persons.firstName,
      beneficiaryLastName: persons.lastName,
    })
    .from(claims)
    .innerJoin(persons, eq(persons.id, claims.beneficiaryId))
    .where(eq(claims.contractId, contractId))
    .orderBy(desc(claims.receivedAt), desc(claims.number))
    .limit(limit);
  if (rows.length === 0) return [];
  const [events, lines] = await Promise.all([
    db
      .select({ claimId: claimEvents.claimId, at: claimEvents.at, status: claimEvents.status, note: claimEvents.note })
      .from(claimEvents)
      .where(
        inArray(
          claimEvents.claimId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(claimEvents.at), asc(claimEvents.id)),
    db
      .select({ claimId: claimLines.claimId, category: claimLines.category, careDate: claimLines.careDate, input: claimLines.input })
      .from(claimLines)
      .where(
        inArray(
          claimLines.claimId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(claimLines.lineNo)),
  ]);
  const eventsOf = new Map<string, ClaimEventView[]>();
  for (const e of events) eventsOf.set(e.claimId, [...(eventsOf.get(e.claimId) ?? []), { at: e.at, status: e.status, note: e.note }]);
  const firstLine = new Map<string, { category: string; careDate: string; providerName: string }>();
  for (const l of lines) if (!firstLine.has(l.claimId)) firstLine.set(l.claimId, { category: l.category, careDate: l.careDate, providerName: l.input.providerName });
  return rows.map(({ id, ...r }) => ({ ...r, care: firstLine.get(id) ?? null, timeline: sortTimeline(eventsOf.get(id) ?? []) }));
}

/** Events recorded in one transaction share a timestamp: keep the lifecycle's order among them. */
const STATUS_ORDER: Record<ClaimStatus, number> = { SUBMITTED: 0, CHECKED: 1, REVIEW: 2, RETURNED: 3, VALUATED: 4, REJECTED: 5, PAID: 6 };
function sortTimeline(events: ClaimEventView[]): ClaimEventView[] {
  return [...events].sort((a, b) => a.at.getTime() - b.at.getTime() || STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

/** One claim of the member's contract, or null (another contract's claim included). */
export async function getMemberClaim(db: Db, personId: string, number: string) {
  const contractId = await contractIdOf(db, personId);
  if (!contractId) return null;
  const [claim] = await db
    .select({
      id: claims.id,
      number: claims.number,
      status: claims.status,
      channel: claims.channel,
      receivedAt: claims.receivedAt,
      decidedAt: claims.decidedAt,
      paidAt: claims.paidAt,
      invoiceNumber: claims.invoiceNumber,
      realCostCents: claims.realCostCents,
      amoPaidCents: claims.amoPaidCents,
      amcCents: claims.amcCents,
      resteAChargeCents: claims.resteAChargeCents,
      returnReason: claims.returnReason,
      rejectReason: claims.rejectReason,
      beneficiaryFirstName: persons.firstName,
      beneficiaryLastName: persons.lastName,
    })
    .from(claims)
    .innerJoin(persons, eq(persons.id, claims.beneficiaryId))
    .where(and(eq(claims.number, number), eq(claims.contractId, contractId)));
  if (!claim) return null;
  const [lines, documents, events] = await Promise.all([
    db.select().from(claimLines).where(eq(claimLines.claimId, claim.id)).orderBy(asc(claimLines.lineNo)),
    db
      .select({ id: claimDocuments.id, kind: claimDocuments.kind, fileName: claimDocuments.fileName, sizeBytes: claimDocuments.sizeBytes })
      .from(claimDocuments)
      .where(eq(claimDocuments.claimId, claim.id))
      .orderBy(asc(claimDocuments.createdAt), asc(claimDocuments.kind)),
    db
      .select({ at: claimEvents.at, status: claimEvents.status, note: claimEvents.note })
      .from(claimEvents)
      .where(eq(claimEvents.claimId, claim.id))
      .orderBy(asc(claimEvents.at)),
  ]);
  return {
    ...claim,
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      input: l.input,
      status: l.status,
      amcCents: l.adjustedAmcCents ?? l.amcCents,
      adjusted: l.adjustedAmcCents !== null,
      adjustmentReason: l.adjustmentReason,
      valuation: {
        amoPaidCents: l.valuation.amoPaidCents,
        amoGrossCents: l.valuation.amoGrossCents,
        resteAChargeCents: l.adjustedAmcCents === null ? l.valuation.resteAChargeCents : Math.max(0, l.realCostCents - l.valuation.amoPaidCents - l.adjustedAmcCents),
        explanation: l.valuation.explanation,
        ceiling: l.valuation.ceiling,
      },
    })),
    documents,
    timeline: sortTimeline(events),
  };
}

/** A document of one of the member's claims, decrypted, for download; the read is audited. */
export async function getMemberClaimDocument(db: Db, member: MemberRef, number: string, documentId: string, ipHash: string | null) {
  const contractId = await contractIdOf(db, member.personId);
  if (!contractId) return null;
  const [doc] = await db
    .select({ id: claimDocuments.id, fileName: claimDocuments.fileName, mimeType: claimDocuments.mimeType, contentEnc: claimDocuments.contentEnc })
    .from(claimDocuments)
    .innerJoin(claims, eq(claims.id, claimDocuments.claimId))
    .where(and(eq(claimDocuments.id, documentId), eq(claims.number, number), eq(claims.contractId, contractId)));
  if (!doc) return null;
  const bytes = decryptDocumentContent(doc.contentEnc);
  await appendAudit(db, {
    actor: { userId: member.userId, label: member.displayName },
    action: "claims.document.downloaded",
    outcome: "success",
    targetType: "claim-document",
    targetId: doc.id,
    ipHash,
    details: { claim: number },
  });
  return { fileName: doc.fileName, mimeType: doc.mimeType, bytes };
}

export type ClaimEstimate = NonNullable<Awaited<ReturnType<typeof estimateClaim>>>;

export type ClaimPostOutcome =
  | { kind: "rejected"; status: 400 | 413; message: string }
  | { kind: "invalid"; status: 400 | 404 | 409 | 413 | 415; result: SubmissionResult<string[]> }
  | { kind: "estimate"; result: SubmissionResult<string[]>; estimate: ClaimEstimate }
  | { kind: "filed"; number: string; replayed: boolean };

const RELOAD_FORM = "Ce formulaire a expiré : rechargez la page pour faire une nouvelle demande.";

/** A posted file field: null when nothing was chosen (browsers send an empty, unnamed part). */
function postedFile(form: FormData, name: string): File | null {
  const value = form.get(name);
  if (!(value instanceof File) || (value.size === 0 && value.name === "")) return null;
  return value;
}

/**
 * The whole POST of the claim form, for the page (no JavaScript) and the upload endpoint (with a
 * progress bar) alike: read with a size limit, validate, inspect the files, then estimate or file.
 */
export async function processClaimPost(db: Db, request: Request, input: { member: MemberRef; now: Date; ipHash: string | null }): Promise<ClaimPostOutcome> {
  let form: FormData;
  try {
    form = await readClaimForm(request);
  } catch (err) {
    if (err instanceof UploadRejected) return { kind: "rejected", status: err.status, message: err.message };
    throw err;
  }
  let submission: ReturnType<typeof parseForm<ReturnType<typeof claimFormSchema>>>;
  try {
    submission = parseForm(form, claimFormSchema(parisDateOf(input.now)));
  } catch {
    return { kind: "rejected", status: 400, message: "Le formulaire envoyé est illisible." };
  }
  const intent = form.get("intent") === "estimate" ? "estimate" : "submit";
  if (submission.status !== "success") return { kind: "invalid", status: 400, result: submission.reply() };
  const value = submission.value;

  if (intent === "estimate") {
    const estimate = await estimateClaim(db, { personId: input.member.personId, form: value, now: input.now });
    if (!estimate) return { kind: "invalid", status: 404, result: submission.reply({ fieldErrors: { beneficiaryId: ["Cette personne n’est pas couverte par votre contrat."] } }) };
    return { kind: "estimate", result: submission.reply(), estimate };
  }

  const key = idempotencyKeySchema.safeParse(form.get("idempotencyKey"));
  if (!key.success) return { kind: "invalid", status: 400, result: submission.reply({ formErrors: [RELOAD_FORM] }) };

  const fieldErrors: Record<string, string[]> = {};
  const statuses: number[] = [];
  const files: InspectedDocument[] = [];
  const wanted: { field: string; kind: DocumentKind; required: boolean; missing: string }[] = [
    { field: "invoice", kind: "INVOICE", required: true, missing: "Joignez la facture acquittée (PDF, JPEG ou PNG)." },
    {
      field: "secuStatement",
      kind: "SECU_STATEMENT",
      required: value.line.secu.covered,
      missing: "Joignez le décompte de la Sécurité sociale, ou indiquez que ces soins ne sont pas remboursés par la Sécurité sociale.",
    },
  ];
  for (const w of wanted) {
    const file = postedFile(form, w.field);
    if (!file) {
      if (w.required) fieldErrors[w.field] = [w.missing];
      continue;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const inspection = await inspectUploadOffThread(bytes, file.name);
    if (!inspection.ok) {
      fieldErrors[w.field] = [inspection.message];
      statuses.push(inspection.status);
      continue;
    }
    files.push({ kind: w.kind, fileName: inspection.fileName, mimeType: inspection.mimeType, bytes });
  }
  if (Object.keys(fieldErrors).length > 0) {
    const status = statuses.includes(413) ? 413 : statuses.includes(415) ? 415 : 400;
    return { kind: "invalid", status, result: submission.reply({ fieldErrors }) };
  }

  const outcome = await fileClaimOnline(db, { member: input.member, idempotencyKey: key.data, form: value, files, now: input.now, ipHash: input.ipHash });
  switch (outcome.kind) {
    case "created":
      return { kind: "filed", number: outcome.claim.number, replayed: false };
    case "existing":
      return { kind: "filed", number: outcome.number, replayed: true };
    case "conflict":
      return {
        kind: "invalid",
        status: 409,
        result: submission.reply({
          formErrors: [`Ce formulaire a déjà servi à envoyer la demande ${outcome.number} avec d’autres informations. Rien de plus n’a été enregistré : rechargez la page pour faire une nouvelle demande.`],
        }),
      };
    case "beneficiary-not-found":
      return { kind: "invalid", status: 404, result: submission.reply({ fieldErrors: { beneficiaryId: ["Cette personne n’est pas couverte par votre contrat."] } }) };
  }
}
