import { outboxMails } from "./support/outbox";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InspectedDocument } from "~/features/claims/member/documents";
import { loadClaimReview, readClaimDocumentForStaff } from "~/features/claims/review/claim-review.server";
import { adjustClaimLine, approveClaim, keyInClaimLine, rejectClaim, returnClaim } from "~/features/claims/review/decide-claim.server";
import { listReviewQueue } from "~/features/claims/review/review-queue.server";
import { ReviewError } from "~/features/claims/review/review-status";
import { submitClaim } from "~/features/claims/member/submit-claim.server";
import { nirHint } from "~/platform/identifiers/identifiers";
import { auditLog, claimEvents, claimLines, claims, persons } from "~/platform/db/schema";
import { CLAIMS_NOW, claimFiles, createHousehold, gpLine, type Household, onlineClaim } from "./support/claims-fixtures";
import { createUser } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
let handler: { id: string; email: string };
beforeAll(async () => {
  t = await createTestDatabase();
  handler = await createUser(t.db, { role: "CLAIMS_HANDLER", withTotp: true });
});
afterAll(async () => {
  await t?.dispose();
});

const NOW = CLAIMS_NOW;
const HOUR = 3_600_000;

let docCounter = 0;
const docs = (): InspectedDocument[] => claimFiles(`revue ${++docCounter}`);

/**
 * A claim the engine sends to review: care dated after its reception is a blocking check
 * (CARE_IN_FUTURE), whatever the score.
 */
async function claimInReview(h: Household, options: { receivedAt?: Date; realCostCents?: number; documents?: InspectedDocument[] } = {}) {
  const receivedAt = options.receivedAt ?? new Date(NOW.getTime() - 2 * HOUR);
  const careDate = new Date(receivedAt.getTime() + 5 * 86_400_000).toISOString().slice(0, 10);
  const submitted = await t.db.transaction((tx) =>
    submitClaim(
      tx,
      onlineClaim(h, options.documents ?? docs(), {
        lines: [gpLine({ careDate, ...(options.realCostCents ? { realCostCents: options.realCostCents } : {}) })],
        receivedAt,
        now: receivedAt,
      }),
    ),
  );
  expect(submitted.status).toBe("REVIEW");
  return submitted;
}

const ctx = (now = NOW) => ({ actor: { userId: handler.id, label: handler.email }, ipHash: "ip-hash", now });

async function auditOf(action: string, number: string) {
  return t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, number)));
}

async function mailsTo(address: string) {
  return outboxMails(t.db, { to: address });
}

