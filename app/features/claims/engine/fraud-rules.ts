import { CARE_LABELS } from "./explain";
import { REGULATORY_KEYS as K, regulatoryValue } from "./regulatory";
import type { AdjudicationInput, ClaimLineInput, LineValuation, PastLine, ReviewReason, ReviewReasonCode } from "./types";
import { formatEuros } from "~/platform/format/euros";
import { addDays, ageOn } from "~/platform/time/civil-date";

/*
 * The review rules as data (DOMAIN.md § Claims lifecycle and fraud): each reason code has a
 * weight; blocking checks (duplicates, cover, frequency, exhausted ceilings, dates) always send the
 * claim to a person, the other signals add up to a score compared with the threshold. Changing a
 * weight, the threshold or an amount below is a data change, tested by the rule tables.
 */

export const REVIEW_THRESHOLD = 50;

export const RULES: Record<ReviewReasonCode, { weight: number; blocking: boolean }> = {
  DATA_ENTRY_REQUIRED: { weight: 100, blocking: true },
  NOT_COVERED_AT_CARE_DATE: { weight: 100, blocking: true },
  DUPLICATE_CONTENT: { weight: 100, blocking: true },
  DUPLICATE_INVOICE_NUMBER: { weight: 100, blocking: true },
  DUPLICATE_FILE: { weight: 100, blocking: true },
  NOEMIE_ALREADY_PAID: { weight: 100, blocking: true },
  FREQUENCY_EXCEEDED: { weight: 100, blocking: true },
  CEILING_EXHAUSTED: { weight: 100, blocking: true },
  // Settling a claim of which no line is covered would be a rejection in all but name.
  NOTHING_PAYABLE: { weight: 100, blocking: true },
  CARE_TOO_OLD: { weight: 100, blocking: true },
  CARE_IN_FUTURE: { weight: 100, blocking: true },
  INCONSISTENT_SECU_FIGURES: { weight: 50, blocking: false },
  CLASS_A_ABOVE_CAP: { weight: 60, blocking: false },
  IMPOSSIBLE_TOOTH: { weight: 60, blocking: false },
  SAME_CROWN_SAME_TOOTH: { weight: 60, blocking: false },
  IBAN_CHANGED_BEFORE_LARGE_CLAIM: { weight: 50, blocking: false },
  AMOUNT_EQUALS_REMAINING_CEILING: { weight: 50, blocking: false },
  FRAME_COST_SHIFTED: { weight: 50, blocking: false },
  GLASSES_WHOLE_FAMILY: { weight: 50, blocking: false },
  EARLY_LARGE_CLAIM: { weight: 30, blocking: false },
  DENTAL_CENTRE_PROSTHESIS_RATE: { weight: 30, blocking: false },
  HIGH_AMOUNT: { weight: 20, blocking: false },
};

/** Amounts and delays the signals compare with. */
export const SIGNAL_SETTINGS = {
  /** Care older than this (months before the day of receipt) is no longer reimbursed. */
  careMaxAgeMonths: 24,
  /** A claim whose real cost reaches this in the first months of the contract is "large". */
  earlyLargeClaimCents: 100_000,
  earlyMonths: 3,
  /** Bank details changed this many days or fewer before a claim paying at least … */
  ibanChangeDays: 30,
  ibanLargeClaimCents: 50_000,
  highAmountCents: 300_000,
  /** A classe B frame declared at this price or less, on a pair of at least … */
  frameSuspiciousCents: 1_500,
  frameSuspiciousPairCents: 30_000,
  /** Glasses for this many beneficiaries of one contract (and all of them, when known) within … days. */
  familyGlassesPeople: 3,
  familyGlassesDays: 14,
  /** A dental provider with at least this many prostheses among the contract's last year of care … */
  dentalCentreMinProstheses: 4,
  /** … making up at least this share (per cent) of its lines. */
  dentalCentreProsthesisSharePct: 80,
} as const;

export function reason(code: ReviewReasonCode, message: string, lineIndex?: number): ReviewReason {
  return lineIndex === undefined ? { code, message, weight: RULES[code].weight } : { code, message, weight: RULES[code].weight, lineIndex };
}

/** "Ligne 2 (Lunettes)": how a line is named in staff messages. */
export function lineName(line: ClaimLineInput, index: number): string {
  return `Ligne ${index + 1} (${CARE_LABELS[line.category]})`;
}

/** FDI: quadrants 1–4 hold teeth 1–8 (permanent), quadrants 5–8 teeth 1–5 (deciduous). */
function isValidFdiTooth(tooth: number): boolean {
  if (!Number.isInteger(tooth)) return false;
  const quadrant = Math.floor(tooth / 10);
  const position = tooth % 10;
  if (quadrant >= 1 && quadrant <= 4) return position >= 1 && position <= 8;
  if (quadrant >= 5 && quadrant <= 8) return position >= 1 && position <= 5;
  return false;
}

/** Deciduous teeth are all gone by about 13; a prosthesis on one after 14 is not plausible. */
const DECIDUOUS_MAX_AGE = 14;

