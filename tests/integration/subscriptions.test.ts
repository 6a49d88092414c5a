import { emailIndex, openPersonContact } from "~/platform/crypto/personal-data.server";
import { lastMailTo } from "./support/outbox";
import { openDraft } from "~/features/subscriptions/draft-storage.server";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeActivation } from "~/features/accounts/activate-account.server";
import { FORMULAS } from "~/features/members/formulas-catalogue";
import { isValidMemberNumber } from "~/platform/identifiers/identifiers";
import { getMemberDashboard } from "~/features/members/member-dashboard.server";
import { saveQuote } from "~/features/quotes/create-quote.server";
import { ensureTariff } from "~/features/quotes/ensure-tariff.server";
import { isMandateReference } from "~/features/subscriptions/sepa-mandate";
import { mandatePdfForDraft } from "~/features/subscriptions/mandate-pdf.server";
import { getSubscriptionDetail, listPendingSubscriptions, refuseSubscription, validateSubscription } from "~/features/subscriptions/review-subscriptions.server";
import { NIR_REVIEW_LABEL } from "~/features/subscriptions/format";
import { sendSignatureCode, verifySignatureCode } from "~/features/subscriptions/signature.server";
import {
  DRAFT_LIFETIME_MS,
  type Draft,
  completionOf,
  expireDrafts,
  findDraft,
  saveAddress,
  saveBank,
  saveDocuments,
  saveFormula,
  savePersons,
  startDraft,
} from "~/features/subscriptions/subscription-draft.server";
import { verifyAuditChain } from "~/platform/audit/verify.server";
import { blindIndex, decryptField } from "~/platform/crypto/keyring.server";
import { auditLog, authTokens, contracts, formulas, persons, sepaMandates, subscriptionDrafts } from "~/platform/db/schema";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureTariff(t.db);
  for (const { lines: _lines, ...formula } of FORMULAS) await t.db.insert(formulas).values(formula);
});
afterAll(async () => {
  await t.dispose();
});

const NOW = new Date("2026-11-29T10:00:00Z");
const NIR = "295109912611193"; // born October 1995 abroad (99)
const IBAN = "FR7630006000011234567890189";
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
let ipCounter = 0;
const client = () => ({ ipHash: `ip-${++ipCounter}` });

async function newQuote(email: string) {
  const saved = await saveQuote(
    t.db,
    {
      postcode: "83000",
      startDate: "2026-12-15",
      memberBirthDate: "1995-10-14",
      children: [{ birthDate: "2020-03-01" }],
      priorities: [],
      formula: "F2",
      email,
      sendByEmail: false,
    },
    client(),
    NOW,
  );
  if (saved.kind !== "saved") throw new Error(`quote not saved: ${saved.kind}`);
  return saved.reference;
}

async function reload(token: string): Promise<Draft> {
  const draft = await findDraft(t.db, token, NOW);
  if (!draft) throw new Error("draft lost");
  return draft;
}

/** A draft with every step filled in, ready for the signature. */
async function filledDraft(email: string, nir = NIR) {
  const reference = await newQuote(email);
  const started = await startDraft(t.db, { reference, email, client: client() }, NOW);
  if (started.kind !== "started") throw new Error(started.kind);
  const { token } = started;
  await saveFormula(t.db, await reload(token), "F2", NOW);
  await savePersons(
    t.db,
    await reload(token),
    [
      { civility: "Mme", firstName: "Camille", lastName: "Essai", birthDate: "1995-10-14", nir: nir.replace(/(.{3})/g, "$1 ") },
      { firstName: "Léo", lastName: "Essai", birthDate: "2020-03-01", nirMode: "parent", coveredBy: "0" },
    ],
    NOW,
  );
  await saveAddress(t.db, await reload(token), { addressLine: "12 rue des Lilas", addressLine2: "", postcode: "83000", city: "Toulon", email, phone: "06 39 98 12 34" }, NOW);
  await saveBank(t.db, await reload(token), { iban: "FR76 3000 6000 0112 3456 7890 189", bic: "", accountHolder: "Camille Essai" }, NOW);
  await saveDocuments(t.db, await reload(token), { startDate: "2026-12-15" }, NOW);
  return { token, reference, draft: await reload(token) };
}

const lastMail = (to: string, template: string) => lastMailTo(t.db, to, template);

async function codeFromMail(to: string): Promise<string> {
  const mail = await lastMail(to, "subscription.signature-code");
  const match = /: (\d{6})\n/.exec(mail?.textBody ?? "");
  if (!match?.[1]) throw new Error("no code in mail");
  return match[1];
}

