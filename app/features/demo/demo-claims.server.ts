import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { SYSTEM_ACTOR } from "~/platform/audit/audit.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { claims, persons, users } from "~/platform/db/schema";
import { DEMO_KARIM, DEMO_MARIE, DEMO_MEMBER_NUMBERS, DEMO_TESTER } from "./demo-accounts";
import { DEMO_CLAIM_FOLLOW_UPS, at, demoClaimFilings, gpConsultation } from "./demo-claim-filings";
import type { ClaimLineInput, InspectedDocument } from "~/features/claims";
import { recordClaimEvent, submitClaim } from "~/features/claims/index.server";
import { formatEuros } from "~/platform/format/euros";
import { emailIndex } from "~/platform/crypto/personal-data.server";

/*
 * Demo claims, filed through the real path (engine, timeline, audit) at dates before the seed's
 * reference date: Marie's family and Karim have claims in every state a member meets, and the
 * claims handlers' queue has a few claims waiting for review. No e-mail is queued for them. What
 * is filed is plain data (demo-claim-filings.ts); this module finds the people, makes the PDFs,
 * files the claims and moves some of them on.
 */

/** A one-page synthetic invoice or Sécu statement, as a real PDF. */
async function demoPdf(title: string, lines: readonly string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText(title, { x: 56, y: 770, size: 18, font });
  lines.forEach((line, i) => page.drawText(line, { x: 56, y: 730 - i * 20, size: 11, font }));
  page.drawText("Document de démonstration : données fictives.", { x: 56, y: 80, size: 9, font });
  return pdf.save({ useObjectStreams: false });
}

async function demoDocuments(label: string, line: ClaimLineInput): Promise<InspectedDocument[]> {
  const amount = formatEuros(line.realCostCents);
  const invoice: InspectedDocument = {
    kind: "INVOICE",
    fileName: `facture-${label}.pdf`,
    mimeType: "application/pdf",
    bytes: await demoPdf("Facture acquittée", [line.providerName, `Soins du ${line.careDate}`, `Montant réglé : ${amount}`, `Référence : ${label}`]),
  };
  if (!line.secu.covered) return [invoice];
  return [
    invoice,
    {
      kind: "SECU_STATEMENT",
      fileName: `decompte-${label}.pdf`,
      mimeType: "application/pdf",
      bytes: await demoPdf("Décompte de l’Assurance Maladie", [
        `Soins du ${line.careDate}`,
        `Base de remboursement : ${formatEuros(line.secu.baseCents)}`,
        `Taux : ${line.secu.ratePct} %`,
        `Montant versé : ${formatEuros(line.secu.paidCents)}`,
      ]),
    },
  ];
}

/** Files the demo claims; returns how many. Called by the demo seed inside its transaction. */
export async function seedDemoClaims(tx: DbOrTx, now: Date): Promise<number> {
  const family = await tx
    .select({ id: persons.id, contractId: persons.contractId, firstName: persons.firstName, role: persons.role, memberNumber: persons.memberNumber, birthDate: persons.birthDate })
    .from(persons)
    .innerJoin(users, eq(users.personId, persons.id))
    .where(inArray(users.emailBidx, [emailIndex(DEMO_MARIE.email), emailIndex(DEMO_KARIM.email)]));
  const marie = family.find((p) => p.memberNumber === DEMO_MEMBER_NUMBERS.marie);
  const karim = family.find((p) => p.memberNumber === DEMO_MEMBER_NUMBERS.karim);
  if (!marie || !karim) return 0;
  const [marieUser] = await tx.select({ id: users.id }).from(users).where(eq(users.emailBidx, emailIndex(DEMO_MARIE.email)));
  const [karimUser] = await tx.select({ id: users.id }).from(users).where(eq(users.emailBidx, emailIndex(DEMO_KARIM.email)));
  const household = await tx.select({ id: persons.id, firstName: persons.firstName }).from(persons).where(eq(persons.contractId, marie.contractId));
  // Members without an account (neither the demo people nor the re-test account) for the staff queue.
  const others = await tx
    .select({ id: persons.id, contractId: persons.contractId, firstName: persons.firstName })
    .from(persons)
    .where(and(eq(persons.role, "MEMBER"), notInArray(persons.memberNumber, [...Object.values(DEMO_MEMBER_NUMBERS), DEMO_TESTER.memberNumber])))
    .orderBy(asc(persons.memberNumber))
    .limit(3);

  const filings = demoClaimFilings(now, {
    marie: { id: marie.id, contractId: marie.contractId, userId: marieUser?.id ?? null },
    marieHousehold: household,
    karim: { id: karim.id, contractId: karim.contractId, userId: karimUser?.id ?? null },
    others,
  });

  const documentsOf = new Map<string, InspectedDocument[]>();
  const numbers = new Map<string, string>();
  for (const f of filings) {
    const documents =
      (f.reuseDocumentsOf ? documentsOf.get(f.reuseDocumentsOf) : undefined) ??
      (await demoDocuments(f.label, f.line ?? gpConsultation(now, f.receivedDaysAgo + 1, "Justificatif reçu par e-mail")));
    documentsOf.set(f.label, documents);
    const receivedAt = at(now, f.receivedDaysAgo);
    const filed = await submitClaim(tx, {
      channel: f.line ? "ONLINE" : "EMAIL",
      contractId: f.contractId,
      beneficiaryId: f.beneficiaryId,
      submittedByUserId: f.line ? f.userId : null,
      actor: f.line ? { userId: f.userId, label: f.actorLabel } : SYSTEM_ACTOR,
      lines: f.line ? [f.line] : null,
      invoiceNumber: f.invoiceNumber,
      documents: f.line ? documents : documents.slice(0, 1),
      receivedAt,
      now: new Date(receivedAt.getTime() + 2_000),
      note: f.line ? "Demande faite en ligne." : "Demande reçue par e-mail.",
      notifyMember: false,
    });
    numbers.set(f.label, filed.number);
  }

  // What happened next: the oldest of Marie's claims were paid, one of Karim's needs a document.
  for (const { label, daysAgo } of DEMO_CLAIM_FOLLOW_UPS.paid) {
    const paidAt = at(now, daysAgo, 14);
    const [row] = await tx
      .update(claims)
      .set({ status: "PAID", paidAt, updatedAt: paidAt })
      .where(and(eq(claims.number, numbers.get(label)!), eq(claims.status, "VALUATED")))
      .returning({ id: claims.id });
    if (row) await recordClaimEvent(tx, { claimId: row.id, status: "PAID", at: paidAt, actor: SYSTEM_ACTOR, note: "Virement envoyé sur votre compte bancaire.", notify: false });
  }
  const returnedAt = at(now, DEMO_CLAIM_FOLLOW_UPS.returned.daysAgo, 15);
  const { reason } = DEMO_CLAIM_FOLLOW_UPS.returned;
  const [returned] = await tx
    .update(claims)
    .set({ status: "RETURNED", returnReason: reason, updatedAt: returnedAt })
    .where(eq(claims.number, numbers.get(DEMO_CLAIM_FOLLOW_UPS.returned.label)!))
    .returning({ id: claims.id });
  if (returned) {
    await recordClaimEvent(tx, { claimId: returned.id, status: "RETURNED", at: returnedAt, actor: { userId: null, label: "Gaëlle Gestion" }, note: reason, notify: false });
  }
  return filings.length;
}
