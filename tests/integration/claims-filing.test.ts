import { outboxMails } from "./support/outbox";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptDocumentContent } from "~/features/claims/member/documents.server";
import {
  estimateClaim,
  fileClaimOnline,
  getMemberClaim,
  getMemberClaimDocument,
  listMemberClaims,
  processClaimPost,
} from "~/features/claims/member/member-claims.server";
import type { ClaimForm } from "~/features/claims/member/schemas";
import { ClaimError, submitClaim } from "~/features/claims/member/submit-claim.server";
import type { ClaimLineInput } from "~/features/claims/engine/types";
import { auditLog, claimDocuments, claimEvents, claimLines, claims } from "~/platform/db/schema";
import { CLAIMS_NOW, claimFiles, createHousehold, gpLine, onlineClaim, pdfBytes } from "./support/claims-fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.dispose();
});

const NOW = CLAIMS_NOW;
const docs = claimFiles;

const gpForm = (beneficiaryId: string, overrides: Partial<ClaimLineInput> = {}, invoiceNumber: string | null = null): ClaimForm => ({
  beneficiaryId,
  invoiceNumber,
  line: gpLine(overrides),
});

async function claimsOf(contractId: string) {
  return t.db.select().from(claims).where(eq(claims.contractId, contractId));
}

