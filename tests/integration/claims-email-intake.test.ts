import { outboxMails } from "./support/outbox";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EMAIL_INTAKE_ACTOR, ingestMessage, pollClaimsMailbox } from "~/features/claims/email/email-intake.server";
import { MIN_MEMBER_COUNT, resetDemoData, seedDemoData } from "~/features/demo/seed.server";
import { attachInboundEmail, dismissInboundEmail, inboundCounts, listInboundEmails, readInboundAttachment, readInboundEmail } from "~/features/claims/email/triage.server";
import { auditLog, claimDocuments, claims, inboundClaimEmails, mailOutbox, persons } from "~/platform/db/schema";
import { type ClaimsMailboxOpener, claimsMailboxOpener, PROCESSED_KEYWORD } from "~/platform/mail/imap.server";
import { openInboundSender } from "~/platform/crypto/personal-data.server";
import {
  buildMessage,
  createTestMailbox,
  DISGUISED_HTML,
  IMAP_SKIP_MESSAGE,
  IMAP_TEST_URL,
  SAMPLE_JPEG,
  SAMPLE_PDF,
  type TestMailbox,
} from "./support/claims-email";
import type { Db } from "~/platform/db/client.server";
import { createMemberPerson, createUser } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

const ORIGIN = "https://www.bascule.example";

type Member = Awaited<ReturnType<typeof createMemberPerson>>;

/** A member whose contract also covers a spouse, and a member of another contract: the possible senders. */
async function createSenders(db: Db): Promise<{ member: Member; other: Member; spouseId: string }> {
  const member = await createMemberPerson(db);
  const other = await createMemberPerson(db);
  const [spouse] = await db
    .insert(persons)
    .values({ contractId: member.contractId, role: "SPOUSE", firstName: "Léa", lastName: "Testeur", birthDate: "1982-02-02", nirEnc: "x", coveredFrom: "2024-01-01" })
    .returning();
  return { member, other, spouseId: spouse!.id };
}

