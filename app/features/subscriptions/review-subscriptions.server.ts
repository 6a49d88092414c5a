import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { TOKEN_LIFETIME_MS, newToken } from "~/features/accounts/index.server";
import { maskIbanHint, maskNirHint } from "~/platform/identifiers/identifiers";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { config } from "~/platform/config/env.server";
import type { Db } from "~/platform/db/client.server";
import { authTokens, contracts, formulas, persons, sepaMandates, subscriptionDrafts } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { CONSENT_DOCUMENTS } from "./consents";
import { subscriptionRefusedMail, subscriptionValidatedMail } from "./subscription-mail";
import { openPersonContact, sealTokenEmail } from "~/platform/crypto/personal-data.server";
import { openDraft } from "./draft-storage.server";

/*
 * Staff review of signed subscriptions: the list of those waiting, one subscription's file (NIRs
 * and IBAN masked, from their hints: nothing is decrypted for review), and the decision. Validating
 * activates the contract and e-mails the new member an activation link (the same single-use token
 * flow as /activation); refusing closes the contract and tells the prospect why. Both are audited.
 *
 * A person whose NIR was already known when the subscription was signed carries the NIR without
 * its blind index (see submit-subscription.server.ts): the list and the file flag it, and
 * validation requires the reviewer to confirm the check was done.
 */

/** A pending person with an encrypted NIR but no blind index: that NIR belonged to someone already. */
const nirAlreadyKnown = (p: { nirEnc: unknown; nirBidx: string | null }) => p.nirEnc !== null && p.nirBidx === null;

