import type { CareCategory, GuaranteeLine } from "./types";
import { formatEuros } from "~/platform/format/euros";

/*
 * French wording of the engine: care categories, guarantee bases, and the plain-French
 * paragraph that explains a line's reimbursement to the member.
 */

const NBSP = "\u00a0";

export const CARE_LABELS: Record<CareCategory, string> = {
  GP: "Consultation de médecin généraliste",
  SPECIALIST: "Consultation de spécialiste",
  PHARMACY: "Pharmacie",
  DENTAL_CARE: "Soins dentaires",
  DENTAL_PROSTHESIS: "Prothèse dentaire",
  OPTICS: "Lunettes",
  HEARING_AID: "Aide auditive",
  HOSPITAL: "Hospitalisation",
  ALTERNATIVE_MEDICINE: "Médecine douce",
  OTHER: "Autres soins",
};

/** How a guarantee line reads: "150 % de la base Sécu, part de la Sécu comprise". */
export function describeBasis(g: GuaranteeLine, effectiveRatePct: number | null = g.ratePct): string {
  switch (g.basis) {
    case "PCT_BR_INCLUDING_SECU":
      return `${effectiveRatePct ?? 0}${NBSP}% de la base Sécu, part de la Sécu comprise`;
    case "PCT_BR_EXCLUDING_SECU":
      return `${effectiveRatePct ?? 0}${NBSP}% de la base Sécu en plus de la part de la Sécu`;
    case "REAL_COST":
      return "frais réels";
    case "FLAT_PER_PERIOD":
      return `${formatEuros(g.amountCents ?? 0)} ${periodWording(g)}`;
    case "PER_DAY":
      return `${formatEuros(g.amountCents ?? 0)} par jour${g.maxDays !== null ? `, ${g.maxDays}${NBSP}jours par an au plus` : ""}`;
    case "FULL_100_SANTE":
      return "100 % Santé, sans reste à charge dans la limite des prix plafonnés";
    case "NONE":
      return "non couvert par votre formule";
  }
}

function periodWording(g: GuaranteeLine): string {
  if (g.periodMonths === 12) return g.maxCount !== null && g.maxCount > 1 ? `par séance, ${g.maxCount}${NBSP}par an` : "par an";
  if (g.periodMonths !== null && g.periodMonths % 12 === 0) return `par équipement, tous les ${g.periodMonths / 12}${NBSP}ans`;
  return "par équipement";
}

export type ExplanationParts = {
  care: string;
  realCostCents: number;
  secu: { baseCents: number; ratePct: number; paidCents: number } | null;
  participationCents: number;
  franchiseCents: number;
  guaranteeLabel: string | null;
  basisText: string | null;
  amcCents: number;
  resteAChargeCents: number;
  /** Why Bascule pays nothing or less than the guarantee, in French, or null. */
  limitNote: string | null;
  /** "Plafond … ; il vous reste … cette année", or null. */
  ceilingNote: string | null;
  responsible: boolean;
  /** When several guarantee lines pay parts of one line (a hospital stay): each one's share. */
  parts?: { label: string; basisText: string; amountCents: number }[] | undefined;
};

/** The paragraph shown to the member under each line of a claim. */
export function explainLine(p: ExplanationParts): string {
  let text = `${p.care} : vous avez payé ${formatEuros(p.realCostCents)}.`;
  if (p.secu) {
    text += ` La Sécurité sociale a versé ${formatEuros(p.secu.paidCents)} (base de remboursement ${formatEuros(p.secu.baseCents)} à ${p.secu.ratePct}${NBSP}%`;
    const deductions: string[] = [];
    if (p.participationCents > 0) deductions.push(`${formatEuros(p.participationCents)} de participation forfaitaire`);
    if (p.franchiseCents > 0) deductions.push(`${formatEuros(p.franchiseCents)} de franchise`);
    text += deductions.length > 0 ? `, moins ${deductions.join(" et ")}).` : ").";
  } else {
    text += " Ces soins ne sont pas remboursés par la Sécurité sociale.";
  }
  if (p.parts && p.parts.length > 1) {
    const shares = p.parts.map((part) => `« ${part.label} » (${part.basisText}) : ${formatEuros(part.amountCents)}`).join(" ; ");
    text += ` Lignes de garantie ${shares}. Bascule vous rembourse ${formatEuros(p.amcCents)} au total.`;
  } else if (p.guaranteeLabel) {
    text += ` Ligne de garantie « ${p.guaranteeLabel} » (${p.basisText}) : Bascule vous rembourse ${formatEuros(p.amcCents)}.`;
  } else {
    text += ` Bascule vous rembourse ${formatEuros(p.amcCents)}.`;
  }
  if (p.limitNote) text += ` ${p.limitNote}`;
  if (p.ceilingNote) text += ` ${p.ceilingNote}`;
  text += ` Reste à votre charge : ${formatEuros(p.resteAChargeCents)}.`;
  if (p.responsible && p.resteAChargeCents > 0 && p.participationCents + p.franchiseCents > 0) {
    text += " La participation forfaitaire et les franchises restent toujours à la charge de l’assuré : la loi interdit aux contrats responsables de les rembourser.";
  }
  return text;
}