describe.skipIf(!IMAP_TEST_URL)(IMAP_TEST_URL ? "claims e-mail intake against Dovecot" : IMAP_SKIP_MESSAGE, () => {
  let t: TestDatabase;
  let mailbox: TestMailbox;
  let open: ClaimsMailboxOpener;
  let member: Member;
  let spouseId: string;
  let other: Member;

  const poll = (opener: ClaimsMailboxOpener = open, batchSize = 50, concurrency = 1) => pollClaimsMailbox(t.db, opener, { origin: ORIGIN, batchSize, concurrency });
  const matched = (extra: { text?: string; messageId?: string | false; subject?: string } = {}) =>
    buildMessage({
      from: `"Camille" <${member.email!.toUpperCase()}>`,
      subject: extra.subject ?? `Remboursement ${"bas " + member.memberNumber!.toLowerCase()}`,
      text: extra.text,
      messageId: extra.messageId,
      attachments: [
        { filename: "facture.pdf", content: SAMPLE_PDF },
        { filename: "décompte ameli.jpg", content: SAMPLE_JPEG },
      ],
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ member, other, spouseId } = await createSenders(t.db));
    mailbox = await createTestMailbox(IMAP_TEST_URL!);
    open = claimsMailboxOpener({ url: mailbox.url });
  });

  afterAll(async () => {
    await mailbox?.dispose();
    await t?.dispose();
  });

  beforeEach(async () => {
    await mailbox.clear();
    await t.db.delete(inboundClaimEmails);
    await t.db.delete(claims);
    await t.db.delete(mailOutbox);
  });

  async function allMarked(): Promise<boolean> {
    const flags = await mailbox.flags();
    return [...flags.values()].every((f) => f.has(PROCESSED_KEYWORD) && f.has("\\Seen"));
  }

  it("turns a matched message into one claim with its documents, acknowledges it and marks it", async () => {
    await mailbox.append(await matched({ text: "Bonjour,\nCatégorie : pharmacie\nMontant payé : 45,60 €" }));
    const report = await poll();
    expect(report).toMatchObject({ fetched: 1, claims: 1, triaged: 0, alreadyKnown: 0, marked: 1, failed: 0 });

    const [claim] = await t.db.select().from(claims);
    expect(claim).toMatchObject({ channel: "EMAIL", status: "REVIEW", contractId: member.contractId, beneficiaryId: member.id });
    expect(claim!.reviewReasons.map((r) => r.code)).toContain("DATA_ENTRY_REQUIRED");
    const documents = await t.db.select().from(claimDocuments).where(eq(claimDocuments.claimId, claim!.id));
    expect(documents.map((d) => [d.kind, d.mimeType, d.fileName]).sort()).toEqual([
      ["INVOICE", "application/pdf", "facture.pdf"],
      ["SECU_STATEMENT", "image/jpeg", "décompte ameli.jpg"],
    ]);

    const outbox = await outboxMails(t.db);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.toAddress).toBe(member.email);
    expect(outbox[0]!.subject).toContain(claim!.number);
    expect(outbox[0]!.textBody).toContain(`${ORIGIN}/espace/remboursements/${claim!.number}`);

    const [row] = await t.db.select().from(inboundClaimEmails);
    expect(row).toMatchObject({ status: "CLAIM_CREATED", claimId: claim!.id, contractId: member.contractId });
    // The sender is kept encrypted only (ADR 019), and still opens to the member's address.
    expect(row!.legacyFromAddress).toBeNull();
    expect(openInboundSender(row!)).toBe(member.email);
    expect(row!.serverMarkedAt).toBeInstanceOf(Date);
    expect(row!.rawEnc).not.toContain("facture");
    expect(await allMarked()).toBe(true);
    // Nothing left: a second poll reads nothing.
    expect(await poll()).toMatchObject({ fetched: 0, marked: 0 });
  });

  it("values a claim whose body gives every figure, for the beneficiary it names", async () => {
    const text = [
      "Bénéficiaire : Léa",
      "Date des soins : 02/03/2026",
      "Catégorie : médecin généraliste",
      "Montant payé : 30 €",
      "Remboursé par la Sécurité sociale : 19 €",
      "Base de remboursement : 30 €",
      "Taux : 70 %",
      "Médecin : Dr Martin",
    ].join("\n");
    await mailbox.append(await matched({ text }));
    expect(await poll()).toMatchObject({ claims: 1 });
    const [claim] = await t.db.select().from(claims);
    expect(claim!.beneficiaryId).toBe(spouseId);
    expect(claim!.realCostCents).toBe(3000);
    expect(claim!.reviewReasons.map((r) => r.code)).not.toContain("DATA_ENTRY_REQUIRED");
  });

  it.each([
    ["an unknown sender", "UNKNOWN_SENDER", () => ({ from: "inconnu@exemple.fr" })],
    ["no reference", "NO_REFERENCE", () => ({ subject: "Ma facture" })],
    ["an unknown reference", "UNKNOWN_REFERENCE", () => ({ subject: "BAS-A99999997" })],
    ["a sender of another contract", "SENDER_NOT_ON_CONTRACT", () => ({ from: other.email! })],
    ["no attachment", "NO_ATTACHMENT", () => ({ attachments: [] })],
    ["HTML disguised as a PDF", "REJECTED_ATTACHMENT", () => ({ attachments: [{ filename: "facture.pdf", content: DISGUISED_HTML, contentType: "application/pdf" }] })],
    ["an unknown beneficiary", "UNKNOWN_BENEFICIARY", () => ({ text: "Bénéficiaire : Zoé" })],
  ])("sends a message with %s to triage, without claim nor reply, and marks it", async (_label, reason, override) => {
    await mailbox.append(
      await buildMessage({
        from: member.email!,
        subject: `BAS-${member.memberNumber}`,
        attachments: [{ filename: "facture.pdf", content: SAMPLE_PDF }],
        ...override(),
      }),
    );
    expect(await poll()).toMatchObject({ fetched: 1, claims: 0, triaged: 1, marked: 1 });
    const [row] = await t.db.select().from(inboundClaimEmails);
    expect(row).toMatchObject({ status: "TRIAGE", triageReason: reason, claimId: null });
    expect(row!.triageDetail).toBeTruthy();
    expect(await t.db.select().from(claims)).toHaveLength(0);
    expect(await outboxMails(t.db)).toHaveLength(0);
    expect(await allMarked()).toBe(true);
  });

  it("sends a message that is not MIME at all to triage", async () => {
    await mailbox.append(Buffer.concat([Buffer.from("Subject: \u0000\r\n\r\n"), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256))]));
    expect(await poll()).toMatchObject({ triaged: 1, marked: 1, failed: 0 });
    const [row] = await t.db.select().from(inboundClaimEmails);
    expect(row!.triageReason).toBe("NO_SENDER");
  });

  it("creates one claim from the same message appended twice (same Message-ID)", async () => {
    const raw = await matched({ messageId: "<dupe-1@exemple.fr>" });
    await mailbox.append(raw);
    await mailbox.append(raw);
    expect(await poll()).toMatchObject({ fetched: 2, claims: 1, alreadyKnown: 1, marked: 2 });
    expect(await t.db.select().from(claims)).toHaveLength(1);
    expect(await outboxMails(t.db)).toHaveLength(1);
    expect(await allMarked()).toBe(true);
  });

  it("deduplicates a message without Message-ID by its content", async () => {
    const raw = await matched({ messageId: false });
    expect(raw.toString("latin1")).not.toMatch(/^Message-ID:/im);
    await mailbox.append(raw);
    await mailbox.append(raw);
    expect(await poll()).toMatchObject({ claims: 1, alreadyKnown: 1 });
    const [row] = await t.db.select().from(inboundClaimEmails);
    expect(row!.messageId).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it("survives a crash between the commit and the marking: the next poll only marks", async () => {
    await mailbox.append(await matched());
    await mailbox.append(await buildMessage({ from: "inconnu@exemple.fr", subject: "x", attachments: [] }));
    const crashing: ClaimsMailboxOpener = (work) =>
      open((session) =>
        work({
          ...session,
          async markProcessed() {
            throw new Error("connection lost");
          },
        }),
      );
    await expect(poll(crashing)).rejects.toThrow("connection lost");
    expect(await t.db.select().from(claims)).toHaveLength(1);
    expect(await allMarked()).toBe(false);
    const [row] = await t.db.select().from(inboundClaimEmails).where(eq(inboundClaimEmails.status, "CLAIM_CREATED"));
    expect(row!.serverMarkedAt).toBeNull();

    expect(await poll()).toMatchObject({ fetched: 2, claims: 0, triaged: 0, alreadyKnown: 2, marked: 2 });
    expect(await t.db.select().from(claims)).toHaveLength(1);
    expect(await outboxMails(t.db)).toHaveLength(1);
    expect(await allMarked()).toBe(true);
  });

  it("two pollers running at once, one of them ingesting 3 messages at a time, ingest each message exactly once", async () => {
    const redelivered = await matched();
    for (let i = 0; i < 11; i += 1) await mailbox.append(await matched());
    await mailbox.append(redelivered);
    for (let i = 0; i < 4; i += 1) await mailbox.append(await buildMessage({ from: `x${i}@exemple.fr`, subject: "facture", attachments: [] }));
    await mailbox.append(redelivered);
    const reports = await Promise.all([poll(open, 5, 3), poll(claimsMailboxOpener({ url: mailbox.url }), 3)]);
    const total = reports.reduce((a, r) => ({ claims: a.claims + r.claims, triaged: a.triaged + r.triaged, failed: a.failed + r.failed }), { claims: 0, triaged: 0, failed: 0 });
    expect(total).toEqual({ claims: 12, triaged: 4, failed: 0 });
    expect(await t.db.select().from(claims)).toHaveLength(12);
    expect(await t.db.select().from(inboundClaimEmails)).toHaveLength(16);
    expect(reports.reduce((n, r) => n + r.alreadyKnown, 0)).toBeGreaterThanOrEqual(1);
    expect(await outboxMails(t.db)).toHaveLength(12);
    expect(await allMarked()).toBe(true);
  });

  it("moves processed messages to the configured folder", async () => {
    const folder = `${mailbox.path}-Traites`;
    mailbox.created.push(folder);
    await mailbox.append(await matched());
    const report = await pollClaimsMailbox(t.db, claimsMailboxOpener({ url: mailbox.url, processedFolder: folder }), { origin: ORIGIN });
    expect(report).toMatchObject({ claims: 1, marked: 1 });
    expect(await mailbox.count()).toBe(0);
    expect(await mailbox.count(folder)).toBe(1);
  });

  it("files e-mail claims under the intake's name in the audit trail", () => {
    expect(EMAIL_INTAKE_ACTOR).toEqual({ userId: null, label: "Réception des e-mails" });
  });
});

