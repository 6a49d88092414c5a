import { randomBytes } from "node:crypto";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { hashToken } from "~/features/accounts/index.server";
import { ibanHint, nirHint, normalizeIban, normalizeNir } from "~/platform/identifiers/identifiers";
import { getQuoteForSubscription } from "~/features/quotes/index.server";
import { appendAudit } from "~/platform/audit/audit.server";
import { blockedFor, hit, type ThrottleRule } from "~/platform/auth/throttle.server";
import { config } from "~/platform/config/env.server";
import { blindIndex, encryptField } from "~/platform/crypto/keyring.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { type SubscriptionDraftData, type SubscriptionQuoteSnapshot, contracts, persons, subscriptionDrafts } from "~/platform/db/schema";
import { CONSENT_DOCUMENTS } from "./consents";
import { type OpenedDraft, openDraft, sealDraftData, sealQuoteSnapshot } from "./draft-storage.server";
import { mandateReference } from "./sepa-mandate";
import { type StepCompletion, type StepKey, nextStep } from "./steps";
import { parisDateOf } from "~/platform/time/paris";

/*
 * The subscription draft: created from a saved quote, filled in step by step, each step written
 * on submit so that nothing is lost on reload or when the service is closed for a while. The
 * prospect holds a random token in an HttpOnly cookie; the database keeps only its SHA-256.
 */

/** A draft as the subscription code sees it: its e-mail address and phone number decrypted. */
export type Draft = OpenedDraft;
export type ClientInfo = { ipHash: string };

/** A draft, and the cookie, live 30 days: as long as the quote's prices are guaranteed. */
export const DRAFT_LIFETIME_MS = 30 * 24 * 60 * 60_000;
/** Reference + e-mail lookups per IP: enough for typos, too few to guess references. */
const LOOKUP_RULE: ThrottleRule = { limit: 20, windowMs: 60 * 60_000, blockMs: 60 * 60_000 };

export const NIR_PURPOSE = "subscription_drafts.nir";
export const IBAN_PURPOSE = "subscription_drafts.iban";

function draftCookieName(): string {
  return config().secureCookies ? "__Host-bascule_adhesion" : "bascule_adhesion";
}

export function serializeDraftCookie(token: string): string {
  const secure = config().secureCookies ? "; Secure" : "";
  return `${draftCookieName()}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${DRAFT_LIFETIME_MS / 1000}${secure}`;
}

