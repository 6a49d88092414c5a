import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { SYSTEM_ACTOR } from "~/platform/audit/audit.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { claims, persons, users } from "~/platform/db/schema";
import { DEMO_KARIM, DEMO_MARIE, DEMO_MEMBER_NUMBERS, DEMO_TESTER } from "~/features/demo/demo-accounts";
import type { InspectedDocument } from "./documents";
import { recordClaimEvent, submitClaim } from "./submit-claim.server";
import type { ClaimLineInput } from "./types";
import { formatEuros } from "~/platform/format/euros";

/*
 * Demo claims, filed through the real path (engine, timeline, audit) at dates before the seed's
 * reference date: Marie's family and Karim have claims in every state a member meets, and the
 * claims handlers' queue has a few claims waiting for review. No e-mail is queued for them.
 */

const DAY_MS = 86_400_000;

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

const isoDay = (now: Date, daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10);
const at = (now: Date, daysAgo: number, hour = 9) => new Date(Date.parse(`${isoDay(now, daysAgo)}T${String(hour).padStart(2, "0")}:00:00Z`));

type Filing = {
  beneficiaryId: string;
  contractId: string;
  userId: string | null;
  actorLabel: string;
  line: ClaimLineInput | null;
  invoiceNumber: string | null;
  receivedDaysAgo: number;
  label: string;
  /** Documents of an earlier filing, to stage a duplicate. */
  reuseDocumentsOf?: string;
};

