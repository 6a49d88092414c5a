import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { generateMemberNumber, ibanHint, nirHint } from "~/platform/identifiers/identifiers";
import { appendAudit } from "~/platform/audit/audit.server";
import { blindIndex, decryptField, encryptField } from "~/platform/crypto/keyring.server";
import type { Tx } from "~/platform/db/client.server";
import { contracts, formulas, persons, sepaMandates, subscriptionDrafts } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { MANDATE_TEXT_VERSION } from "./sepa-mandate";
import { requestReceivedMail } from "./subscription-mail";
import { type Draft, IBAN_PURPOSE, NIR_PURPOSE } from "./subscription-draft.server";
import { config } from "~/platform/config/env.server";
import { sealPersonContact } from "~/platform/crypto/personal-data.server";
import { sealDraftData } from "./draft-storage.server";

/*
 * A signed draft becomes, in the signature's transaction, a PENDING contract with its people
 * (NIRs encrypted with their blind index and hint, as everywhere else), the IBAN on the contract,
 * the SEPA mandate, an audit entry and the "request received" e-mail. Either all of it exists or
 * none of it does.
 *
 * A NIR already known to Bascule is not announced (that would tell anyone typing a NIR whether
 * its holder is a member): the subscription is accepted like any other, and the person whose NIR
 * is already known keeps it encrypted with its hint but without a blind index (the index is
 * unique, and the number must not be matched to the wrong file). That absent index is the staff
 * review flag: `/admin/adhesions` shows « NIR déjà connu » and validation asks for the check.
 */

/** Serialises member-number allocation across instances (two submissions never share a number). */
const MEMBER_SEQUENCE_LOCK = 7_310_042;

export type SubmitResult =
  | { kind: "submitted"; contractId: string; contractNumber: string; memberNumber: string }
  | { kind: "incomplete" };