describe("subscription draft", () => {
  it("starts only from a saved quote with its e-mail, and survives a reload step by step", async () => {
    const reference = await newQuote("reprise@exemple.fr");
    expect((await startDraft(t.db, { reference, email: "autre@exemple.fr", client: client() }, NOW)).kind).toBe("not-found");
    const started = await startDraft(t.db, { reference, email: "Reprise@Exemple.fr", client: client() }, NOW);
    expect(started.kind).toBe("started");
    if (started.kind !== "started") return;
    const first = await reload(started.token);
    expect(first.quote.persons.map((p) => p.role)).toEqual(["MEMBER", "CHILD"]);
    expect(completionOf(first)).toMatchObject({ devis: false });
    await saveFormula(t.db, first, "F3", NOW);
    const again = await reload(started.token);
    expect(again.data.formulaCode).toBe("F3");
    expect(again.currentStep).toBe("personnes");
    expect(await findDraft(t.db, "x".repeat(43), NOW)).toBeNull();
  });

  it("stores NIR and IBAN only encrypted, with their hints", async () => {
    const own = "195100612300438";
    const { draft } = await filledDraft("chiffre@exemple.fr", own);
    const [raw] = await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id));
    const stored = JSON.stringify(raw);
    expect(stored).not.toContain(own);
    expect(stored).not.toContain(IBAN);
    expect(stored).not.toContain("3000 6000");
    expect(draft.data.persons?.[0]?.nirHint).toBe("1951038");
    expect(draft.ibanHint).toBe("FR760189");
    expect(decryptField("subscription_drafts.nir", draft.data.persons![0]!.nirEnc!)).toBe(own);
    expect(isMandateReference(draft.mandateReference!)).toBe(true);
    expect(completionOf(draft)).toEqual({ devis: true, personnes: true, adresse: true, banque: true, documents: true, signature: false });
    expect(draft.data.documents?.consents.map((c) => c.key)).toEqual(["conditions", "privacy", "withdrawal"]);
    const pdf = await mandatePdfForDraft(draft);
    expect(Buffer.from(pdf!.bytes).subarray(0, 5).toString()).toBe("%PDF-");
  });
});

describe("e-signature code", () => {
  it("locks after 5 wrong attempts, audits each, and accepts a new code", async () => {
    const { draft } = await filledDraft("essais@exemple.fr", "295108312300146");
    expect((await sendSignatureCode(t.db, draft, client(), NOW)).kind).toBe("sent");
    const code = await codeFromMail("essais@exemple.fr");
    const wrong = code === "000000" ? "111111" : "000000";
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await verifySignatureCode(t.db, draft.id, wrong, client(), minutes(1)));
    expect(outcomes.map((o) => o.kind)).toEqual(["wrong", "wrong", "wrong", "wrong", "locked"]);
    expect(outcomes[0]).toEqual({ kind: "wrong", attemptsLeft: 4 });
    expect((await verifySignatureCode(t.db, draft.id, code, client(), minutes(2))).kind).toBe("locked");
    const attempts = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "subscription.signature.attempt"), eq(auditLog.targetId, draft.id)));
    expect(attempts.map((a) => a.outcome)).toEqual(["failure", "failure", "failure", "failure", "failure", "denied"]);
    const [row] = await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id));
    expect(row!.signatureCodeHash).toBeNull();
    expect(row!.signatureLockedAt).not.toBeNull();

    const fresh = openDraft((await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id)))[0]!);
    expect((await sendSignatureCode(t.db, fresh, client(), minutes(3))).kind).toBe("sent");
    const second = await codeFromMail("essais@exemple.fr");
    expect((await verifySignatureCode(t.db, draft.id, second, client(), minutes(4))).kind).toBe("signed");
  });

  it("expires after 10 minutes and limits how many codes are sent", async () => {
    const { draft } = await filledDraft("expire@exemple.fr", "195107512300220");
    expect((await sendSignatureCode(t.db, draft, client(), NOW)).kind).toBe("sent");
    const code = await codeFromMail("expire@exemple.fr");
    expect((await verifySignatureCode(t.db, draft.id, code, client(), minutes(10))).kind).toBe("expired");
    const [row] = await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id));
    expect(row!.signatureCodeHash).not.toContain(code);
    const kinds = [];
    for (let i = 0; i < 5; i++) kinds.push((await sendSignatureCode(t.db, openDraft(row!), client(), minutes(11 + i))).kind);
    expect(kinds).toEqual(["sent", "sent", "sent", "sent", "throttled"]);
    const sends = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "subscription.signature.code-sent"), eq(auditLog.targetId, draft.id)));
    expect(sends.map((s) => s.outcome)).toEqual(["success", "success", "success", "success", "success", "denied"]);
  });

  it("refuses to send a code before every step is done", async () => {
    const reference = await newQuote("incomplet@exemple.fr");
    const started = await startDraft(t.db, { reference, email: "incomplet@exemple.fr", client: client() }, NOW);
    if (started.kind !== "started") throw new Error(started.kind);
    expect((await sendSignatureCode(t.db, await reload(started.token), client(), NOW)).kind).toBe("not-ready");
  });
});