/**
 * Signals about one line's amounts and the plausibility of its data: 100 % Santé price above the
 * legal cap, frame cost shifted onto lenses, impossible tooth, Sécu figures that Sécu never produces.
 */
export function lineSignals(input: AdjudicationInput, line: ClaimLineInput, v: LineValuation, index: number, out: ReviewReason[]): void {
  const date = line.careDate;
  const name = lineName(line, index);
  const reg = input.regulatory;

  if (line.category === "OPTICS" && line.opticsClass === "A") {
    const cap = regulatoryValue(reg, K.opticsClassAPriceCap(line.lensComplexity ?? 1), date);
    if (cap !== null && line.realCostCents > cap) out.push(reason("CLASS_A_ABOVE_CAP", `${name} : lunettes classe A facturées ${formatEuros(line.realCostCents)}, au-dessus du prix limite légal de ${formatEuros(cap)}.`, index));
  }
  if (line.category === "HEARING_AID" && line.hearingClass === "I") {
    const under20 = ageOn(input.beneficiary.birthDate, date) < 20;
    const cap = regulatoryValue(reg, under20 ? K.hearingClass1PriceCapUnder20 : K.hearingClass1PriceCap, date);
    if (cap !== null && line.realCostCents > cap) out.push(reason("CLASS_A_ABOVE_CAP", `${name} : aide auditive classe I facturée ${formatEuros(line.realCostCents)}, au-dessus du prix limite légal de ${formatEuros(cap)}.`, index));
  }
  if (line.category === "DENTAL_PROSTHESIS" && line.dentalBasket === "100_SANTE") {
    const cap = regulatoryValue(reg, K.dentalCrownPriceCap, date);
    if (cap !== null && line.realCostCents > cap) out.push(reason("CLASS_A_ABOVE_CAP", `${name} : prothèse 100 % Santé facturée ${formatEuros(line.realCostCents)}, au-dessus du prix limite légal de ${formatEuros(cap)}.`, index));
  }

  if (
    line.category === "OPTICS" &&
    line.opticsClass !== "A" &&
    line.frameCents !== undefined &&
    line.frameCents <= SIGNAL_SETTINGS.frameSuspiciousCents &&
    line.realCostCents >= SIGNAL_SETTINGS.frameSuspiciousPairCents
  ) {
    out.push(reason("FRAME_COST_SHIFTED", `${name} : monture déclarée à ${formatEuros(line.frameCents)} pour un équipement de ${formatEuros(line.realCostCents)} ; le coût de la monture semble reporté sur les verres.`, index));
  }

  if (line.toothNumber !== undefined && (line.category === "DENTAL_CARE" || line.category === "DENTAL_PROSTHESIS")) {
    const tooth = line.toothNumber;
    if (!isValidFdiTooth(tooth)) {
      out.push(reason("IMPOSSIBLE_TOOTH", `${name} : la dent n° ${tooth} n’existe pas dans la numérotation dentaire internationale.`, index));
    } else if (tooth >= 50 && ageOn(input.beneficiary.birthDate, date) >= DECIDUOUS_MAX_AGE) {
      out.push(reason("IMPOSSIBLE_TOOTH", `${name} : la dent n° ${tooth} est une dent de lait, invraisemblable à ${ageOn(input.beneficiary.birthDate, date)} ans.`, index));
    }
  }

  if (line.secu.covered) {
    const { paidCents } = line.secu;
    const deduction = v.amoGrossCents - paidCents;
    let problem: string | null = null;
    if (paidCents > line.realCostCents) problem = `la Sécu aurait versé ${formatEuros(paidCents)} pour ${formatEuros(line.realCostCents)} de frais`;
    else if (deduction < 0) problem = `la Sécu aurait versé ${formatEuros(paidCents)}, plus que sa part de ${formatEuros(v.amoGrossCents)}`;
    else if (deduction > maxPlausibleDeduction(input, line, v)) problem = `la Sécu aurait retenu ${formatEuros(deduction)}, plus que les participations et franchises possibles`;
    if (problem) out.push(reason("INCONSISTENT_SECU_FIGURES", `${name} : montants Sécu incohérents, ${problem}.`, index));
  }
}

/**
 * The most Sécu can withhold from one line: the participation forfaitaire's daily cap for doctors
 * (plus the flat fee on heavy acts), the franchises' yearly cap otherwise; nothing but the heavy-act
 * fee for minors and C2S beneficiaries, who are exempt.
 */
function maxPlausibleDeduction(input: AdjudicationInput, line: ClaimLineInput, v: LineValuation): number {
  const date = line.careDate;
  const heavy = line.secu.covered && line.secu.ratePct === 100 ? (regulatoryValue(input.regulatory, K.heavyActFlatFee, date) ?? 0) : 0;
  const exempt = input.beneficiary.c2s || ageOn(input.beneficiary.birthDate, date) < 18;
  if (exempt) return heavy;
  if (line.category === "PHARMACY" || line.category === "OTHER") {
    return regulatoryValue(input.regulatory, K.franchiseYearlyCap, date) ?? Number.MAX_SAFE_INTEGER;
  }
  return (regulatoryValue(input.regulatory, K.participationDailyCap, date) ?? v.participationCents) + heavy;
}