/** The triage queue needs no IMAP server: messages are ingested directly, as the poller would. */
describe("claims e-mail triage queue", () => {
  let t: TestDatabase;
  let member: Member;
  let other: Member;
  let spouseId: string;
  let handler: Awaited<ReturnType<typeof createUser>>;
  let uid = 0;
  const context = () => ({ mailbox: "INBOX", uidValidity: 1, now: new Date("2026-03-10T09:00:00Z"), origin: ORIGIN });
  const actor = () => ({ userId: handler.id, label: handler.email });

  async function receive(raw: Buffer) {
    uid += 1;
    const outcome = await ingestMessage(t.db, { uid, source: raw, size: raw.length, internalDate: new Date("2026-03-10T08:00:00Z"), envelopeMessageId: null }, context());
    const [row] = await t.db.select().from(inboundClaimEmails).where(eq(inboundClaimEmails.uid, uid));
    return { outcome, row: row! };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ member, other, spouseId } = await createSenders(t.db));
    handler = await createUser(t.db, { role: "CLAIMS_HANDLER" });
  });

  afterAll(async () => {
    await t?.dispose();
  });

  const hostile = '<script>alert("x")</script> & "quotes" \u202e';

  it("shows a triaged message to a handler, audited, then attaches it to the chosen beneficiary", async () => {
    const { outcome, row } = await receive(
      await buildMessage({
        from: "cousin.inconnu@exemple.fr",
        subject: `Facture pour ma femme ${hostile}`,
        text: `Bonjour,\n${hostile}\nMerci`,
        attachments: [
          { filename: "facture.pdf", content: SAMPLE_PDF },
          { filename: "<img src=x onerror=alert(1)>.pdf", content: DISGUISED_HTML },
        ],
      }),
    );
    expect(outcome).toBe("TRIAGE");
    expect(row.triageReason).toBe("UNKNOWN_SENDER");

    const queue = await listInboundEmails(t.db, { status: "TRIAGE", page: 1, pageSize: 50 });
    expect(queue.items.map((i) => i.id)).toContain(row.id);
    expect((await inboundCounts(t.db)).TRIAGE).toBeGreaterThanOrEqual(1);

    const shown = await readInboundEmail(t.db, row.id, { actor: actor() });
    expect(shown).toMatchObject({ fromAddress: "cousin.inconnu@exemple.fr", readable: true, suggestedMemberNumber: null });
    expect(shown!.subject).toContain("<script>");
    expect(shown!.text).toContain(hostile);
    expect(shown!.attachments.map((a) => [a.accepted, a.contentType])).toEqual([
      [true, "application/pdf"],
      [false, "application/pdf"],
    ]);
    const reads = await t.db.select().from(auditLog).where(eq(auditLog.action, "claims.email.read"));
    expect(reads.some((r) => r.targetId === row.id && r.actorUserId === handler.id)).toBe(true);

    // The handler may open the accepted invoice to find out whom it concerns; never the refused one.
    const invoice = await readInboundAttachment(t.db, row.id, 0, { actor: actor() });
    expect(invoice).toMatchObject({ fileName: "facture.pdf", mimeType: "application/pdf" });
    expect(Buffer.from(invoice!.bytes).equals(Buffer.from(SAMPLE_PDF))).toBe(true);
    expect(await readInboundAttachment(t.db, row.id, 1, { actor: actor() })).toBeNull();
    const opened = await t.db.select().from(auditLog).where(eq(auditLog.action, "claims.email.attachment-read"));
    expect(opened.filter((r) => r.targetId === row.id && r.actorUserId === handler.id)).toHaveLength(1);

    await expect(attachInboundEmail(t.db, { id: row.id, memberNumber: other.memberNumber!, beneficiaryId: spouseId, actor: actor() })).rejects.toMatchObject({
      code: "not-a-beneficiary",
    });
    await expect(attachInboundEmail(t.db, { id: row.id, memberNumber: "A99999997", beneficiaryId: spouseId, actor: actor() })).rejects.toMatchObject({
      code: "unknown-member",
    });

    const attached = await attachInboundEmail(t.db, { id: row.id, memberNumber: member.memberNumber!, beneficiaryId: spouseId, actor: actor() });
    expect(attached).toMatchObject({ documents: 1, refused: 1 });
    const [claim] = await t.db.select().from(claims).where(eq(claims.number, attached.claimNumber));
    expect(claim).toMatchObject({ channel: "EMAIL", status: "REVIEW", beneficiaryId: spouseId, contractId: member.contractId });
    expect(claim!.reviewReasons.map((r) => r.code)).toEqual(["DATA_ENTRY_REQUIRED"]);
    const documents = await t.db.select().from(claimDocuments).where(eq(claimDocuments.claimId, claim!.id));
    expect(documents.map((d) => d.mimeType)).toEqual(["application/pdf"]);
    const [after] = await t.db.select().from(inboundClaimEmails).where(eq(inboundClaimEmails.id, row.id));
    expect(after).toMatchObject({ status: "ATTACHED", claimId: claim!.id, handledByUserId: handler.id });
    // The member hears about it at the address on file; the unknown sender gets nothing.
    const mails = await outboxMails(t.db);
    expect(mails.map((m) => m.toAddress)).toContain(member.email);
    expect(mails.map((m) => m.toAddress)).not.toContain("cousin.inconnu@exemple.fr");
    const audited = await t.db.select().from(auditLog).where(eq(auditLog.action, "claims.email.attached"));
    expect(audited.map((a) => a.targetId)).toContain(row.id);

    await expect(attachInboundEmail(t.db, { id: row.id, memberNumber: member.memberNumber!, beneficiaryId: spouseId, actor: actor() })).rejects.toMatchObject({
      code: "already-handled",
    });
    await expect(dismissInboundEmail(t.db, { id: row.id, reason: "doublon", actor: actor() })).rejects.toMatchObject({ code: "already-handled" });
  });

  it("suggests the member of a recognised reference and files a message without action", async () => {
    const { row } = await receive(await buildMessage({ from: member.email!, subject: `BAS-${member.memberNumber}`, text: "Une question sur mon contrat" }));
    expect(row.triageReason).toBe("NO_ATTACHMENT");
    const shown = await readInboundEmail(t.db, row.id, { actor: actor() });
    expect(shown!.suggestedMemberNumber).toBe(member.memberNumber);

    await dismissInboundEmail(t.db, { id: row.id, reason: "Question traitée par téléphone", actor: actor() });
    const [after] = await t.db.select().from(inboundClaimEmails).where(eq(inboundClaimEmails.id, row.id));
    expect(after).toMatchObject({ status: "DISMISSED", dismissReason: "Question traitée par téléphone", handledByUserId: handler.id });
    const audited = await t.db.select().from(auditLog).where(eq(auditLog.action, "claims.email.dismissed"));
    expect(audited.map((a) => a.targetId)).toContain(row.id);
    expect((await listInboundEmails(t.db, { status: "DISMISSED", page: 1, pageSize: 50 })).items.map((i) => i.id)).toContain(row.id);
  });

  it("keeps an unreadable message for triage and can still attach it", async () => {
    const { row } = await receive(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]));
    expect(row.status).toBe("TRIAGE");
    const shown = await readInboundEmail(t.db, row.id, { actor: actor() });
    expect(shown!.attachments).toEqual([]);
    const attached = await attachInboundEmail(t.db, { id: row.id, memberNumber: member.memberNumber!, beneficiaryId: member.id, actor: actor() });
    expect(attached.documents).toBe(0);
  });
});

describe("demo triage messages", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("are seeded in the triage queue with their reasons, and go with a demo reset", async () => {
    await seedDemoData(t.db, { members: MIN_MEMBER_COUNT });
    const rows = await t.db.select().from(inboundClaimEmails).orderBy(inboundClaimEmails.receivedAt);
    expect(rows.map((r) => [r.status, r.triageReason])).toEqual([
      ["TRIAGE", "UNKNOWN_SENDER"],
      ["TRIAGE", "REJECTED_ATTACHMENT"],
      ["TRIAGE", "NO_REFERENCE"],
    ]);
    await resetDemoData(t.db);
    expect(await t.db.select().from(inboundClaimEmails)).toHaveLength(0);
  });
});
