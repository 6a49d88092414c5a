import { createHash } from "node:crypto";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { simpleParser } from "mailparser";
import type { Logger } from "pino";
import type { Actor } from "~/platform/audit/audit.server";
import { encryptBytes } from "~/platform/crypto/keyring.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { inboundClaimEmails, persons, users } from "~/platform/db/schema";
import { type PeriodicWorker, startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";
import type { ClaimsMailboxOpener, ClaimsMailboxSession, MailboxMessage } from "~/platform/mail/imap.server";
import { enqueueMail, type OutgoingMail } from "~/platform/mail/outbox.server";
import { scrubText } from "~/platform/observability/redact";
import { INSURER } from "~/ui/insurer";
import { REVIEW_DELAY_LABEL } from "../member/claim-mail";
import {
  type IntakeDecision,
  type IntakeLookup,
  type IntakePerson,
  type ParsedClaimEmail,
  decideIntake,
  MAX_EMAIL_DOCUMENTS,
  parseClaimEmail,
  TRIAGE_REASONS,
} from "./email-parse";
import { submitClaim, type SubmittedClaim } from "../member/submit-claim.server";
import { prepareImageInspection } from "../member/upload-inspection.server";
import { formatEuros } from "~/platform/format/euros";
import { emailIndex, openPersonContact, sealInboundSender } from "~/platform/crypto/personal-data.server";

/*
 * Claims received by e-mail (ADR 008). Exactly-once over an at-least-once mailbox:
 *  1. a message is read from the server (not yet marked processed);
 *  2. ONE transaction records it under its Message-ID (unique) together with what it became — a
 *     claim plus the acknowledgement in the outbox, or a triage entry;
 *  3. only after the commit is it marked processed on the server.
 * A crash between 2 and 3 leaves the message unmarked: the next poll finds its Message-ID in the
 * database and only marks it. Two pollers reading the same message race on the unique Message-ID:
 * the loser's transaction records nothing. Ingestion runs whenever IMAP_URL is set, whatever the
 * switchboard state: members may write at any time, and a message must never sit unread.
 */

/** Encryption purpose of the stored raw message. */
export const RAW_MESSAGE_PURPOSE = "inbound_claim_emails.raw";
export const DEFAULT_BATCH_SIZE = 50;
/** Who files an e-mail claim, in timelines and the audit log. */
export const EMAIL_INTAKE_ACTOR: Actor = { userId: null, label: "Réception des e-mails" };
/** A Message-ID longer than this is hashed: no legitimate one comes close. */
const MAX_MESSAGE_ID_LENGTH = 250;

export type IngestOutcome = "CLAIM_CREATED" | "TRIAGE" | "ALREADY_KNOWN";

export type PollReport = {
  /** Messages read from the server. */
  fetched: number;
  claims: number;
  triaged: number;
  /** Already in the database (crash recovery, concurrent poller, same message twice): only marked. */
  alreadyKnown: number;
  /** Marked processed on the server. */
  marked: number;
  /** Not ingested because of an error; left unmarked for the next poll. */
  failed: number;
};

export type PollOptions = {
  batchSize?: number;
  /**
   * Messages of a batch ingested at once (default 1). Each has its own transaction, so this only
   * overlaps waits on the database: worth it on PostgreSQL, pointless on PGlite (one connection).
   */
  concurrency?: number;
  /** Stop after this many messages (the next poll continues); unbounded by default. */
  maxMessages?: number;
  now?: () => Date;
  logger?: Pick<Logger, "error" | "warn">;
  /** Public origin for links in the acknowledgement. */
  origin: string;
};

/** The Message-ID header of a raw message, read from its header block (stable across servers). */
export function messageIdOf(source: Uint8Array): string {
  const buffer = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  let end = buffer.indexOf("\r\n\r\n");
  if (end < 0) end = buffer.indexOf("\n\n");
  const head = buffer.subarray(0, end < 0 ? Math.min(buffer.length, 64 * 1024) : end).toString("latin1");
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const match = /^message-id[ \t]*:[ \t]*(.*)$/im.exec(unfolded);
  const value = match?.[1]?.trim().replace(/^<|>$/g, "").replace(/\s+/g, "") ?? "";
  if (value === "") return `sha256-${createHash("sha256").update(source).digest("hex")}`;
  if (value.length > MAX_MESSAGE_ID_LENGTH) return `sha256-id-${createHash("sha256").update(value).digest("hex")}`;
  return value;
}

async function isKnown(db: DbOrTx, messageId: string): Promise<boolean> {
  const [row] = await db.select({ id: inboundClaimEmails.id }).from(inboundClaimEmails).where(eq(inboundClaimEmails.messageId, messageId)).limit(1);
  return row !== undefined;
}

const personColumns = {
  id: persons.id,
  contractId: persons.contractId,
  firstName: persons.firstName,
  lastName: persons.lastName,
  emailEnc: persons.emailEnc,
  phoneEnc: persons.phoneEnc,
};

function intakePerson(row: { id: string; contractId: string; firstName: string; lastName: string; emailEnc: string | null; phoneEnc: string | null }): IntakePerson {
  const { emailEnc, phoneEnc, ...rest } = row;
  return { ...rest, email: openPersonContact({ emailEnc, phoneEnc }).email };
}

/**
 * What the database knows about the sender (file or account address) and the subject's reference.
 * The sender is matched on the shared e-mail blind index (normalised address), never in clear.
 */
async function lookupIntake(db: DbOrTx, sender: string | null, memberNumber: string | null): Promise<IntakeLookup> {
  const senderIndex = sender ? emailIndex(sender) : null;
  const senderPersons: IntakePerson[] = senderIndex
    ? (
        await db
          .select(personColumns)
          .from(persons)
          .where(
            or(
              eq(persons.emailBidx, senderIndex),
              inArray(
                persons.id,
                db
                  .select({ id: sql<string>`${users.personId}` })
                  .from(users)
                  .where(and(eq(users.emailBidx, senderIndex), eq(users.role, "MEMBER"), eq(users.status, "ACTIVE"))),
              ),
            ),
          )
      ).map(intakePerson)
    : [];
  let referenced: IntakeLookup["referenced"] = null;
  if (memberNumber) {
    const [subscriber] = await db
      .select({ contractId: persons.contractId })
      .from(persons)
      .where(and(eq(persons.memberNumber, memberNumber), eq(persons.role, "MEMBER")))
      .limit(1);
    if (subscriber) {
      referenced = {
        contractId: subscriber.contractId,
        persons: (await db.select(personColumns).from(persons).where(eq(persons.contractId, subscriber.contractId))).map(intakePerson),
      };
    }
  }
  return { senderPersons, referenced };
}

/** The reply to the sender: the claim number, and what happens next. */
export function acknowledgementMail(input: { to: string; claim: SubmittedClaim; origin: string }): OutgoingMail {
  const { number, status, result } = input.claim;
  const next =
    status === "VALUATED" && result
      ? result.totals.amcCents > 0
        ? `Elle a été traitée aussitôt : Bascule vous rembourse ${formatEuros(result.totals.amcCents)}, versés sur votre compte bancaire habituel sous 48 heures.`
        : "Elle a été traitée aussitôt : ces soins ne donnent pas lieu à un remboursement de Bascule. Le détail du calcul est dans votre espace."
      : `Un gestionnaire l’examine ${REVIEW_DELAY_LABEL} ; nous vous écrirons dès qu’elle sera traitée.`;
  const text =
    `Bonjour,\n\nNous avons bien reçu votre demande de remboursement envoyée par e-mail. Elle porte le numéro ${number} : ` +
    `gardez-le, il vous sera demandé si vous nous appelez.\n\n${next}\n\n` +
    `Suivre votre demande : ${input.origin}/espace/remboursements/${number}\n\n` +
    `Une question ? Appelez-nous au ${INSURER.phone} (${INSURER.phoneHours}).\n` +
    "Bascule ne vous demandera jamais vos coordonnées bancaires ni votre mot de passe par e-mail.\n\n" +
    `${INSURER.tagline}`;
  return { to: input.to, subject: `Accusé de réception : demande de remboursement ${number}`, text, template: "claims.email-acknowledgement" };
}

type IngestContext = { mailbox: string; uidValidity: number; now: Date; origin: string };

/**
 * Records one message and what it became, in one transaction. ALREADY_KNOWN when its Message-ID is
 * already recorded (by an earlier run or a concurrent poller): nothing is written.
 */
export async function ingestMessage(db: DbOrTx, message: MailboxMessage, context: IngestContext): Promise<IngestOutcome> {
  const messageId = messageIdOf(message.source);
  if (await isKnown(db, messageId)) return "ALREADY_KNOWN";

  let parsed: ParsedClaimEmail | null = null;
  let sender = "";
  let subject = "";
  let headerDate: Date | undefined;
  try {
    const mail = await simpleParser(message.source, { skipImageLinks: true, skipTextToHtml: true });
    parsed = parseClaimEmail(mail);
    sender = parsed.sender ?? mail.from?.value[0]?.address?.slice(0, 254).toLowerCase() ?? "";
    subject = (mail.subject ?? "").replace(/\p{Cc}/gu, " ").slice(0, 500);
    headerDate = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : undefined;
  } catch {
    parsed = null;
  }
  // Images decoded off the event loop; decideIntake's inspection then reuses the verdicts.
  if (parsed && parsed.attachments.length <= MAX_EMAIL_DOCUMENTS) await prepareImageInspection(parsed.attachments.map((a) => a.bytes));
  // Outside the parsing guard: a database error must fail the message (retried), not triage it.
  const decision: IntakeDecision = parsed
    ? decideIntake(parsed, await lookupIntake(db, parsed.sender, parsed.memberNumber))
    : { kind: "TRIAGE", reason: "UNREADABLE", detail: TRIAGE_REASONS.UNREADABLE, contractId: null };
  const attachmentCount = parsed?.attachments.length ?? 0;
  const receivedAt = message.internalDate ?? headerDate ?? context.now;

  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(inboundClaimEmails)
      .values({
        messageId,
        mailbox: context.mailbox,
        uidValidity: context.uidValidity,
        uid: message.uid,
        ...sealInboundSender(sender),
        subject,
        receivedAt,
        sizeBytes: message.size,
        attachmentCount,
        status: decision.kind === "CLAIM" ? "RECEIVED" : "TRIAGE",
        contractId: decision.contractId,
        triageReason: decision.kind === "TRIAGE" ? decision.reason : null,
        triageDetail: decision.kind === "TRIAGE" ? decision.detail : null,
        rawEnc: encryptBytes(RAW_MESSAGE_PURPOSE, message.source),
        createdAt: context.now,
        processedAt: context.now,
      })
      .onConflictDoNothing({ target: inboundClaimEmails.messageId })
      .returning({ id: inboundClaimEmails.id });
    // Recorded meanwhile by a concurrent poller: its transaction did (or does) the work.
    if (!row) return "ALREADY_KNOWN";
    if (decision.kind === "TRIAGE") return "TRIAGE";

    const claim = await submitClaim(tx, {
      channel: "EMAIL",
      contractId: decision.contractId,
      beneficiaryId: decision.beneficiaryId,
      submittedByUserId: null,
      actor: EMAIL_INTAKE_ACTOR,
      lines: decision.line ? [decision.line] : null,
      invoiceNumber: null,
      documents: decision.documents,
      receivedAt,
      now: context.now,
      note: decision.note ? `Reçue par e-mail. ${decision.note}` : "Reçue par e-mail.",
      // The acknowledgement below replies to the sender and carries the outcome.
      notifyMember: false,
    });
    await tx.update(inboundClaimEmails).set({ status: "CLAIM_CREATED", claimId: claim.claimId }).where(eq(inboundClaimEmails.id, row.id));
    await enqueueMail(tx, acknowledgementMail({ to: sender, claim, origin: context.origin }), context.now);
    return "CLAIM_CREATED";
  });
}

