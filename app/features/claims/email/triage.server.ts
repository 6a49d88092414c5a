import { and, asc, count, desc, eq, type SQL } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { decryptBytes } from "~/platform/crypto/keyring.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { claims, inboundClaimEmails, persons } from "~/platform/db/schema";
import { DOCUMENT_KIND_LABELS } from "../member/documents";
import { RAW_MESSAGE_PURPOSE } from "./email-intake.server";
import { htmlToText, inspectAttachments, parseClaimEmail, TRIAGE_REASONS, type TriageReason } from "./email-parse";
import { submitClaim } from "../member/submit-claim.server";
import { prepareImageInspection } from "../member/upload-inspection.server";
import { openInboundSender } from "~/platform/crypto/personal-data.server";

/*
 * The triage queue of the e-mail intake: messages no rule could attach to a member with certainty.
 * A handler reads one (its text only; the stored raw message is decrypted on demand and each
 * reading is audited), then either attaches it to a member — which files a claim for a handler to
 * key in, with the attachments that are real documents — or files it without action, with a reason.
 */

export type InboundStatus = (typeof inboundClaimEmails.status.enumValues)[number];

export const INBOUND_STATUS_LABELS: Record<InboundStatus, string> = {
  RECEIVED: "En cours de réception",
  CLAIM_CREATED: "Demande créée automatiquement",
  TRIAGE: "À trier",
  ATTACHED: "Rattaché à un adhérent",
  DISMISSED: "Classé sans suite",
};

export function triageReasonLabel(code: string | null): string {
  return code && code in TRIAGE_REASONS ? TRIAGE_REASONS[code as TriageReason] : "—";
}

/** Longest text body shown to a handler: beyond, it is a newsletter or an attack, not a claim. */
const MAX_SHOWN_TEXT = 20_000;

export async function listInboundEmails(db: DbOrTx, options: { status: InboundStatus; page: number; pageSize: number }) {
  const where: SQL = eq(inboundClaimEmails.status, options.status);
  const rows = await db
    .select({
      id: inboundClaimEmails.id,
      receivedAt: inboundClaimEmails.receivedAt,
      fromEnc: inboundClaimEmails.fromEnc,
      subject: inboundClaimEmails.subject,
      triageReason: inboundClaimEmails.triageReason,
      attachmentCount: inboundClaimEmails.attachmentCount,
      claimNumber: claims.number,
    })
    .from(inboundClaimEmails)
    .leftJoin(claims, eq(claims.id, inboundClaimEmails.claimId))
    .where(where)
    // The oldest first in the queue; the latest first in the history of handled ones.
    .orderBy(options.status === "TRIAGE" ? asc(inboundClaimEmails.receivedAt) : desc(inboundClaimEmails.receivedAt))
    .limit(options.pageSize + 1)
    .offset((options.page - 1) * options.pageSize);
  const items = rows.slice(0, options.pageSize).map(({ fromEnc, ...row }) => ({ ...row, fromAddress: openInboundSender({ fromEnc }) }));
  return { items, hasNextPage: rows.length > options.pageSize };
}

