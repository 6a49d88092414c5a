import { randomInt, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { normalizeEmail } from "~/features/accounts";
import { appendAudit } from "~/platform/audit/audit.server";
import { type ThrottleRule, blockedFor, hit } from "~/platform/auth/throttle.server";
import { config } from "~/platform/config/env.server";
import { blindIndex, encryptField } from "~/platform/crypto/keyring.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { type QuotePersonJson, type QuoteResultJson, quotes } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { tariffFor } from "./ensure-tariff.server";
import { formulaSummaries } from "./guarantees.server";
import { type Need, recommendFormula } from "./needs";
import { quoteMail } from "./quote-mail";
import type { SavedQuote } from "./saved-quote";
import { REFERENCE_ALPHABET, type QuoteForm, type SaveQuoteForm } from "./schemas";
import { type FormulaPrice, type QuotePerson, ageProblem, priceAllFormulas } from "./tariff";
import { type Scheme, departementOfPostcode, schemeOfDepartement } from "./zones";

export const QUOTE_VALIDITY_DAYS = 30;
const DAY_MS = 24 * 60 * 60_000;

/** Saving sends e-mails and writes rows: a person saves a handful of quotes, not dozens. */
export const QUOTE_SAVE_RULE: ThrottleRule = { limit: 10, windowMs: 60 * 60_000, blockMs: 60 * 60_000 };
/** Reopening tests reference + e-mail pairs: limited like a login. */
export const QUOTE_REOPEN_RULE: ThrottleRule = { limit: 10, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };

export type ComputedQuote = {
  postcode: string;
  departement: string;
  zone: string;
  scheme: Scheme;
  startDate: string;
  persons: QuotePerson[];
  priorities: Need[];
  recommendedFormula: string;
  formulas: FormulaPrice[];
  tariffVersionId: string;
  tariffCode: string;
};

export type FieldErrors = Record<string, string[]>;

export type ComputeOutcome = { kind: "ok"; quote: ComputedQuote } | { kind: "invalid"; fieldErrors: FieldErrors; formErrors: string[] };

const AGE_MESSAGES = {
  NOT_BORN: "La personne doit être née avant la date de début de la couverture.",
  ADULT_TOO_YOUNG: "L’adhérent et son conjoint doivent avoir au moins 18 ans l’année du début de la couverture.",
  CHILD_TOO_OLD: "Un enfant peut être couvert à ce titre jusqu’à 25 ans (année de début − année de naissance) : au-delà, il adhère à son nom.",
} as const;

function personsOf(form: QuoteForm): { person: QuotePerson; field: string }[] {
  return [
    { person: { role: "MEMBER", birthDate: form.memberBirthDate }, field: "memberBirthDate" },
    ...(form.spouseBirthDate ? [{ person: { role: "SPOUSE" as const, birthDate: form.spouseBirthDate }, field: "spouseBirthDate" }] : []),
    ...form.children.map((c, i) => ({ person: { role: "CHILD" as const, birthDate: c.birthDate }, field: `children[${i}].birthDate` })),
  ];
}

/** Prices the four formulas for a validated form. No write, no e-mail. */
export async function computeQuote(db: DbOrTx, form: QuoteForm): Promise<ComputeOutcome> {
  const departement = departementOfPostcode(form.postcode);
  const tariff = await tariffFor(db, form.startDate);
  if (!tariff) {
    return { kind: "invalid", fieldErrors: { startDate: ["Aucun tarif n’est encore publié pour cette date de début : choisissez une date plus proche."] }, formErrors: [] };
  }
  const zone = departement ? tariff.departementZones[departement] : undefined;
  if (!departement || !zone) {
    return { kind: "invalid", fieldErrors: { postcode: ["Nous ne proposons pas de devis en ligne pour ce code postal : appelez-nous, nous vous répondrons."] }, formErrors: [] };
  }
  const people = personsOf(form);
  const fieldErrors: FieldErrors = {};
  for (const { person, field } of people) {
    const problem = ageProblem(tariff, form.startDate, person);
    if (problem) fieldErrors[field] = [AGE_MESSAGES[problem]];
  }
  if (Object.keys(fieldErrors).length > 0) return { kind: "invalid", fieldErrors, formErrors: [] };
  const scheme = schemeOfDepartement(departement);
  const persons = people.map((p) => p.person);
  return {
    kind: "ok",
    quote: {
      postcode: form.postcode,
      departement,
      zone,
      scheme,
      startDate: form.startDate,
      persons,
      priorities: form.priorities,
      recommendedFormula: recommendFormula(form.priorities),
      formulas: priceAllFormulas(tariff, { startDate: form.startDate, zone, scheme, persons }),
      tariffVersionId: tariff.versionId,
      tariffCode: tariff.code,
    },
  };
}

function newReference(): string {
  const pick = () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  const block = () => Array.from({ length: 4 }, pick).join("");
  return `DV-${block()}-${block()}`;
}

const emailIndex = (email: string) => blindIndex("quotes.email", normalizeEmail(email));

export type SaveOutcome =
  | { kind: "saved"; reference: string; expiresAt: Date }
  | { kind: "invalid"; fieldErrors: FieldErrors; formErrors: string[] }
  | { kind: "throttled"; retryAfterSeconds: number };

/** Saves a quote (priced again on the server: the browser's figures are never trusted). */
export async function saveQuote(
  db: Db,
  form: SaveQuoteForm,
  client: { ipHash: string; userId?: string | null },
  now = new Date(),
): Promise<SaveOutcome> {
  // Signed-in people (members, staff, the switchboard's re-test account) are limited per account,
  // so that many people behind one address (an office, the server's own re-tests) do not share
  // the anonymous per-IP allowance.
  const throttleKey = client.userId ? `quotes:save:user:${client.userId}` : `quotes:save:ip:${client.ipHash}`;
  const blocked = await blockedFor(db, throttleKey, now);
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };
  const computed = await computeQuote(db, form);
  if (computed.kind === "invalid") return computed;
  const quote = computed.quote;
  const names = new Map((await formulaSummaries(db)).map((f) => [f.code, f.name]));
  const result: QuoteResultJson = { formulas: quote.formulas.map((f) => ({ ...f, name: names.get(f.code) ?? f.code })) };
  const expiresAt = new Date(now.getTime() + QUOTE_VALIDITY_DAYS * DAY_MS);
  const email = normalizeEmail(form.email);

  for (let attempt = 0; ; attempt++) {
    const reference = newReference();
    try {
      await db.transaction(async (tx) => {
        await hit(tx, throttleKey, QUOTE_SAVE_RULE, now);
        const [row] = await tx
          .insert(quotes)
          .values({
            reference,
            emailEnc: encryptField("quotes.email", email),
            emailBidx: emailIndex(email),
            emailConsent: form.sendByEmail,
            postcode: quote.postcode,
            departement: quote.departement,
            zone: quote.zone,
            scheme: quote.scheme,
            startDate: quote.startDate,
            persons: quote.persons,
            priorities: quote.priorities,
            recommendedFormula: quote.recommendedFormula,
            chosenFormula: form.formula,
            result,
            tariffVersionId: quote.tariffVersionId,
            createdAt: now,
            expiresAt,
          })
          .onConflictDoNothing({ target: quotes.reference })
          .returning({ id: quotes.id });
        if (!row) throw new ReferenceTaken();
        if (form.sendByEmail) {
          const saved = toSavedQuote({ ...quoteRowShape(quote, form.formula, result), id: row.id, reference, createdAt: now, expiresAt }, now);
          await enqueueMail(tx, { to: email, ...quoteMail(saved, config().publicOrigin) }, now);
        }
        await appendAudit(
          tx,
          {
            actor: { userId: null, label: "prospect" },
            action: "quote.saved",
            outcome: "success",
            targetType: "quote",
            targetId: row.id,
            ipHash: client.ipHash,
            details: { emailed: form.sendByEmail, tariff: quote.tariffCode },
          },
          now,
        );
      });
      return { kind: "saved", reference, expiresAt };
    } catch (error) {
      if (error instanceof ReferenceTaken && attempt < 5) continue;
      throw error;
    }
  }
}