/** Reads the unprocessed messages of one mailbox session in UID order, by bounded batches. */
async function ingestSession(db: Db, session: ClaimsMailboxSession, options: PollOptions): Promise<PollReport> {
  const { batchSize = DEFAULT_BATCH_SIZE, concurrency = 1, maxMessages = Number.POSITIVE_INFINITY, now = () => new Date(), logger } = options;
  const report: PollReport = { fetched: 0, claims: 0, triaged: 0, alreadyKnown: 0, marked: 0, failed: 0 };
  // Messages that failed in this run wait for the next one instead of being retried in a loop.
  const skipped = new Set<number>();
  while (report.fetched < maxMessages) {
    const pending = (await session.searchUnprocessed()).filter((uid) => !skipped.has(uid));
    if (pending.length === 0) break;
    const batch = pending.slice(0, Math.min(batchSize, maxMessages - report.fetched));
    const messages = await session.fetch(batch);
    // Expunged between SEARCH and FETCH: nothing to do with them.
    for (const uid of batch) if (!messages.some((m) => m.uid === uid)) skipped.add(uid);
    report.fetched += messages.length;
    const done: number[] = [];
    const doneIds: string[] = [];
    const ingestOne = async (message: MailboxMessage) => {
      try {
        const outcome = await ingestMessage(db, message, { mailbox: session.path, uidValidity: session.uidValidity, now: now(), origin: options.origin });
        if (outcome === "CLAIM_CREATED") report.claims += 1;
        else if (outcome === "TRIAGE") report.triaged += 1;
        else report.alreadyKnown += 1;
        done.push(message.uid);
        doneIds.push(messageIdOf(message.source));
      } catch (err) {
        skipped.add(message.uid);
        report.failed += 1;
        logger?.error({ uid: message.uid, err: describeError(err) }, "claims e-mail ingestion failed");
      }
    };
    // A small pool of workers taking the batch's messages in UID order.
    let next = 0;
    const worker = async () => {
      while (next < messages.length) await ingestOne(messages[next++]!);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, messages.length)) }, worker));
    done.sort((a, b) => a - b);
    // Only committed messages are marked; a failure here leaves them for the next poll, which
    // finds them in the database and marks them without ingesting them again.
    await session.markProcessed(done);
    report.marked += done.length;
    if (doneIds.length > 0) {
      await db
        .update(inboundClaimEmails)
        .set({ serverMarkedAt: now() })
        .where(and(inArray(inboundClaimEmails.messageId, doneIds), sql`${inboundClaimEmails.serverMarkedAt} is null`));
    }
  }
  return report;
}

