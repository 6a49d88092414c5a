import type { ClaimLineInput } from "~/features/claims";
import { DEMO_KARIM, DEMO_MARIE } from "./demo-accounts";

/*
 * The demo claims as plain data: who files what, when, with which invoice, relative to the seed's
 * reference date; and what happens to some of them next. demo-claims.server.ts files them.
 */

const DAY_MS = 86_400_000;

const isoDay = (now: Date, daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10);
export const at = (now: Date, daysAgo: number, hour = 9) => new Date(Date.parse(`${isoDay(now, daysAgo)}T${String(hour).padStart(2, "0")}:00:00Z`));

export type Filing = {
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

export type DemoClaimPeople = {
  marie: { id: string; contractId: string; userId: string | null };
  /** Everyone on Marie's contract (Thomas, Léa and Hugo file through her). */
  marieHousehold: readonly { id: string; firstName: string }[];
  karim: { id: string; contractId: string; userId: string | null };
  /** Members without an account, for the handlers' queue (the first three suffice). */
  others: readonly { id: string; contractId: string }[];
};

/** A GP consultation at the OPTAM rate, the Sécu having paid its share. */
export function gpConsultation(now: Date, daysAgo: number, provider: string): ClaimLineInput {
  return {
    category: "GP",
    careDate: isoDay(now, daysAgo),
    realCostCents: 3_000,
    secu: { covered: true, baseCents: 3_000, ratePct: 70, paidCents: 1_900 },
    providerName: provider,
    providerOptam: true,
  };
}

/** The filings, in filing order; a filing without a line is a claim received by e-mail. */
export function demoClaimFilings(now: Date, people: DemoClaimPeople): Filing[] {
  const { marie, karim, others } = people;
  const person = (firstName: string) => people.marieHousehold.find((p) => p.firstName === firstName)?.id ?? marie.id;
  const fromMarie = { contractId: marie.contractId, userId: marie.userId, actorLabel: `${DEMO_MARIE.firstName} ${DEMO_MARIE.lastName}` };
  const fromKarim = { contractId: karim.contractId, beneficiaryId: karim.id, userId: karim.userId, actorLabel: `${DEMO_KARIM.firstName} ${DEMO_KARIM.lastName}` };
  const gp = (daysAgo: number, provider: string) => gpConsultation(now, daysAgo, provider);

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

  return filings;
}

/** What happened next: the oldest of Marie's claims were paid, one of Karim's needs a document. */
export const DEMO_CLAIM_FOLLOW_UPS = {
  paid: [
    { label: "marie-generaliste", daysAgo: 39 },
    { label: "lea-pharmacie", daysAgo: 18 },
  ],
  returned: { label: "karim-couronne", daysAgo: 10, reason: "Joignez le devis signé du dentiste : il indique le panier de la couronne." },
} as const;