/** Files the demo claims; returns how many. Called by the demo seed inside its transaction. */
export async function seedDemoClaims(tx: DbOrTx, now: Date): Promise<number> {
  const family = await tx
    .select({ id: persons.id, contractId: persons.contractId, firstName: persons.firstName, role: persons.role, memberNumber: persons.memberNumber, birthDate: persons.birthDate })
    .from(persons)
    .innerJoin(users, eq(users.personId, persons.id))
    .where(inArray(users.email, [DEMO_MARIE.email, DEMO_KARIM.email]));
  const marie = family.find((p) => p.memberNumber === DEMO_MEMBER_NUMBERS.marie);
  const karim = family.find((p) => p.memberNumber === DEMO_MEMBER_NUMBERS.karim);
  if (!marie || !karim) return 0;
  const [marieUser] = await tx.select({ id: users.id }).from(users).where(eq(users.email, DEMO_MARIE.email));
  const [karimUser] = await tx.select({ id: users.id }).from(users).where(eq(users.email, DEMO_KARIM.email));
  const household = await tx.select({ id: persons.id, firstName: persons.firstName }).from(persons).where(eq(persons.contractId, marie.contractId));
  const person = (firstName: string) => household.find((p) => p.firstName === firstName)?.id ?? marie.id;
  // Members without an account (neither the demo people nor the re-test account) for the staff queue.
  const others = await tx
    .select({ id: persons.id, contractId: persons.contractId, firstName: persons.firstName })
    .from(persons)
    .where(and(eq(persons.role, "MEMBER"), notInArray(persons.memberNumber, [...Object.values(DEMO_MEMBER_NUMBERS), DEMO_TESTER.memberNumber])))
    .orderBy(asc(persons.memberNumber))
    .limit(3);

  const fromMarie = { contractId: marie.contractId, userId: marieUser?.id ?? null, actorLabel: DEMO_MARIE.email };
  const fromKarim = { contractId: karim.contractId, beneficiaryId: karim.id, userId: karimUser?.id ?? null, actorLabel: DEMO_KARIM.email };
  const gp = (daysAgo: number, provider: string, optam = true): ClaimLineInput => ({
    category: "GP",
    careDate: isoDay(now, daysAgo),
    realCostCents: 3_000,
    secu: { covered: true, baseCents: 3_000, ratePct: 70, paidCents: 1_900 },
    providerName: provider,
    providerOptam: optam,
  });

  const filings: Filing[] = [
    { ...fromMarie, beneficiaryId: marie.id, line: gp(42, "Dr Claire Fontaine"), invoiceNumber: "CF-2291", receivedDaysAgo: 41, label: "marie-generaliste" },
    {
      ...fromMarie,
      beneficiaryId: person("Léa"),
      line: { category: "PHARMACY", careDate: isoDay(now, 21), realCostCents: 1_840, secu: { covered: true, baseCents: 1_840, ratePct: 65, paidCents: 1_096 }, providerName: "Pharmacie du Port", pharmacyRatePct: 65 },
      invoiceNumber: "PP-88412",
      receivedDaysAgo: 20,
      label: "lea-pharmacie",
    },
    {
      ...fromMarie,
      beneficiaryId: person("Thomas"),
      line: {
        category: "OPTICS",
        careDate: isoDay(now, 9),
        realCostCents: 38_000,
        secu: { covered: true, baseCents: 15, ratePct: 60, paidCents: 9 },
        providerName: "Optique de la Rade",
        opticsClass: "B",
        lensComplexity: 2,
        frameCents: 9_000,
      },
      invoiceNumber: "OR-5531",
      receivedDaysAgo: 8,
      label: "thomas-lunettes",
    },
    { ...fromMarie, beneficiaryId: person("Hugo"), line: null, invoiceNumber: null, receivedDaysAgo: 1, label: "hugo-courriel" },
    {
      ...fromKarim,
      line: { category: "ALTERNATIVE_MEDICINE", careDate: isoDay(now, 30), realCostCents: 6_000, secu: { covered: false }, providerName: "Cabinet d’ostéopathie du Mourillon", sessions: 1 },
      invoiceNumber: "OST-0412",
      receivedDaysAgo: 29,
      label: "karim-osteopathe",
    },
    {
      ...fromKarim,
      line: {
        category: "DENTAL_PROSTHESIS",
        careDate: isoDay(now, 12),
        realCostCents: 65_000,
        secu: { covered: true, baseCents: 12_000, ratePct: 60, paidCents: 7_200 },
        providerName: "Centre dentaire Liberté",
        dentalBasket: "MAITRISE",
        toothNumber: 36,
      },
      invoiceNumber: "CDL-7781",
      receivedDaysAgo: 11,
      label: "karim-couronne",
    },
  ];
  for (const [i, other] of others.entries()) {
    const base = { contractId: other.contractId, beneficiaryId: other.id, userId: null, actorLabel: "Demande en ligne" };
    const label = `file-${i + 1}`;
    filings.push({ ...base, line: gp(6 + i, "Dr Paul Renaud"), invoiceNumber: `PR-${1000 + i}`, receivedDaysAgo: 5 + i, label });
    // The same invoice sent again: the engine's duplicate checks send it to a handler.
    filings.push({ ...base, line: gp(6 + i, "Dr Paul Renaud"), invoiceNumber: `PR-${1000 + i}`, receivedDaysAgo: 2, label: `${label}-bis`, reuseDocumentsOf: label });
  }
  if (others[0]) {
    filings.push({ contractId: others[0].contractId, beneficiaryId: others[0].id, userId: null, actorLabel: "system", line: null, invoiceNumber: null, receivedDaysAgo: 0, label: "courriel-file" });
  }

  const documentsOf = new Map<string, InspectedDocument[]>();
  const numbers = new Map<string, string>();
  for (const f of filings) {
    const documents =
      (f.reuseDocumentsOf ? documentsOf.get(f.reuseDocumentsOf) : undefined) ??
      (await demoDocuments(f.label, f.line ?? gp(f.receivedDaysAgo + 1, "Justificatif reçu par e-mail")));
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
  for (const [label, daysAgo] of [
    ["marie-generaliste", 39],
    ["lea-pharmacie", 18],
  ] as const) {
    const paidAt = at(now, daysAgo, 14);
    const [row] = await tx
      .update(claims)
      .set({ status: "PAID", paidAt, updatedAt: paidAt })
      .where(and(eq(claims.number, numbers.get(label)!), eq(claims.status, "VALUATED")))
      .returning({ id: claims.id });
    if (row) await recordClaimEvent(tx, { claimId: row.id, status: "PAID", at: paidAt, actor: SYSTEM_ACTOR, note: "Virement envoyé sur votre compte bancaire.", notify: false });
  }
  const returnedAt = at(now, 10, 15);
  const reason = "Joignez le devis signé du dentiste : il indique le panier de la couronne.";
  const [returned] = await tx
    .update(claims)
    .set({ status: "RETURNED", returnReason: reason, updatedAt: returnedAt })
    .where(eq(claims.number, numbers.get("karim-couronne")!))
    .returning({ id: claims.id });
  if (returned) {
    await recordClaimEvent(tx, { claimId: returned.id, status: "RETURNED", at: returnedAt, actor: { userId: null, label: "Gaëlle Gestion" }, note: reason, notify: false });
  }
  return filings.length;
}