/** The invoice exactly fits what is left of a ceiling that has already been used. */
export function ceilingSignal(line: ClaimLineInput, v: LineValuation, index: number, out: ReviewReason[]): void {
  const c = v.ceiling;
  if (!c || c.limitCents === null || c.usedBeforeCents === 0) return;
  const remaining = c.limitCents - c.usedBeforeCents;
  if (remaining > 0 && line.realCostCents - v.amoGrossCents === remaining) {
    out.push(reason("AMOUNT_EQUALS_REMAINING_CEILING", `${lineName(line, index)} : le montant restant à charge après la Sécu (${formatEuros(remaining)}) est exactement ce qui reste du plafond.`, index));
  }
}

/** Same tooth, same prosthesis already reimbursed (history covers 5 years) or twice in this claim. */
export function sameToothSignal(
  lines: readonly ClaimLineInput[],
  own: readonly PastLine[],
  index: number,
  out: ReviewReason[],
): void {
  const line = lines[index]!;
  if (line.category !== "DENTAL_PROSTHESIS" || line.toothNumber === undefined) return;
  let earlier: string | null = null;
  for (const p of own) {
    if (p.line.category === "DENTAL_PROSTHESIS" && p.line.toothNumber === line.toothNumber && p.amcCents > 0) {
      earlier = `le ${p.line.careDate.split("-").reverse().join("/")} (demande ${p.claimNumber})`;
      break;
    }
  }
  if (earlier === null) {
    for (let i = 0; i < index; i++) {
      const other = lines[i]!;
      if (other.category === "DENTAL_PROSTHESIS" && other.toothNumber === line.toothNumber) earlier = "dans cette même demande";
    }
  }
  if (earlier !== null) {
    out.push(reason("SAME_CROWN_SAME_TOOTH", `${lineName(line, index)} : une prothèse sur la dent n° ${line.toothNumber} a déjà été remboursée ${earlier}.`, index));
  }
}

/** Glasses for (nearly) every beneficiary of the contract within a few days. */
export function familyGlassesSignal(input: AdjudicationInput, out: ReviewReason[]): void {
  let careDate: string | null = null;
  for (const l of input.claim.lines) if (l.category === "OPTICS") careDate = l.careDate;
  if (careDate === null) return;
  const from = addDays(careDate, -SIGNAL_SETTINGS.familyGlassesDays);
  const to = addDays(careDate, SIGNAL_SETTINGS.familyGlassesDays);
  const people = new Set<string>([input.beneficiary.personId]);
  for (const p of input.history) {
    if (p.line.category === "OPTICS" && p.line.careDate >= from && p.line.careDate <= to) people.add(p.beneficiaryId);
  }
  const known = input.contractBeneficiaryIds;
  const everyone = known && known.length >= SIGNAL_SETTINGS.familyGlassesPeople ? known.every((id) => people.has(id)) : people.size >= SIGNAL_SETTINGS.familyGlassesPeople;
  if (everyone && people.size >= SIGNAL_SETTINGS.familyGlassesPeople) {
    out.push(reason("GLASSES_WHOLE_FAMILY", `Lunettes pour ${people.size} bénéficiaires du contrat en moins de ${SIGNAL_SETTINGS.familyGlassesDays} jours.`));
  }
}

/** A dental provider whose care for this contract over the last year is almost only prostheses. */
export function dentalCentreSignal(input: AdjudicationInput, out: ReviewReason[]): void {
  for (let index = 0; index < input.claim.lines.length; index++) {
    const line = input.claim.lines[index]!;
    if (line.category !== "DENTAL_PROSTHESIS") continue;
    const provider = normaliseName(line.providerName);
    const from = addDays(line.careDate, -365);
    let prostheses = 1;
    let all = 1;
    for (const p of input.history) {
      if ((p.line.category !== "DENTAL_PROSTHESIS" && p.line.category !== "DENTAL_CARE") || p.line.careDate < from || p.line.careDate > line.careDate) continue;
      if (normaliseName(p.line.providerName) !== provider) continue;
      all++;
      if (p.line.category === "DENTAL_PROSTHESIS") prostheses++;
    }
    if (prostheses >= SIGNAL_SETTINGS.dentalCentreMinProstheses && prostheses * 100 >= all * SIGNAL_SETTINGS.dentalCentreProsthesisSharePct) {
      out.push(reason("DENTAL_CENTRE_PROSTHESIS_RATE", `${lineName(line, index)} : ${prostheses} prothèses sur ${all} actes chez ce praticien en un an pour ce contrat.`, index));
      return;
    }
  }
}

/** Provider names as typed by members: case, accents' spacing and punctuation vary. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Invoice numbers: "FAC-2026/001" and "fac 2026 001" are the same invoice. */
export function normaliseInvoiceNumber(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, "");
}