describe(`submitClaim (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("settles a clean GP claim at once: VALUATED, lines, encrypted documents, timeline, audit and one e-mail", async () => {
    const h = await createHousehold(t.db);
    const submitted = await t.db.transaction((tx) =>
      submitClaim(tx, onlineClaim(h, docs("a"), { invoiceNumber: "F-2026-001" })),
    );
    expect(submitted.status).toBe("VALUATED");
    expect(submitted.number).toMatch(/^RB-2026-\d{7}$/);
    expect(submitted.result?.decision).toBe("AUTO_SETTLE");

    const [claim] = await claimsOf(h.contract.id);
    expect(claim).toMatchObject({ status: "VALUATED", channel: "ONLINE", realCostCents: 3_000, amoPaidCents: 1_900, amcCents: 900, resteAChargeCents: 200 });
    expect(claim!.decidedAt).toEqual(NOW);

    const lines = await t.db.select().from(claimLines).where(eq(claimLines.claimId, claim!.id));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ lineNo: 1, category: "GP", careDate: "2026-06-10", amcCents: 900, status: "COVERED", guaranteeCategory: "doctor-optam" });
    expect(lines[0]!.valuation.explanation.length).toBeGreaterThan(20);

    const stored = await t.db.select().from(claimDocuments).where(eq(claimDocuments.claimId, claim!.id));
    expect(stored.map((d) => d.kind).sort()).toEqual(["INVOICE", "SECU_STATEMENT"]);
    for (const d of stored) {
      // Neither the clear bytes nor their plain base64 encoding ("%PDF-1.7" → "JVBERi0xLjc") are stored.
      expect(d.contentEnc.includes(Buffer.from("%PDF"))).toBe(false);
      expect(d.contentEnc.includes(Buffer.from("facture"))).toBe(false);
      expect(new TextDecoder().decode(decryptDocumentContent(d.contentEnc)).startsWith("%PDF-1.7")).toBe(true);
      expect(d.fileHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }

    const events = await t.db.select().from(claimEvents).where(eq(claimEvents.claimId, claim!.id));
    expect(events.map((e) => e.status).sort()).toEqual(["CHECKED", "SUBMITTED", "VALUATED"]);

    const mails = await outboxMails(t.db, { template: "claims.valuated" });
    const mine = mails.filter((m) => m.toAddress === h.user.email);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toContain(submitted.number);
    expect(mine[0]!.textBody).toContain("9,00");

    const [audit] = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "claims.submitted"), eq(auditLog.targetId, submitted.number)));
    expect(audit).toMatchObject({ actorUserId: h.user.id, outcome: "success" });
    expect(audit!.details).toMatchObject({ channel: "ONLINE", status: "VALUATED", documents: 2, amcCents: 900 });
  });

  it("sends an e-mail claim without figures to review (DATA_ENTRY_REQUIRED), never rejects it", async () => {
    const h = await createHousehold(t.db);
    const submitted = await t.db.transaction((tx) =>
      submitClaim(tx, {
        channel: "EMAIL",
        contractId: h.contract.id,
        beneficiaryId: h.child.id,
        submittedByUserId: null,
        actor: { userId: null, label: "system" },
        lines: null,
        invoiceNumber: null,
        documents: docs("mail").slice(0, 1),
        receivedAt: new Date(NOW.getTime() - 60_000),
        now: NOW,
        notifyMember: false,
      }),
    );
    expect(submitted.status).toBe("REVIEW");
    expect(submitted.result).toBeNull();
    const [claim] = await claimsOf(h.contract.id);
    expect(claim!.reviewReasons.map((r) => r.code)).toEqual(["DATA_ENTRY_REQUIRED"]);
    expect(claim!.decidedAt).toBeNull();
    const mails = await outboxMails(t.db, { to: h.user.email });
    expect(mails).toHaveLength(0);
  });

  it("refuses a beneficiary of another contract, and writes nothing", async () => {
    const a = await createHousehold(t.db);
    const b = await createHousehold(t.db);
    await expect(
      t.db.transaction((tx) =>
        submitClaim(tx, onlineClaim(a, docs("x"), { beneficiaryId: b.member.id })),
      ),
    ).rejects.toBeInstanceOf(ClaimError);
    expect(await claimsOf(a.contract.id)).toHaveLength(0);
    expect(await claimsOf(b.contract.id)).toHaveLength(0);
  });

  it("sends a second claim with the same invoice file to review with its reasons", async () => {
    const h = await createHousehold(t.db);
    const file = docs("same");
    const submit = (invoiceNumber: string) =>
      t.db.transaction((tx) =>
        submitClaim(tx, onlineClaim(h, file, { invoiceNumber })),
      );
    expect((await submit("F-1")).status).toBe("VALUATED");
    const second = await submit("F-1");
    expect(second.status).toBe("REVIEW");
    expect(second.result!.reasons.length).toBeGreaterThan(0);
    const [row] = await t.db.select().from(claims).where(eq(claims.number, second.number));
    expect(row!.reviewReasons.map((r) => r.code)).toEqual(expect.arrayContaining(["DUPLICATE_FILE"]));
    expect(row!.status).not.toBe("REJECTED");
  });

  it("values parallel claims of one beneficiary one after the other: a yearly allowance is never paid twice", async () => {
    const h = await createHousehold(t.db);
    // F2: alternative medicine, 2 sessions a year at 30 € each.
    const line = (day: string): ClaimLineInput => ({
      category: "ALTERNATIVE_MEDICINE",
      careDate: `2026-06-${day}`,
      realCostCents: 6_000,
      secu: { covered: false },
      providerName: `Ostéopathe ${day}`,
      sessions: 1,
    });
    await Promise.all(
      ["01", "02", "03", "04"].map((day) =>
        t.db.transaction((tx) =>
          submitClaim(
            tx,
            onlineClaim(h, [{ kind: "INVOICE", fileName: "f.pdf", mimeType: "application/pdf", bytes: pdfBytes(`ost ${day}`) }], {
              beneficiaryId: h.spouse.id,
              lines: [line(day)],
              invoiceNumber: `OST-${day}`,
            }),
          ),
        ),
      ),
    );
    const rows = await t.db.select({ amc: claimLines.amcCents }).from(claimLines).innerJoin(claims, eq(claims.id, claimLines.claimId)).where(eq(claims.contractId, h.contract.id));
    expect(rows).toHaveLength(4);
    expect(rows.reduce((sum, r) => sum + r.amc, 0)).toBe(6_000);
  });
});

describe("fileClaimOnline: idempotency", () => {
  it("gives back the same claim for the same key and payload, and refuses the key with another payload", async () => {
    const h = await createHousehold(t.db);
    const first = await fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "cle-idempotence-0001", form: gpForm(h.member.id), files: docs("k"), now: NOW });
    expect(first.kind).toBe("created");
    const number = first.kind === "created" ? first.claim.number : "";
    const again = await fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "cle-idempotence-0001", form: gpForm(h.member.id), files: docs("k"), now: new Date(NOW.getTime() + 5_000) });
    expect(again).toEqual({ kind: "existing", number });
    const changed = await fileClaimOnline(t.db, {
      member: h.memberRef,
      idempotencyKey: "cle-idempotence-0001",
      form: gpForm(h.member.id, { realCostCents: 3_500 }),
      files: docs("k"),
      now: NOW,
    });
    expect(changed).toEqual({ kind: "conflict", number });
    const otherFile = await fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "cle-idempotence-0001", form: gpForm(h.member.id), files: docs("other"), now: NOW });
    expect(otherFile.kind).toBe("conflict");
    expect(await claimsOf(h.contract.id)).toHaveLength(1);
  });

  it("creates exactly one claim from 8 parallel identical submissions", async () => {
    const h = await createHousehold(t.db);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "double-clic-000000001", form: gpForm(h.member.id), files: docs("p"), now: NOW })),
    );
    const rows = await claimsOf(h.contract.id);
    expect(rows).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "existing")).toHaveLength(7);
    for (const o of outcomes) expect(o.kind === "created" ? o.claim.number : o.kind === "existing" ? o.number : null).toBe(rows[0]!.number);
    const events = await t.db.select({ status: claimEvents.status }).from(claimEvents).where(eq(claimEvents.claimId, rows[0]!.id));
    expect(events).toHaveLength(3);
  });

  it("lets one key serve one claim only, even when parallel submissions name different beneficiaries", async () => {
    const h = await createHousehold(t.db);
    const outcomes = await Promise.all(
      [h.member.id, h.spouse.id, h.child.id].map((id) => fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "meme-cle-3-personnes", form: gpForm(id), files: docs("b"), now: NOW })),
    );
    expect(await claimsOf(h.contract.id)).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "conflict")).toHaveLength(2);
  });
});

describe("member reading", () => {
  it("lists the contract's claims newest first, shows one claim and its documents, and nothing of another contract", async () => {
    const h = await createHousehold(t.db);
    const other = await createHousehold(t.db);
    const older = await fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "lecture-0000000001", form: gpForm(h.child.id), files: docs("r1"), now: new Date(NOW.getTime() - 86_400_000) });
    const newer = await fileClaimOnline(t.db, { member: h.memberRef, idempotencyKey: "lecture-0000000002", form: gpForm(h.spouse.id, { careDate: "2026-06-12" }), files: docs("r2"), now: NOW });
    if (older.kind !== "created" || newer.kind !== "created") throw new Error("claims not created");

    const list = await listMemberClaims(t.db, h.member.id);
    expect(list.map((c) => c.number)).toEqual([newer.claim.number, older.claim.number]);
    expect(list[0]).toMatchObject({ beneficiaryFirstName: "Dominique", status: "VALUATED", amcCents: 900 });
    expect(list[0]!.timeline.map((e) => e.status)).toEqual(["SUBMITTED", "CHECKED", "VALUATED"]);

    const detail = await getMemberClaim(t.db, h.member.id, newer.claim.number);
    expect(detail?.lines[0]).toMatchObject({ amcCents: 900, valuation: { amoPaidCents: 1_900, resteAChargeCents: 200 } });
    const invoice = detail!.documents.find((d) => d.kind === "INVOICE")!;
    const file = await getMemberClaimDocument(t.db, h.memberRef, newer.claim.number, invoice.id, null);
    expect(file?.mimeType).toBe("application/pdf");

    expect(await listMemberClaims(t.db, other.member.id)).toEqual([]);
    expect(await getMemberClaim(t.db, other.member.id, newer.claim.number)).toBeNull();
    expect(await getMemberClaimDocument(t.db, other.memberRef, newer.claim.number, invoice.id, null)).toBeNull();
  });

  it("estimates without writing anything", async () => {
    const h = await createHousehold(t.db);
    const estimate = await estimateClaim(t.db, { personId: h.member.id, form: gpForm(h.member.id), now: NOW });
    expect(estimate?.totals).toEqual({ realCostCents: 3_000, amoPaidCents: 1_900, amcCents: 900, resteAChargeCents: 200 });
    expect(estimate?.explanation).toBeTruthy();
    expect(await claimsOf(h.contract.id)).toHaveLength(0);
  });
});

describe("processClaimPost (the HTTP form)", () => {
  const ORIGIN = "http://localhost:3000";

  function formBody(h: { member: { id: string } }, overrides: Record<string, string> = {}, files: Record<string, [Uint8Array, string] | null> = {}) {
    const form = new FormData();
    const fields: Record<string, string> = {
      idempotencyKey: `k-${Math.random().toString(36).slice(2)}-000000`,
      intent: "submit",
      beneficiaryId: h.member.id,
      category: "GP",
      careDate: "2026-06-10",
      providerName: "Dr Martin",
      providerOptam: "oui",
      realCost: "30,00",
      secuCovered: "oui",
      secuBase: "30",
      secuRate: "70",
      secuPaid: "19,00",
      ...overrides,
    };
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const withFiles = { invoice: [pdfBytes("inv"), "facture.pdf"] as [Uint8Array, string], secuStatement: [pdfBytes("dec"), "décompte.pdf"] as [Uint8Array, string], ...files };
    for (const [name, file] of Object.entries(withFiles)) if (file) form.set(name, new File([file[0] as BlobPart], file[1], { type: "application/pdf" }));
    return form;
  }
  const post = (body: FormData | string, headers: Record<string, string> = {}) => new Request(`${ORIGIN}/espace/remboursements/nouveau`, { method: "POST", body, headers });

  it("files a claim from the multipart form", async () => {
    const h = await createHousehold(t.db);
    const outcome = await processClaimPost(t.db, post(formBody(h)), { member: h.memberRef, now: NOW, ipHash: null });
    expect(outcome).toMatchObject({ kind: "filed", replayed: false });
    const [doc] = await t.db.select({ fileName: claimDocuments.fileName }).from(claimDocuments).innerJoin(claims, eq(claims.id, claimDocuments.claimId)).where(and(eq(claims.contractId, h.contract.id), eq(claimDocuments.kind, "SECU_STATEMENT")));
    expect(doc!.fileName).toBe("décompte.pdf");
  });

  it("refuses a declared body over the limit with 413 before reading it, and writes nothing", async () => {
    const h = await createHousehold(t.db);
    const outcome = await processClaimPost(t.db, post("x", { "Content-Length": String(30 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=x" }), { member: h.memberRef, now: NOW, ipHash: null });
    expect(outcome).toMatchObject({ kind: "rejected", status: 413 });
    expect(await claimsOf(h.contract.id)).toHaveLength(0);
  });

  it("cuts off a streamed body that grows past the limit (413)", async () => {
    const h = await createHousehold(t.db);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ > 40) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = new Request(`${ORIGIN}/espace/remboursements/nouveau`, { method: "POST", body: stream, headers: { "Content-Type": "multipart/form-data; boundary=x" }, duplex: "half" } as RequestInit);
    const outcome = await processClaimPost(t.db, request, { member: h.memberRef, now: NOW, ipHash: null });
    expect(outcome).toMatchObject({ kind: "rejected", status: 413 });
    expect(sent).toBeLessThan(30);
  });

  it("refuses HTML disguised as a PDF with 415, an 11 MB invoice with 413, and writes nothing", async () => {
    const h = await createHousehold(t.db);
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    const disguised = await processClaimPost(t.db, post(formBody(h, {}, { invoice: [html, "facture.pdf"] })), { member: h.memberRef, now: NOW, ipHash: null });
    expect(disguised).toMatchObject({ kind: "invalid", status: 415 });
    if (disguised.kind === "invalid") expect(disguised.result.error?.invoice?.[0]).toContain("ni un PDF");
    const big = await processClaimPost(t.db, post(formBody(h, {}, { invoice: [pdfBytes("big", 11 * 1024 * 1024), "gros.pdf"] })), { member: h.memberRef, now: NOW, ipHash: null });
    expect(big).toMatchObject({ kind: "invalid", status: 413 });
    expect(await claimsOf(h.contract.id)).toHaveLength(0);
  });

  it("requires the Sécu statement only when Sécu paid something", async () => {
    const h = await createHousehold(t.db);
    const missing = await processClaimPost(t.db, post(formBody(h, {}, { secuStatement: null })), { member: h.memberRef, now: NOW, ipHash: null });
    expect(missing).toMatchObject({ kind: "invalid", status: 400 });
    if (missing.kind === "invalid") expect(missing.result.error?.secuStatement?.[0]).toContain("décompte");
    const notCovered = await processClaimPost(
      t.db,
      post(formBody(h, { category: "ALTERNATIVE_MEDICINE", secuCovered: "non", realCost: "55", providerName: "Ostéopathe" }, { secuStatement: null })),
      { member: h.memberRef, now: NOW, ipHash: null },
    );
    expect(notCovered).toMatchObject({ kind: "filed" });
  });

  it("estimates (intent=estimate) without files and without saving", async () => {
    const h = await createHousehold(t.db);
    const outcome = await processClaimPost(t.db, post(formBody(h, { intent: "estimate" }, { invoice: null, secuStatement: null })), { member: h.memberRef, now: NOW, ipHash: null });
    expect(outcome.kind).toBe("estimate");
    if (outcome.kind === "estimate") expect(outcome.estimate.totals.amcCents).toBe(900);
    expect(await claimsOf(h.contract.id)).toHaveLength(0);
  });

  it("answers a replay of the same POST with the same claim", async () => {
    const h = await createHousehold(t.db);
    const body = formBody(h);
    const first = await processClaimPost(t.db, post(body), { member: h.memberRef, now: NOW, ipHash: null });
    const second = await processClaimPost(t.db, post(body), { member: h.memberRef, now: NOW, ipHash: null });
    expect(first).toMatchObject({ kind: "filed", replayed: false });
    expect(second).toEqual({ kind: "filed", number: first.kind === "filed" ? first.number : "", replayed: true });
    const third = await processClaimPost(t.db, post(formBody(h, { idempotencyKey: body.get("idempotencyKey") as string, realCost: "31" })), { member: h.memberRef, now: NOW, ipHash: null });
    expect(third).toMatchObject({ kind: "invalid", status: 409 });
    expect(await claimsOf(h.contract.id)).toHaveLength(1);
  });
});