describe(`staff review of claims (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("lists claims in review, oldest first, filtered by reason, age and amount", async () => {
    const h = await createHousehold(t.db);
    const old = await claimInReview(h, { receivedAt: new Date(NOW.getTime() - 72 * HOUR), realCostCents: 12_000 });
    const recent = await claimInReview(h, { receivedAt: new Date(NOW.getTime() - 3 * HOUR) });
    const all = await listReviewQueue(t.db, { page: 1, pageSize: 50 }, NOW);
    const numbers = all.items.map((i) => i.number);
    expect(numbers.indexOf(old.number)).toBeLessThan(numbers.indexOf(recent.number));
    expect(all.items.find((i) => i.number === old.number)?.reasons.map((r) => r.code)).toContain("CARE_IN_FUTURE");

    const byReason = await listReviewQueue(t.db, { reason: "CARE_IN_FUTURE", page: 1, pageSize: 50 }, NOW);
    expect(byReason.items.map((i) => i.number)).toEqual(expect.arrayContaining([old.number, recent.number]));
    const otherReason = await listReviewQueue(t.db, { reason: "HEARING_AID_SAME_EAR", page: 1, pageSize: 50 }, NOW);
    expect(otherReason.items.map((i) => i.number)).not.toContain(old.number);

    const older = await listReviewQueue(t.db, { age: "plus-48h", page: 1, pageSize: 50 }, NOW);
    expect(older.items.map((i) => i.number)).toContain(old.number);
    expect(older.items.map((i) => i.number)).not.toContain(recent.number);
    const younger = await listReviewQueue(t.db, { age: "moins-24h", page: 1, pageSize: 50 }, NOW);
    expect(younger.items.map((i) => i.number)).toEqual(expect.arrayContaining([recent.number]));
    expect(younger.items.map((i) => i.number)).not.toContain(old.number);

    const expensive = await listReviewQueue(t.db, { minAmountCents: 10_000, page: 1, pageSize: 50 }, NOW);
    expect(expensive.items.map((i) => i.number)).toEqual([old.number]);
    const cheap = await listReviewQueue(t.db, { maxAmountCents: 5_000, page: 1, pageSize: 50 }, NOW);
    expect(cheap.items.map((i) => i.number)).not.toContain(old.number);

    const paged = await listReviewQueue(t.db, { page: 1, pageSize: 1 }, NOW);
    expect(paged.items).toHaveLength(1);
    expect(paged.hasNextPage).toBe(true);
    expect(paged.total).toBeGreaterThanOrEqual(2);
  });

  it("shows the claim with masked identifiers, the engine's trace, the signals and the documents", async () => {
    const h = await createHousehold(t.db);
    await t.db
      .update(persons)
      .set({ nirHint: nirHint("280058312345678") })
      .where(eq(persons.id, h.member.id));
    const submitted = await claimInReview(h);
    const review = await loadClaimReview(t.db, submitted.number);
    expect(review).not.toBeNull();
    expect(review!.beneficiary.nir).toBe("2 80 05 •• ••• ••• 78");
    expect(JSON.stringify(review)).not.toContain("280058312345678");
    expect(review!.reasons.map((r) => r.code)).toContain("CARE_IN_FUTURE");
    expect(review!.lines).toHaveLength(1);
    expect(review!.lines[0]!.valuation.trace.length).toBeGreaterThan(0);
    expect(review!.lines[0]!.maxAmcCents).toBe(1_100);
    expect(review!.documents.map((d) => d.kind).sort()).toEqual(["INVOICE", "SECU_STATEMENT"]);
    expect(review!.decidable).toBe(true);
    expect(await loadClaimReview(t.db, "RB-2026-9999999")).toBeNull();
  });

  it("approves: VALUATED, timeline, e-mail with the amount, audit — and never twice, never a paid claim", async () => {
    const h = await createHousehold(t.db);
    const submitted = await claimInReview(h);
    const before = (await mailsTo(h.user.email)).length;
    await approveClaim(t.db, submitted.claimId, ctx());

    const [claim] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(claim).toMatchObject({ status: "VALUATED", decidedByUserId: handler.id, decidedAt: NOW, amcCents: 900 });
    const events = await t.db.select().from(claimEvents).where(eq(claimEvents.claimId, submitted.claimId));
    expect(events.find((e) => e.status === "VALUATED")).toMatchObject({ actorUserId: handler.id, actorLabel: handler.email });
    const mails = await mailsTo(h.user.email);
    expect(mails).toHaveLength(before + 1);
    expect(mails.at(-1)!.subject).toBe(`Demande de remboursement ${submitted.number} acceptée`);
    expect(mails.at(-1)!.textBody).toContain("9,00");
    const [audit] = await auditOf("claims.review.approved", submitted.number);
    expect(audit).toMatchObject({ actorUserId: handler.id, outcome: "success", ipHash: "ip-hash" });
    expect(audit!.details).toMatchObject({ from: "REVIEW", amcCents: 900 });

    await expect(approveClaim(t.db, submitted.claimId, ctx())).rejects.toMatchObject({ code: "conflict" });
    await t.db.update(claims).set({ status: "PAID", paidAt: NOW }).where(eq(claims.id, submitted.claimId));
    await expect(approveClaim(t.db, submitted.claimId, ctx())).rejects.toThrow(/déjà payée/);
    await expect(rejectClaim(t.db, { claimId: submitted.claimId, reason: "Trop tard" }, ctx())).rejects.toBeInstanceOf(ReviewError);
    expect(await mailsTo(h.user.email)).toHaveLength(before + 1);
  });

  it("adjusts a line within 0 and real cost − Sécu paid, recomputes the totals, tells the member", async () => {
    const h = await createHousehold(t.db);
    const submitted = await claimInReview(h);
    const adjust = (amcCents: number) =>
      adjustClaimLine(t.db, { claimId: submitted.claimId, lineNo: 1, amcCents, reason: "Dépassement justifié par le devis" }, ctx());
    await expect(adjust(1_101)).rejects.toMatchObject({ code: "invalid" });
    await expect(adjust(-1)).rejects.toMatchObject({ code: "invalid" });
    await expect(adjust(10.5)).rejects.toMatchObject({ code: "invalid" });
    await expect(
      adjustClaimLine(t.db, { claimId: submitted.claimId, lineNo: 2, amcCents: 100, reason: "Ligne inexistante" }, ctx()),
    ).rejects.toMatchObject({ code: "not-found" });
    expect(await auditOf("claims.review.line-adjusted", submitted.number)).toHaveLength(0);

    const { previousCents } = await adjust(1_100);
    expect(previousCents).toBe(900);
    const [claim] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(claim).toMatchObject({ status: "REVIEW", amcCents: 1_100, resteAChargeCents: 0, realCostCents: 3_000, amoPaidCents: 1_900 });
    const [line] = await t.db.select().from(claimLines).where(eq(claimLines.claimId, submitted.claimId));
    expect(line).toMatchObject({
      amcCents: 900,
      adjustedAmcCents: 1_100,
      adjustmentReason: "Dépassement justifié par le devis",
      adjustedByUserId: handler.id,
    });
    const events = await t.db.select().from(claimEvents).where(eq(claimEvents.claimId, submitted.claimId));
    expect(events.some((e) => e.note?.includes("Dépassement justifié par le devis") && e.actorUserId === handler.id)).toBe(true);
    const mails = await mailsTo(h.user.email);
    expect(mails.at(-1)!.subject).toBe(`Demande de remboursement ${submitted.number} : montant revu`);
    expect(mails.at(-1)!.textBody).toContain("11,00");
    const [audit] = await auditOf("claims.review.line-adjusted", submitted.number);
    expect(audit!.details).toMatchObject({ lineNo: 1, fromCents: 900, toCents: 1_100, claimAmcCents: 1_100 });

    // Approval pays the adjusted amount.
    await approveClaim(t.db, submitted.claimId, ctx());
    expect((await mailsTo(h.user.email)).at(-1)!.textBody).toContain("11,00");
  });

  it("returns a claim for a missing document, then it can no longer be returned", async () => {
    const h = await createHousehold(t.db);
    const submitted = await claimInReview(h);
    await returnClaim(
      t.db,
      { claimId: submitted.claimId, missing: "SECU_STATEMENT", message: "Le décompte doit montrer la date des soins." },
      ctx(),
    );
    const [claim] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(claim!.status).toBe("RETURNED");
    expect(claim!.returnReason).toBe("Document manquant : le décompte de l’Assurance Maladie. Le décompte doit montrer la date des soins.");
    const mail = (await mailsTo(h.user.email)).at(-1)!;
    expect(mail.subject).toBe(`Demande de remboursement ${submitted.number} : un justificatif manque`);
    expect(mail.textBody).toContain("le décompte de l’Assurance Maladie");
    expect(await auditOf("claims.review.returned", submitted.number)).toHaveLength(1);
    await expect(returnClaim(t.db, { claimId: submitted.claimId, missing: "INVOICE", message: null }, ctx())).rejects.toMatchObject({
      code: "conflict",
    });
    const queue = await listReviewQueue(t.db, { status: "RETURNED", page: 1, pageSize: 50 }, NOW);
    expect(queue.items.map((i) => i.number)).toContain(submitted.number);
  });

  it("rejects with a reason: every line rejected, nothing to pay, the member told why", async () => {
    const h = await createHousehold(t.db);
    const submitted = await claimInReview(h);
    const hostile = `<script>alert("x")</script> Soins non justifiés`;
    await rejectClaim(t.db, { claimId: submitted.claimId, reason: hostile }, ctx());
    const [claim] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(claim).toMatchObject({
      status: "REJECTED",
      amcCents: 0,
      resteAChargeCents: 1_100,
      rejectReason: hostile,
      decidedByUserId: handler.id,
    });
    const lines = await t.db.select().from(claimLines).where(eq(claimLines.claimId, submitted.claimId));
    expect(lines.every((l) => l.status === "REJECTED")).toBe(true);
    const mail = (await mailsTo(h.user.email)).at(-1)!;
    expect(mail.subject).toBe(`Demande de remboursement ${submitted.number} refusée`);
    expect(mail.textBody).toContain("Motif : <script>");
    expect(mail.htmlBody).toBeNull();
    expect(await auditOf("claims.review.rejected", submitted.number)).toHaveLength(1);
    const review = await loadClaimReview(t.db, submitted.number);
    expect(review!.decidable).toBe(false);
  });

  it("refuses to approve an e-mail claim before its figures are keyed in; once keyed in, the engine values it", async () => {
    const h = await createHousehold(t.db);
    const submitted = await t.db.transaction((tx) =>
      submitClaim(tx, {
        channel: "EMAIL",
        contractId: h.contract.id,
        beneficiaryId: h.member.id,
        submittedByUserId: null,
        actor: { userId: null, label: "system" },
        lines: null,
        invoiceNumber: null,
        documents: docs().slice(0, 1),
        receivedAt: NOW,
        now: NOW,
        notifyMember: false,
      }),
    );
    await expect(approveClaim(t.db, submitted.claimId, ctx())).rejects.toThrow(/saisissez d’abord les montants/);
    const [claim] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(claim!.status).toBe("REVIEW");

    const keyed = await keyInClaimLine(t.db, { claimId: submitted.claimId, line: gpLine(), invoiceNumber: "F-MAIL-1" }, ctx());
    expect(keyed).toMatchObject({ number: submitted.number, amcCents: 900 });
    const [valued] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(valued).toMatchObject({ status: "REVIEW", realCostCents: 3_000, amoPaidCents: 1_900, amcCents: 900, invoiceNumber: "F-MAIL-1" });
    expect(valued!.reviewReasons.map((r) => r.code)).not.toContain("DATA_ENTRY_REQUIRED");
    const lines = await t.db.select().from(claimLines).where(eq(claimLines.claimId, submitted.claimId));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.valuation.trace.length).toBeGreaterThan(0);
    const [audit] = await auditOf("claims.review.keyed-in", submitted.number);
    expect(audit!.details).toMatchObject({ category: "GP", realCostCents: 3_000, amcCents: 900 });
    await expect(keyInClaimLine(t.db, { claimId: submitted.claimId, line: gpLine(), invoiceNumber: null }, ctx())).rejects.toMatchObject({
      code: "conflict",
    });
    await approveClaim(t.db, submitted.claimId, ctx());
    const [approved] = await t.db.select().from(claims).where(eq(claims.id, submitted.claimId));
    expect(approved).toMatchObject({ status: "VALUATED", amcCents: 900 });
  });

  it("decrypts a document on demand and audits the access, only for the claim it belongs to", async () => {
    const a = await createHousehold(t.db);
    const b = await createHousehold(t.db);
    const files = docs();
    const submitted = await claimInReview(a, { documents: files });
    const other = await claimInReview(b);
    const review = await loadClaimReview(t.db, submitted.number);
    const invoice = review!.documents.find((d) => d.kind === "INVOICE")!;
    const read = await readClaimDocumentForStaff(t.db, { number: submitted.number, documentId: invoice.id }, ctx());
    expect(read).not.toBeNull();
    expect(new Uint8Array(read!.bytes)).toEqual(files[0]!.bytes);
    expect(read!.mimeType).toBe("application/pdf");
    const audits = await auditOf("claims.document.downloaded", submitted.number);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ documentId: invoice.id, kind: "INVOICE" });

    expect(await readClaimDocumentForStaff(t.db, { number: other.number, documentId: invoice.id }, ctx())).toBeNull();
    expect(await auditOf("claims.document.downloaded", other.number)).toHaveLength(0);
  });
});