/** The database's own message, scrubbed: a failed query's text carries its parameters (personal data). */
function describeError(err: unknown): { name: string; message: string } {
  const root = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return root instanceof Error ? { name: root.name, message: scrubText(root.message).slice(0, 200) } : { name: "Error", message: "unknown" };
}

/** One poll: connects, locks the mailbox, ingests what is unprocessed, disconnects. */
export function pollClaimsMailbox(db: Db, open: ClaimsMailboxOpener, options: PollOptions): Promise<PollReport> {
  return open((session) => ingestSession(db, session, options));
}

/** The background poller started by the server when IMAP_URL is configured. */
export function startClaimsMailboxPoller(options: {
  db: () => Db;
  open: ClaimsMailboxOpener;
  intervalMs: number;
  origin: string;
  logger: Logger;
  /** See PollOptions.concurrency. */
  concurrency?: number;
}): PeriodicWorker {
  const { logger } = options;
  return startPeriodicWorker({
    intervalMs: options.intervalMs,
    logger,
    failureMessage: "claims mailbox poll failed",
    async run() {
      const report = await pollClaimsMailbox(options.db(), options.open, { origin: options.origin, logger, maxMessages: 500, concurrency: options.concurrency });
      if (report.failed > 0) logger.warn({ ...report }, "claims mailbox: some messages could not be ingested");
      else if (report.fetched > 0) logger.info({ ...report }, "claims mailbox polled");
      // A capped run leaves work behind: run again at once.
      return report.fetched >= 500;
    },
  });
}