describe("submission and review", () => {
  it("creates a PENDING contract with encrypted identifiers, the mandate, an audit entry and an e-mail; validation activates the member", async () => {
    const email = "nouvelle.adherente@exemple.fr";
    const { draft, token } = await filledDraft(email);
    await sendSignatureCode(t.db, draft, client(), NOW);
    const signed = await verifySignatureCode(t.db, draft.id, await codeFromMail(email), client(), minutes(1));
    expect(signed.kind).toBe("signed");
    if (signed.kind !== "signed") return;
    expect(signed.contractNumber).toMatch(/^CT-2026-\d{6}$/);
    expect(isValidMemberNumber(signed.memberNumber)).toBe(true);

    const after = await reload(token);
    expect(after.status).toBe("SUBMITTED");
    const [contract] = await t.db.select().from(contracts).where(eq(contracts.id, after.contractId!));
    expect(contract).toMatchObject({ status: "PENDING", kind: "INDIVIDUAL", startDate: "2026-12-15", departement: "83", ibanHint: "FR760189" });
    expect(decryptField("contracts.iban", contract!.ibanEnc!)).toBe(IBAN);
    expect(contract!.ibanBidx).toBe(blindIndex("iban", IBAN));
    const people = await t.db.select().from(persons).where(eq(persons.contractId, contract!.id));
    const member = people.find((p) => p.role === "MEMBER")!;
    const child = people.find((p) => p.role === "CHILD")!;
    expect(decryptField("persons.nir", member.nirEnc!)).toBe(NIR);
    expect(member).toMatchObject({ nirBidx: blindIndex("nir", NIR), nirHint: "2951093", memberNumber: signed.memberNumber, emailBidx: emailIndex(email), civility: "Mme" });
    // Contact details only encrypted, on the member alone.
    expect(openPersonContact(member)).toEqual({ email, phone: "06 39 98 12 34" });
    expect(child).toMatchObject({ emailEnc: null, phoneEnc: null });
    expect(child).toMatchObject({ nirEnc: null, nirHolderPersonId: member.id, birthRank: 1, coveredFrom: "2026-12-15" });
    const [mandate] = await t.db.select().from(sepaMandates).where(eq(sepaMandates.contractId, contract!.id));
    expect(mandate).toMatchObject({ reference: draft.mandateReference, debtorName: "Camille Essai", ibanHint: "FR760189" });
    expect(await lastMail(email, "subscription.received")).toBeDefined();
    const submittedAudit = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "subscription.submitted"), eq(auditLog.targetId, contract!.id)));
    expect(submittedAudit).toHaveLength(1);
    expect(JSON.stringify(submittedAudit)).not.toContain(NIR);

    const pending = await listPendingSubscriptions(t.db);
    expect(pending.map((p) => p.id)).toContain(draft.id);
    const detail = await getSubscriptionDetail(t.db, draft.id);
    expect(detail?.persons.find((p) => p.role === "MEMBER")?.nir).toBe("2 95 10 •• ••• ••• 93");
    expect(detail?.contract.iban).toContain("••••");
    expect(JSON.stringify(detail)).not.toContain(NIR);
    expect(detail?.consents).toHaveLength(3);

    const staff = { actor: { userId: null, label: "gestion@bascule.example" }, ipHash: "staff-ip" };
    expect((await validateSubscription(t.db, draft.id, staff, minutes(30))).kind).toBe("done");
    expect((await validateSubscription(t.db, draft.id, staff, minutes(31))).kind).toBe("not-pending");
    const [active] = await t.db.select().from(contracts).where(eq(contracts.id, contract!.id));
    expect(active!.status).toBe("ACTIVE");
    const mail = await lastMail(email, "subscription.validated");
    const activationToken = /\/activation\/([A-Za-z0-9_-]{43})/.exec(mail!.textBody ?? "")![1]!;
    expect(await t.db.select().from(authTokens).where(eq(authTokens.personId, member.id))).toHaveLength(1);
    const activated = await completeActivation(t.db, { token: activationToken, password: "une phrase de passe tout à fait solide", client: { ipHash: "x", userAgent: "vitest" } }, minutes(40));
    expect(activated.kind).toBe("activated");
    const dashboard = await getMemberDashboard(t.db, member.id);
    expect(dashboard?.contract).toMatchObject({ number: signed.contractNumber, status: "ACTIVE" });
    expect(dashboard?.beneficiaries).toHaveLength(2);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "subscription.validated"))).toHaveLength(1);
  });

  it("refuses with a reason: contract REFUSED, prospect told, hostile text kept as text", async () => {
    const email = "refus@exemple.fr";
    const { draft } = await filledDraft(email, "295101312300391");
    await sendSignatureCode(t.db, draft, client(), NOW);
    expect((await verifySignatureCode(t.db, draft.id, await codeFromMail(email), client(), minutes(1))).kind).toBe("signed");
    const reason = "Pièce manquante <script>alert(1)</script> ' OR 1=1 --";
    const staff = { actor: { userId: null, label: "admin.alice@bascule.example" }, ipHash: null };
    expect((await refuseSubscription(t.db, draft.id, reason, staff, minutes(5))).kind).toBe("done");
    const [row] = await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id));
    expect(row).toMatchObject({ status: "REFUSED", refusalReason: reason, decidedByLabel: "admin.alice@bascule.example" });
    const [contract] = await t.db.select().from(contracts).where(eq(contracts.id, row!.contractId!));
    expect(contract!.status).toBe("REFUSED");
    expect((await lastMail(email, "subscription.refused"))?.textBody).toContain(reason);
    expect(await t.db.select().from(auditLog).where(and(eq(auditLog.action, "subscription.refused"), eq(auditLog.targetId, contract!.id)))).toHaveLength(1);
  });

  it("accepts a subscription with an already known NIR like any other and leaves it to staff review", async () => {
    const email = "doublon@exemple.fr";
    const { draft } = await filledDraft(email, NIR);
    await sendSignatureCode(t.db, draft, client(), NOW);
    const before = (await t.db.select().from(contracts)).length;
    // The same answer as for anyone else: nothing tells the signer that the NIR is known.
    const signed = await verifySignatureCode(t.db, draft.id, await codeFromMail(email), client(), minutes(1));
    expect(signed.kind).toBe("signed");
    expect((await t.db.select().from(contracts)).length).toBe(before + 1);
    expect(await lastMail(email, "subscription.received")).toBeDefined();
    const [row] = await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id));
    const people = await t.db.select().from(persons).where(eq(persons.contractId, row!.contractId!));
    const member = people.find((p) => p.role === "MEMBER")!;
    // The NIR is kept (encrypted, with its hint) but not indexed: the existing file keeps the index.
    expect(decryptField("persons.nir", member.nirEnc!)).toBe(NIR);
    expect(member).toMatchObject({ nirBidx: null, nirHint: "2951093" });

    const pending = await listPendingSubscriptions(t.db);
    expect(pending.find((p) => p.id === draft.id)?.nirReview).toBe(true);
    expect(pending.filter((p) => p.id !== draft.id).every((p) => !p.nirReview)).toBe(true);
    const detail = await getSubscriptionDetail(t.db, draft.id);
    expect(detail?.nirReview).toBe(true);
    expect(detail?.persons.find((p) => p.role === "MEMBER")).toMatchObject({ nirAlreadyKnown: true, nir: "2 95 10 •• ••• ••• 93" });
    expect(detail?.persons.find((p) => p.role === "CHILD")?.nirAlreadyKnown).toBe(false);
    expect(NIR_REVIEW_LABEL).toContain("NIR déjà connu");

    const staff = { actor: { userId: null, label: "gestion@bascule.example" }, ipHash: "staff-ip" };
    expect((await validateSubscription(t.db, draft.id, staff, minutes(30))).kind).toBe("nir-check-required");
    expect((await t.db.select().from(contracts).where(eq(contracts.id, row!.contractId!)))[0]!.status).toBe("PENDING");
    expect((await validateSubscription(t.db, draft.id, { ...staff, nirChecked: true }, minutes(31))).kind).toBe("done");
    const [audit] = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "subscription.validated"), eq(auditLog.targetId, row!.contractId!)));
    expect(audit!.details).toMatchObject({ nirAlreadyKnownChecked: true });
  });

  it("keeps the audit chain intact and never logs a clear identifier", async () => {
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    const entries = await t.db.select().from(auditLog).where(like(auditLog.action, "subscription.%"));
    expect(entries.length).toBeGreaterThan(10);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(NIR);
    expect(text).not.toContain(IBAN);
  });
});

describe("abandoned drafts", () => {
  it("expire after 30 days and lose their data, encrypted identifiers included", async () => {
    const { draft, token } = await filledDraft("abandon@exemple.fr", "195107512300220");
    expect(await expireDrafts(t.db, new Date(NOW.getTime() + DRAFT_LIFETIME_MS - 1000))).toBe(0);
    expect(await expireDrafts(t.db, new Date(NOW.getTime() + DRAFT_LIFETIME_MS))).toBeGreaterThanOrEqual(1);
    const [row] = await t.db.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draft.id));
    expect(row).toMatchObject({ status: "EXPIRED", data: {}, ibanEnc: null, signatureCodeHash: null });
    expect(await findDraft(t.db, token, new Date(NOW.getTime() + DRAFT_LIFETIME_MS))).toBeNull();
  });
});