export async function listPendingSubscriptions(db: Db) {
  const rows = await db
    .select({
      id: subscriptionDrafts.id,
      signedAt: subscriptionDrafts.signedAt,
      contractNumber: contracts.number,
      startDate: contracts.startDate,
      formulaName: formulas.name,
      departement: contracts.departement,
      quote: subscriptionDrafts.quote,
      data: subscriptionDrafts.data,
      nirReview: sql<boolean>`exists (select 1 from ${persons} where ${persons.contractId} = ${contracts.id} and ${persons.nirEnc} is not null and ${persons.nirBidx} is null)`.mapWith(Boolean),
    })
    .from(subscriptionDrafts)
    .innerJoin(contracts, eq(contracts.id, subscriptionDrafts.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .where(and(eq(subscriptionDrafts.status, "SUBMITTED"), eq(contracts.status, "PENDING")))
    .orderBy(asc(subscriptionDrafts.signedAt))
    .limit(200);
  return rows.map((stored) => {
    const r = openDraft(stored);
    const index = Math.max(0, r.quote.persons.findIndex((p) => p.role === "MEMBER"));
    const member = r.data.persons?.[index];
    return {
      id: r.id,
      signedAt: r.signedAt,
      contractNumber: r.contractNumber,
      startDate: r.startDate,
      formulaName: r.formulaName,
      departement: r.departement,
      subscriber: member ? `${member.firstName} ${member.lastName}` : "",
      personCount: r.quote.persons.length,
      nirReview: r.nirReview,
    };
  });
}

export async function getSubscriptionDetail(db: Db, id: string) {
  const [stored] = await db
    .select({ draft: subscriptionDrafts, contract: contracts, formulaName: formulas.name, formulaCode: formulas.code })
    .from(subscriptionDrafts)
    .innerJoin(contracts, eq(contracts.id, subscriptionDrafts.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .where(and(eq(subscriptionDrafts.id, id), inArray(subscriptionDrafts.status, ["SUBMITTED", "VALIDATED", "REFUSED"])))
    .limit(1);
  if (!stored) return null;
  const row = { ...stored, draft: openDraft(stored.draft) };
  const [people, [mandate]] = await Promise.all([
    db.select().from(persons).where(eq(persons.contractId, row.contract.id)).orderBy(asc(persons.role), asc(persons.birthDate)),
    db.select().from(sepaMandates).where(eq(sepaMandates.contractId, row.contract.id)).orderBy(desc(sepaMandates.signedAt)).limit(1),
  ]);
  const names = new Map(people.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
  const consents = (row.draft.data.documents?.consents ?? []).map((c) => ({
    title: CONSENT_DOCUMENTS.find((d) => d.key === c.key)?.title ?? c.key,
    version: c.version,
    acceptedAt: new Date(c.acceptedAt),
  }));
  const member = people.find((p) => p.role === "MEMBER");
  return {
    id: row.draft.id,
    status: row.draft.status,
    quoteReference: row.draft.quoteReference,
    signedAt: row.draft.signedAt,
    decidedAt: row.draft.decidedAt,
    decidedBy: row.draft.decidedByLabel,
    refusalReason: row.draft.refusalReason,
    nirReview: people.some(nirAlreadyKnown),
    contract: {
      number: row.contract.number,
      status: row.contract.status,
      startDate: row.contract.startDate,
      departement: row.contract.departement,
      scheme: row.contract.scheme,
      formula: `${row.formulaCode} ${row.formulaName}`,
      iban: row.contract.ibanHint ? maskIbanHint(row.contract.ibanHint) : null,
      bic: row.contract.bic,
    },
    contact: member
      ? { ...openPersonContact(member), address: member.addressLine, postcode: member.postcode, city: member.city }
      : null,
    persons: people.map((p) => ({
      id: p.id,
      role: p.role,
      civility: p.civility,
      name: `${p.firstName} ${p.lastName}`,
      birthDate: p.birthDate,
      memberNumber: p.memberNumber,
      nir: p.nirHint ? maskNirHint(p.nirHint) : null,
      coveredBy: p.nirHolderPersonId ? (names.get(p.nirHolderPersonId) ?? null) : null,
      nirAlreadyKnown: nirAlreadyKnown(p),
    })),
    mandate: mandate
      ? {
          reference: mandate.reference,
          creditorIdentifier: mandate.creditorIdentifier,
          debtorName: mandate.debtorName,
          iban: maskIbanHint(mandate.ibanHint),
          signedAt: mandate.signedAt,
          textVersion: mandate.textVersion,
        }
      : null,
    consents,
  };
}

export type DecisionResult = { kind: "done"; contractNumber: string } | { kind: "not-pending" };
export type ValidationResult = DecisionResult | { kind: "nir-check-required" };

type Decider = { actor: Actor; ipHash: string | null };

async function lockPending(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], id: string) {
  const [row] = await tx
    .select({ draft: subscriptionDrafts, contract: contracts })
    .from(subscriptionDrafts)
    .innerJoin(contracts, eq(contracts.id, subscriptionDrafts.contractId))
    .where(eq(subscriptionDrafts.id, id))
    .for("update");
  if (!row || row.draft.status !== "SUBMITTED" || row.contract.status !== "PENDING") return null;
  const [member] = await tx
    .select()
    .from(persons)
    .where(and(eq(persons.contractId, row.contract.id), eq(persons.role, "MEMBER")))
    .limit(1);
  const email = member ? openPersonContact(member).email : null;
  if (!member || !email) return null;
  const people = await tx.select({ nirEnc: persons.nirEnc, nirBidx: persons.nirBidx }).from(persons).where(eq(persons.contractId, row.contract.id));
  return { ...row, member: { ...member, email }, nirReview: people.some(nirAlreadyKnown) };
}

export async function validateSubscription(
  db: Db,
  id: string,
  by: Decider & { nirChecked?: boolean },
  now = new Date(),
): Promise<ValidationResult> {
  return db.transaction(async (tx) => {
    const found = await lockPending(tx, id);
    if (!found) return { kind: "not-pending" } as const;
    if (found.nirReview && !by.nirChecked) return { kind: "nir-check-required" } as const;
    await tx.update(contracts).set({ status: "ACTIVE" }).where(eq(contracts.id, found.contract.id));
    await tx
      .update(subscriptionDrafts)
      .set({ status: "VALIDATED", decidedAt: now, decidedByLabel: by.actor.label, updatedAt: now })
      .where(eq(subscriptionDrafts.id, id));
    const { token, hash } = newToken();
    await tx.insert(authTokens).values({
      purpose: "ACTIVATION",
      tokenHash: hash,
      personId: found.member.id,
      ...sealTokenEmail(found.member.email),
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS.ACTIVATION),
      createdAt: now,
    });
    await enqueueMail(
      tx,
      subscriptionValidatedMail({
        to: found.member.email,
        firstName: found.member.firstName,
        contractNumber: found.contract.number,
        memberNumber: found.member.memberNumber ?? "",
        activationUrl: `${config().publicOrigin}/activation/${token}`,
        startDate: found.contract.startDate,
      }),
      now,
    );
    await appendAudit(tx, {
      actor: by.actor,
      action: "subscription.validated",
      outcome: "success",
      targetType: "contract",
      targetId: found.contract.id,
      ipHash: by.ipHash,
      details: { contractNumber: found.contract.number, subscriptionId: id, nirAlreadyKnownChecked: found.nirReview },
    }, now);
    return { kind: "done", contractNumber: found.contract.number } as const;
  });
}

export async function refuseSubscription(db: Db, id: string, reason: string, by: Decider, now = new Date()): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const found = await lockPending(tx, id);
    if (!found) return { kind: "not-pending" } as const;
    await tx.update(contracts).set({ status: "REFUSED", endDate: found.contract.startDate }).where(eq(contracts.id, found.contract.id));
    await tx
      .update(subscriptionDrafts)
      .set({ status: "REFUSED", refusalReason: reason, decidedAt: now, decidedByLabel: by.actor.label, updatedAt: now })
      .where(eq(subscriptionDrafts.id, id));
    await enqueueMail(tx, subscriptionRefusedMail({ to: found.member.email, firstName: found.member.firstName, reason }), now);
    await appendAudit(tx, {
      actor: by.actor,
      action: "subscription.refused",
      outcome: "success",
      targetType: "contract",
      targetId: found.contract.id,
      ipHash: by.ipHash,
      details: { contractNumber: found.contract.number, subscriptionId: id },
    }, now);
    return { kind: "done", contractNumber: found.contract.number } as const;
  });
}