export async function inboundCounts(db: DbOrTx): Promise<Record<InboundStatus, number>> {
  const rows = await db.select({ status: inboundClaimEmails.status, n: count() }).from(inboundClaimEmails).groupBy(inboundClaimEmails.status);
  const counts: Record<InboundStatus, number> = { RECEIVED: 0, CLAIM_CREATED: 0, TRIAGE: 0, ATTACHED: 0, DISMISSED: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

type Context = { actor: Actor; ipHash?: string | null; now?: Date };

/**
 * One message for a handler: headers, text body and the verdict on each attachment. The reading
 * is audited (the message may carry health data). Null when it does not exist.
 */
export async function readInboundEmail(db: DbOrTx, id: string, context: Context) {
  const [row] = await db
    .select({ email: inboundClaimEmails, claimNumber: claims.number })
    .from(inboundClaimEmails)
    .leftJoin(claims, eq(claims.id, inboundClaimEmails.claimId))
    .where(eq(inboundClaimEmails.id, id))
    .limit(1);
  if (!row) return null;
  const { email } = row;
  const raw = decryptBytes(RAW_MESSAGE_PURPOSE, email.rawEnc);
  let text = "";
  let headers: { to: string; date: string | null; replyTo: string | null } = { to: "", date: null, replyTo: null };
  let attachments: { fileName: string; contentType: string; sizeBytes: number; verdict: string; accepted: boolean }[] = [];
  let readable = true;
  try {
    const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
    text = mail.text ?? (mail.html ? htmlToText(mail.html) : "");
    const addressText = (v: typeof mail.to) => (Array.isArray(v) ? v.map((a) => a.text).join(", ") : (v?.text ?? ""));
    headers = { to: addressText(mail.to), date: mail.date ? mail.date.toISOString() : null, replyTo: mail.replyTo?.text ?? null };
    const parsed = parseClaimEmail(mail);
    await prepareImageInspection(parsed.attachments.map((a) => a.bytes));
    const inspected = inspectAttachments(parsed.attachments);
    attachments = [
      ...inspected.documents.map((d) => ({
        fileName: d.fileName,
        contentType: d.mimeType,
        sizeBytes: d.bytes.length,
        verdict: `${DOCUMENT_KIND_LABELS[d.kind]} (type vérifié)`,
        accepted: true,
      })),
      ...inspected.rejected.map((r) => ({
        fileName: r.fileName,
        contentType: parsed.attachments.find((a) => a.fileName === r.fileName)?.contentType ?? "",
        sizeBytes: parsed.attachments.find((a) => a.fileName === r.fileName)?.bytes.length ?? 0,
        verdict: r.message,
        accepted: false,
      })),
    ];
  } catch {
    readable = false;
  }
  const suggestion = email.contractId ? await contractMemberNumber(db, email.contractId) : null;
  await appendAudit(
    db,
    {
      actor: context.actor,
      action: "claims.email.read",
      outcome: "success",
      targetType: "inbound_claim_email",
      targetId: email.id,
      ipHash: context.ipHash ?? null,
    },
    context.now,
  );
  return {
    id: email.id,
    status: email.status,
    messageId: email.messageId,
    fromAddress: openInboundSender(email),
    subject: email.subject,
    receivedAt: email.receivedAt,
    sizeBytes: email.sizeBytes,
    triageReason: email.triageReason,
    triageDetail: email.triageDetail,
    dismissReason: email.dismissReason,
    handledAt: email.handledAt,
    claimNumber: row.claimNumber,
    suggestedMemberNumber: suggestion,
    headers,
    readable,
    text: text.length > MAX_SHOWN_TEXT ? `${text.slice(0, MAX_SHOWN_TEXT)}\n[…]` : text,
    attachments,
  };
}

/**
 * One type-checked attachment (PDF, JPEG or PNG) of a message, for a handler who must see it to
 * know whom the message concerns; decrypted on demand and audited. Refused attachments are never
 * served. `index` counts the accepted attachments in the order the message detail lists them.
 */
export async function readInboundAttachment(db: DbOrTx, id: string, index: number, context: Context) {
  const [email] = await db.select().from(inboundClaimEmails).where(eq(inboundClaimEmails.id, id)).limit(1);
  if (!email) return null;
  let documents: ReturnType<typeof inspectAttachments>["documents"];
  try {
    const mail = await simpleParser(decryptBytes(RAW_MESSAGE_PURPOSE, email.rawEnc), { skipImageLinks: true, skipTextToHtml: true });
    const { attachments } = parseClaimEmail(mail);
    await prepareImageInspection(attachments.map((a) => a.bytes));
    documents = inspectAttachments(attachments).documents;
  } catch {
    return null;
  }
  const document = documents[index];
  if (!document) return null;
  await appendAudit(
    db,
    {
      actor: context.actor,
      action: "claims.email.attachment-read",
      outcome: "success",
      targetType: "inbound_claim_email",
      targetId: email.id,
      ipHash: context.ipHash ?? null,
      details: { attachment: index, mimeType: document.mimeType },
    },
    context.now,
  );
  return { fileName: document.fileName, mimeType: document.mimeType, bytes: document.bytes };
}

async function contractMemberNumber(db: DbOrTx, contractId: string): Promise<string | null> {
  const [subscriber] = await db
    .select({ memberNumber: persons.memberNumber })
    .from(persons)
    .where(and(eq(persons.contractId, contractId), eq(persons.role, "MEMBER")))
    .limit(1);
  return subscriber?.memberNumber ?? null;
}

/** The beneficiaries of the contract of a member number, for the handler to choose from. */
export async function beneficiariesOfMemberNumber(db: DbOrTx, memberNumber: string) {
  const [subscriber] = await db
    .select({ contractId: persons.contractId })
    .from(persons)
    .where(and(eq(persons.memberNumber, memberNumber), eq(persons.role, "MEMBER")))
    .limit(1);
  if (!subscriber) return null;
  const rows = await db
    .select({ id: persons.id, firstName: persons.firstName, lastName: persons.lastName, role: persons.role, birthDate: persons.birthDate })
    .from(persons)
    .where(eq(persons.contractId, subscriber.contractId))
    .orderBy(asc(persons.birthDate));
  return { contractId: subscriber.contractId, persons: rows };
}

export class TriageError extends Error {
  constructor(
    readonly code: "not-found" | "already-handled" | "unknown-member" | "not-a-beneficiary",
    message: string,
  ) {
    super(message);
    this.name = "TriageError";
  }
}

/** Locks a message still waiting in the queue, or explains why it cannot be handled. */
async function lockWaiting(tx: DbOrTx, id: string) {
  const [row] = await tx.select().from(inboundClaimEmails).where(eq(inboundClaimEmails.id, id)).for("update");
  if (!row) throw new TriageError("not-found", "Ce message est introuvable.");
  if (row.status !== "TRIAGE") throw new TriageError("already-handled", "Ce message a déjà été traité par un gestionnaire.");
  return row;
}

/**
 * Files a claim from a triaged message for the chosen beneficiary: status REVIEW, figures to key
 * in (DATA_ENTRY_REQUIRED), with the attachments that are real PDF/JPEG/PNG documents. The member
 * is told at the address on file (never the unknown sender's). Audited.
 */
export async function attachInboundEmail(
  db: DbOrTx,
  input: { id: string; memberNumber: string; beneficiaryId: string } & Context,
): Promise<{ claimNumber: string; documents: number; refused: number }> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const row = await lockWaiting(tx, input.id);
    const contract = await beneficiariesOfMemberNumber(tx, input.memberNumber);
    if (!contract) throw new TriageError("unknown-member", "Aucun adhérent ne porte ce numéro.");
    if (!contract.persons.some((p) => p.id === input.beneficiaryId)) {
      throw new TriageError("not-a-beneficiary", "Cette personne n’est pas bénéficiaire du contrat de cet adhérent.");
    }
    const raw = decryptBytes(RAW_MESSAGE_PURPOSE, row.rawEnc);
    let documents: ReturnType<typeof inspectAttachments>["documents"] = [];
    let refused = 0;
    try {
      const { attachments } = parseClaimEmail(await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true }));
      await prepareImageInspection(attachments.map((a) => a.bytes));
      const inspected = inspectAttachments(attachments);
      documents = inspected.documents;
      refused = inspected.rejected.length;
    } catch {
      // An unreadable message still becomes a claim: the handler decided it is one.
    }
    const claim = await submitClaim(tx, {
      channel: "EMAIL",
      contractId: contract.contractId,
      beneficiaryId: input.beneficiaryId,
      submittedByUserId: null,
      actor: input.actor,
      lines: null,
      invoiceNumber: null,
      documents,
      receivedAt: row.receivedAt,
      now,
      note: "Reçue par e-mail et rattachée à votre contrat par un gestionnaire.",
      ipHash: input.ipHash ?? null,
    });
    await tx
      .update(inboundClaimEmails)
      .set({ status: "ATTACHED", claimId: claim.claimId, contractId: contract.contractId, handledAt: now, handledByUserId: input.actor.userId })
      .where(eq(inboundClaimEmails.id, row.id));
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: "claims.email.attached",
        outcome: "success",
        targetType: "inbound_claim_email",
        targetId: row.id,
        ipHash: input.ipHash ?? null,
        details: { claim: claim.number, triageReason: row.triageReason, documents: documents.length, refusedAttachments: refused },
      },
      now,
    );
    return { claimNumber: claim.number, documents: documents.length, refused };
  });
}

/** Files a triaged message without action (spam, a question, a duplicate…), with the reason. Audited. */
export async function dismissInboundEmail(db: DbOrTx, input: { id: string; reason: string } & Context): Promise<void> {
  const now = input.now ?? new Date();
  await db.transaction(async (tx) => {
    const row = await lockWaiting(tx, input.id);
    await tx
      .update(inboundClaimEmails)
      .set({ status: "DISMISSED", dismissReason: input.reason, handledAt: now, handledByUserId: input.actor.userId })
      .where(eq(inboundClaimEmails.id, row.id));
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: "claims.email.dismissed",
        outcome: "success",
        targetType: "inbound_claim_email",
        targetId: row.id,
        ipHash: input.ipHash ?? null,
        details: { triageReason: row.triageReason },
      },
      now,
    );
  });
}