export async function submitSubscription(tx: Tx, draft: Draft, now: Date): Promise<SubmitResult> {
  const data = draft.data;
  const quotePersons = draft.quote.persons;
  if (!data.formulaCode || !data.persons || !data.address || !data.bank || !data.documents || !draft.ibanEnc || !draft.mandateReference) {
    return { kind: "incomplete" };
  }
  const [formula] = await tx.select({ id: formulas.id }).from(formulas).where(eq(formulas.code, data.formulaCode));
  if (!formula) return { kind: "incomplete" };

  const nirs = data.persons.map((p) => (p.nirEnc ? decryptField(NIR_PURPOSE, p.nirEnc) : null));
  const bidxs = nirs.flatMap((n) => (n ? [blindIndex("nir", n)] : []));
  // Someone already protected by Bascule: accepted, and left to staff review (see above).
  const known = new Set(
    bidxs.length > 0
      ? (await tx.select({ nirBidx: persons.nirBidx }).from(persons).where(inArray(persons.nirBidx, bidxs))).map((r) => r.nirBidx)
      : [],
  );
  const iban = decryptField(IBAN_PURPOSE, draft.ibanEnc);

  await tx.execute(sql`select pg_advisory_xact_lock(${MEMBER_SEQUENCE_LOCK})`);
  const [{ last } = { last: 0 }] = await tx
    .select({ last: sql<number>`coalesce(max(substring(${persons.memberNumber} from 2 for 7)::int), 0)`.mapWith(Number) })
    .from(persons)
    .where(sql`${persons.memberNumber} ~ '^A[0-9]{8}$'`);
  const sequence = last + 1;
  const memberNumber = generateMemberNumber(sequence);
  const startDate = data.documents.startDate;
  const contractNumber = `CT-${startDate.slice(0, 4)}-${String(sequence).padStart(6, "0")}`;
  const contractId = randomUUID();

  await tx.insert(contracts).values({
    id: contractId,
    number: contractNumber,
    kind: "INDIVIDUAL",
    status: "PENDING",
    formulaId: formula.id,
    startDate,
    scheme: draft.quote.scheme,
    departement: draft.quote.departement,
    ibanEnc: encryptField("contracts.iban", iban),
    ibanBidx: blindIndex("iban", iban),
    ibanHint: ibanHint(iban),
    bic: data.bank.bic || null,
    ibanChangedAt: now,
    createdAt: now,
  });

  const ids = quotePersons.map(() => randomUUID());
  const address = data.address;
  const addressLine = address.addressLine2 ? `${address.addressLine}, ${address.addressLine2}` : address.addressLine;
  const ranks = new Map<string, number>();
  await tx.insert(persons).values(
    data.persons.map((p, i) => {
      const role = quotePersons[i]!.role;
      const nir = nirs[i];
      let holder: { nirHolderPersonId: string; birthRank: number } | null = null;
      if (!nir && p.coveredByIndex !== null) {
        // Twins on the same parent's number are told apart by their rank.
        const key = `${p.coveredByIndex}:${p.birthDate}`;
        const rank = (ranks.get(key) ?? 0) + 1;
        ranks.set(key, rank);
        holder = { nirHolderPersonId: ids[p.coveredByIndex]!, birthRank: rank };
      }
      return {
        id: ids[i]!,
        contractId,
        role,
        memberNumber: role === "MEMBER" ? memberNumber : null,
        civility: p.civility,
        firstName: p.firstName,
        lastName: p.lastName,
        birthDate: p.birthDate,
        nirEnc: nir ? encryptField("persons.nir", nir) : null,
        nirBidx: nir && !known.has(blindIndex("nir", nir)) ? blindIndex("nir", nir) : null,
        nirHint: nir ? nirHint(nir) : null,
        nirHolderPersonId: holder?.nirHolderPersonId ?? null,
        birthRank: holder?.birthRank ?? null,
        ...sealPersonContact(role === "MEMBER" ? { email: address.email, phone: address.phone } : {}),
        addressLine,
        postcode: address.postcode,
        city: address.city,
        coveredFrom: p.birthDate > startDate ? p.birthDate : startDate,
        createdAt: now,
      };
    }),
  );

  await tx.insert(sepaMandates).values({
    reference: draft.mandateReference,
    contractId,
    creditorIdentifier: config().sepaCreditorId,
    debtorName: data.bank.accountHolder,
    ibanEnc: encryptField("sepa_mandates.iban", iban),
    ibanHint: ibanHint(iban),
    bic: data.bank.bic || null,
    textVersion: MANDATE_TEXT_VERSION,
    signedAt: now,
    createdAt: now,
  });

  await tx
    .update(subscriptionDrafts)
    .set({
      status: "SUBMITTED",
      // The NIRs now live on the persons; the draft keeps only their hints.
      data: sealDraftData({ ...data, persons: data.persons.map((p) => ({ ...p, nirEnc: null })) }),
      contractId,
      signedAt: now,
      signatureCodeHash: null,
      signatureCodeExpiresAt: null,
      updatedAt: now,
    })
    .where(eq(subscriptionDrafts.id, draft.id));

  const memberIndex = Math.max(0, quotePersons.findIndex((p) => p.role === "MEMBER"));
  await appendAudit(tx, {
    actor: { userId: null, label: "anonyme" },
    action: "subscription.submitted",
    outcome: "success",
    targetType: "contract",
    targetId: contractId,
    details: { contractNumber, subscriptionId: draft.id, quoteReference: draft.quoteReference, persons: quotePersons.length, nirAlreadyKnown: known.size },
  }, now);
  await enqueueMail(
    tx,
    requestReceivedMail({
      to: address.email,
      firstName: data.persons[memberIndex]!.firstName,
      contractNumber,
      memberNumber,
      mandateReference: draft.mandateReference,
      startDate,
    }),
    now,
  );
  return { kind: "submitted", contractId, contractNumber, memberNumber };
}