class ReferenceTaken extends Error {}

type QuoteRow = typeof quotes.$inferSelect;

function quoteRowShape(quote: ComputedQuote, chosenFormula: string, result: QuoteResultJson) {
  return {
    postcode: quote.postcode,
    departement: quote.departement,
    zone: quote.zone,
    scheme: quote.scheme as string,
    startDate: quote.startDate,
    persons: quote.persons as QuotePersonJson[],
    priorities: quote.priorities as string[],
    recommendedFormula: quote.recommendedFormula,
    chosenFormula,
    result,
    tariffVersionId: quote.tariffVersionId,
  };
}

function toSavedQuote(
  row: Pick<QuoteRow, "id" | "reference" | "createdAt" | "expiresAt"> & ReturnType<typeof quoteRowShape>,
  now: Date,
): SavedQuote {
  const formulas = row.result.formulas;
  const chosen = formulas.find((f) => f.code === row.chosenFormula) ?? formulas[0]!;
  return {
    id: row.id,
    reference: row.reference,
    postcode: row.postcode,
    departement: row.departement,
    zone: row.zone,
    scheme: row.scheme as Scheme,
    startDate: row.startDate,
    persons: row.persons,
    priorities: row.priorities,
    recommendedFormula: row.recommendedFormula,
    chosenFormula: row.chosenFormula,
    formulas,
    chosen,
    tariffVersionId: row.tariffVersionId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    expired: row.expiresAt.getTime() <= now.getTime(),
  };
}