export function readDraftToken(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  const name = draftCookieName();
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) {
      const value = v.join("=");
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** The draft behind a cookie token, whatever its status, unless expired or unknown. */
export async function findDraft(db: DbOrTx, token: string | null, now = new Date()): Promise<Draft | null> {
  if (!token) return null;
  const [row] = await db
    .select()
    .from(subscriptionDrafts)
    .where(and(eq(subscriptionDrafts.resumeTokenHash, hashToken(token)), gt(subscriptionDrafts.expiresAt, now)))
    .limit(1);
  return row ? openDraft(row) : null;
}

/** Which steps are complete, from what the draft holds. */
export function completionOf(draft: Pick<Draft, "data" | "ibanEnc" | "quote">): StepCompletion {
  const d = draft.data;
  return {
    devis: Boolean(d.formulaCode),
    personnes: (d.persons?.length ?? 0) === draft.quote.persons.length && draft.quote.persons.length > 0,
    adresse: Boolean(d.address),
    banque: Boolean(d.bank && draft.ibanEnc),
    documents: Boolean(d.documents),
    signature: false,
  };
}

/** Editable: still being filled in or waiting for the code (an edit then cancels the code). */
export function isEditable(draft: Pick<Draft, "status">): boolean {
  return draft.status === "DRAFT" || draft.status === "SIGNING";
}

// ---------------------------------------------------------------------------------------------
// Starting from a saved quote

export type StartResult =
  | { kind: "started"; token: string; draftId: string }
  | { kind: "not-found" }
  | { kind: "throttled"; retryAfterSeconds: number };

/** Opens a draft from a saved, still valid quote found by its reference and e-mail address. */
export async function startDraft(
  db: Db,
  input: { reference: string; email: string; client: ClientInfo },
  now = new Date(),
): Promise<StartResult> {
  const ipKey = `subscription:lookup:ip:${input.client.ipHash}`;
  const blocked = await blockedFor(db, ipKey, now);
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };
  const quote = await getQuoteForSubscription(db, input.reference, input.email);
  return db.transaction(async (tx) => {
    await hit(tx, ipKey, LOOKUP_RULE, now);
    if (!quote) {
      await appendAudit(tx, {
        actor: { userId: null, label: "anonyme" },
        action: "subscription.draft.start",
        outcome: "failure",
        ipHash: input.client.ipHash,
        details: { reason: "quote-not-found" },
      }, now);
      return { kind: "not-found" } as const;
    }
    const snapshot = snapshotOfQuote(quote);
    const token = randomBytes(32).toString("base64url");
    const [row] = await tx
      .insert(subscriptionDrafts)
      .values({
        resumeTokenHash: hashToken(token),
        quoteId: snapshot.quoteId,
        quoteReference: snapshot.reference,
        quote: sealQuoteSnapshot(snapshot),
        currentStep: "devis",
        data: {},
        createdAt: now,
        updatedAt: now,
        expiresAt: new Date(now.getTime() + DRAFT_LIFETIME_MS),
      })
      .returning({ id: subscriptionDrafts.id });
    await appendAudit(tx, {
      actor: { userId: null, label: "anonyme" },
      action: "subscription.draft.start",
      outcome: "success",
      targetType: "subscription",
      targetId: row!.id,
      ipHash: input.client.ipHash,
      details: { quoteReference: snapshot.reference },
    }, now);
    return { kind: "started", token, draftId: row!.id } as const;
  });
}

type SubscribableQuote = NonNullable<Awaited<ReturnType<typeof getQuoteForSubscription>>>;

function snapshotOfQuote(q: SubscribableQuote): SubscriptionQuoteSnapshot {
  return {
    quoteId: q.id,
    reference: q.reference,
    email: q.email,
    postcode: q.postcode,
    departement: q.departement,
    scheme: q.scheme === "ALSACE_MOSELLE" ? "ALSACE_MOSELLE" : "GENERAL",
    startDate: q.startDate,
    validUntil: q.expiresAt.toISOString(),
    persons: q.persons.map((p) => ({ role: p.role, birthDate: p.birthDate })),
    formulas: q.formulas.map((f) => ({ code: f.code, name: f.name, monthlyCents: f.monthlyCents })),
    chosenFormulaCode: q.chosenFormula,
  };
}

// ---------------------------------------------------------------------------------------------
// Saving each step

export type PersonsInput = {
  civility?: "Mme" | "M." | undefined;
  firstName: string;
  lastName: string;
  birthDate: string;
  nirMode?: "own" | "parent" | undefined;
  nir?: string | undefined;
  coveredBy?: string | undefined;
}[];

/** Writes one step's answers and moves the draft's current step; any edit cancels a pending code. */
async function saveStep(
  db: DbOrTx,
  draft: Draft,
  step: StepKey,
  patch: Partial<SubscriptionDraftData>,
  columns: Partial<Pick<Draft, "ibanEnc" | "ibanBidx" | "ibanHint" | "mandateReference">> = {},
  now = new Date(),
): Promise<void> {
  if (!isEditable(draft)) throw new Error("saveStep: draft is no longer editable");
  await db
    .update(subscriptionDrafts)
    .set({
      data: sealDraftData({ ...draft.data, ...patch }),
      ...columns,
      currentStep: nextStep(step),
      status: "DRAFT",
      signatureCodeHash: null,
      signatureCodeExpiresAt: null,
      signatureAttempts: 0,
      signatureLockedAt: null,
      updatedAt: now,
    })
    .where(and(eq(subscriptionDrafts.id, draft.id), inArray(subscriptionDrafts.status, ["DRAFT", "SIGNING"])));
}