async function rowByReference(db: DbOrTx, reference: string): Promise<QuoteRow | undefined> {
  const [row] = await db.select().from(quotes).where(eq(quotes.reference, reference)).limit(1);
  return row;
}

function sameEmail(row: QuoteRow, email: string): boolean {
  const expected = Buffer.from(row.emailBidx);
  const given = Buffer.from(emailIndex(email));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The quote with this reference, expired or not, WITHOUT any check of who asks: callers must have
 * proved access first (hasQuoteAccess, or reference + e-mail through getQuoteForSubscription).
 */
export async function findQuoteByReference(db: DbOrTx, reference: string, now = new Date()): Promise<SavedQuote | null> {
  const row = await rowByReference(db, reference);
  return row ? toSavedQuote(row, now) : null;
}

/**
 * For the online subscription: the quote when the reference and the e-mail match and it has not
 * expired, otherwise null (the caller cannot tell which, on purpose). Includes the e-mail it was
 * saved with (normalised), to prefill the contact step.
 */
export async function getQuoteForSubscription(
  db: DbOrTx,
  reference: string,
  email: string,
  now = new Date(),
): Promise<(SavedQuote & { email: string }) | null> {
  const row = await rowByReference(db, reference);
  if (!row || !sameEmail(row, email)) return null;
  const quote = toSavedQuote(row, now);
  return quote.expired ? null : { ...quote, email: normalizeEmail(email) };
}

export type ReopenOutcome =
  | { kind: "ok"; quote: SavedQuote }
  | { kind: "expired"; reference: string; expiresAt: Date }
  | { kind: "no-match" }
  | { kind: "throttled"; retryAfterSeconds: number };

/**
 * Reopening by reference + e-mail. "No such reference" and "wrong e-mail" give the same answer;
 * only someone who knows both learns that the quote has expired.
 */
export async function reopenQuote(
  db: Db,
  input: { reference: string; email: string },
  client: { ipHash: string },
  now = new Date(),
): Promise<ReopenOutcome> {
  const ipKey = `quotes:reopen:ip:${client.ipHash}`;
  const blocked = await blockedFor(db, ipKey, now);
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };
  const row = await rowByReference(db, input.reference);
  const match = row !== undefined && sameEmail(row, input.email);
  if (!match) {
    await db.transaction(async (tx) => {
      await hit(tx, ipKey, QUOTE_REOPEN_RULE, now);
      await appendAudit(
        tx,
        { actor: { userId: null, label: "prospect" }, action: "quote.reopen", outcome: "denied", ipHash: client.ipHash, details: { reason: row ? "email-mismatch" : "unknown-reference" } },
        now,
      );
    });
    return { kind: "no-match" };
  }
  const quote = toSavedQuote(row, now);
  if (quote.expired) return { kind: "expired", reference: quote.reference, expiresAt: quote.expiresAt };
  return { kind: "ok", quote };
}