export function saveFormula(db: DbOrTx, draft: Draft, formulaCode: string, now = new Date()) {
  return saveStep(db, draft, "devis", { formulaCode }, {}, now);
}

export function savePersons(db: DbOrTx, draft: Draft, input: PersonsInput, now = new Date()) {
  const persons = input.map((p, i) => {
    const isChild = draft.quote.persons[i]!.role === "CHILD";
    const onParent = isChild && p.nirMode === "parent";
    const nir = onParent ? null : normalizeNir(p.nir ?? "");
    // An empty NIR field keeps the number saved earlier (the form never shows it back in clear).
    const kept = !onParent && !nir ? draft.data.persons?.[i] : undefined;
    return {
      civility: isChild ? null : (p.civility ?? null),
      firstName: p.firstName,
      lastName: p.lastName,
      birthDate: p.birthDate,
      nirEnc: nir ? encryptField(NIR_PURPOSE, nir) : (kept?.nirEnc ?? null),
      nirHint: nir ? nirHint(nir) : (kept?.nirHint ?? null),
      coveredByIndex: onParent ? Number(p.coveredBy) : null,
    };
  });
  return saveStep(db, draft, "personnes", { persons }, {}, now);
}

export function saveAddress(db: DbOrTx, draft: Draft, input: NonNullable<SubscriptionDraftData["address"]>, now = new Date()) {
  return saveStep(db, draft, "adresse", { address: input }, {}, now);
}

export function saveBank(
  db: DbOrTx,
  draft: Draft,
  input: { iban: string; bic?: string | undefined; accountHolder: string },
  now = new Date(),
) {
  const iban = normalizeIban(input.iban);
  if (iban === "" && draft.ibanEnc) {
    return saveStep(db, draft, "banque", { bank: { accountHolder: input.accountHolder, bic: input.bic ?? "", mandateAcceptedAt: now.toISOString() } }, {}, now);
  }
  return saveStep(
    db,
    draft,
    "banque",
    { bank: { accountHolder: input.accountHolder, bic: input.bic ?? "", mandateAcceptedAt: now.toISOString() } },
    {
      ibanEnc: encryptField(IBAN_PURPOSE, iban),
      ibanBidx: blindIndex("iban", iban),
      ibanHint: ibanHint(iban),
      // The reference is fixed once, so the mandate the prospect downloads is the one signed.
      mandateReference: draft.mandateReference ?? mandateReference(parisDateOf(now), randomBytes(10)),
    },
    now,
  );
}

export function saveDocuments(db: DbOrTx, draft: Draft, input: { startDate: string }, now = new Date()) {
  const acceptedAt = now.toISOString();
  return saveStep(
    db,
    draft,
    "documents",
    { documents: { startDate: input.startDate, consents: CONSENT_DOCUMENTS.map((d) => ({ key: d.key, version: d.version, acceptedAt })) } },
    {},
    now,
  );
}

/** Drafts nobody finished are marked EXPIRED once past their lifetime (their data is then purged). */
export async function expireDrafts(db: DbOrTx, now = new Date()): Promise<number> {
  const rows = await db
    .update(subscriptionDrafts)
    .set({ status: "EXPIRED", data: {}, ibanEnc: null, ibanBidx: null, ibanHint: null, signatureCodeHash: null, updatedAt: now })
    .where(and(inArray(subscriptionDrafts.status, ["DRAFT", "SIGNING"]), sql`${subscriptionDrafts.expiresAt} <= ${now}`))
    .returning({ id: subscriptionDrafts.id });
  return rows.length;
}

/** What the confirmation page shows of a submitted draft's contract. */
export async function submittedContractOf(db: DbOrTx, contractId: string) {
  const [row] = await db
    .select({ number: contracts.number, startDate: contracts.startDate, memberNumber: persons.memberNumber })
    .from(contracts)
    .innerJoin(persons, and(eq(persons.contractId, contracts.id), eq(persons.role, "MEMBER")))
    .where(eq(contracts.id, contractId))
    .limit(1);
  return row ?? null;
}
