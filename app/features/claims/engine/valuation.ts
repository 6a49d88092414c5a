// Over 400 lines: the valuation engine is one pure function over a claim and its history; its rules by guarantee basis read best in one place, next to DOMAIN.md.
import { CARE_LABELS, describeBasis, type ExplanationParts, explainLine } from "./explain";
import {
  periodFor,
  REGULATORY_KEYS as K,
  regulatoryValue,
  requireRegulatoryValue,
  RESPONSIBLE_CONTRACT,
} from "./regulatory";
import type {
  ClaimLineInput,
  GuaranteeCategory,
  GuaranteeLine,
  LineValuation,
  TraceStep,
  ValuationInput,
} from "./types";
import { formatEuros } from "~/platform/format/euros";
import { addDays, addMonths, ageOn, frenchDate } from "~/platform/time/civil-date";

/*
 * Valuation: what Bascule pays on each line of a claim (DOMAIN.md § How a reimbursement is
 * computed). Pure and deterministic: everything comes from the input, amounts are integer cents,
 * and a percentage of an amount is rounded to the nearest cent, halves up (as Sécu statements do).
 *
 * Consumption counters (ceilings, sessions, days, renewal of glasses and hearing aids) are derived
 * from the beneficiary's earlier lines (`history`) plus the earlier lines of the same claim, so a
 * claim with two pairs of glasses or five osteopathy sessions is valued exactly as if its lines
 * had arrived one by one.
 */

/** What a counter needs to know about an earlier line: PastLine satisfies it, so do this claim's earlier lines. */
type Consumed = { line: ClaimLineInput; amcCents: number; guaranteeCategory: GuaranteeCategory | null };

/** The guarantee lines of a formula by category, built once per `formula.lines` array. */
const guaranteeIndexes = new WeakMap<readonly GuaranteeLine[], Map<GuaranteeCategory, GuaranteeLine>>();

function guaranteesOf(lines: readonly GuaranteeLine[]): Map<GuaranteeCategory, GuaranteeLine> {
  let index = guaranteeIndexes.get(lines);
  if (!index) {
    index = new Map(lines.map((l) => [l.category, l]));
    guaranteeIndexes.set(lines, index);
  }
  return index;
}

/** `ratePct` % of `cents`, to the nearest cent, halves up. */
function percentOf(cents: number, ratePct: number): number {
  return Math.round((cents * ratePct) / 100);
}

/** Values every line of a claim, in order; each line sees the consumption of the lines before it. */
export function valueClaimLines(input: ValuationInput): LineValuation[] {
  const consumed: Consumed[] = [];
  const personId = input.beneficiary.personId;
  for (const past of input.history) if (past.beneficiaryId === personId) consumed.push(past);
  const guarantees = guaranteesOf(input.formula.lines);
  const results: LineValuation[] = [];
  for (const line of input.lines) {
    const valuation = valueLine(line, input, guarantees, consumed);
    results.push(valuation);
    consumed.push({ line, amcCents: valuation.amcCents, guaranteeCategory: valuation.guaranteeCategory });
  }
  return results;
}

type Ceiling = NonNullable<LineValuation["ceiling"]>;

/** The running result of one line, filled by the category rules. */
type Work = {
  line: ClaimLineInput;
  input: ValuationInput;
  guarantees: Map<GuaranteeCategory, GuaranteeLine>;
  consumed: readonly Consumed[];
  trace: TraceStep[];
  baseCents: number;
  /** Sécu's share before the participation forfaitaire and franchises, net of the heavy-act flat fee. */
  amoBasisCents: number;
  /** The most Bascule may pay on this line (real cost minus Sécu's share). */
  capCents: number;
  guarantee: GuaranteeLine | null;
  effectiveRatePct: number | null;
  amcCents: number;
  reasonCode: string | null;
  notCovered: boolean;
  ceiling: Ceiling | null;
  limitNote: string | null;
  ceilingNote: string | null;
  /**
   * The ceiling note is written by the rule itself: when the next pair of glasses or hearing aid
   * is due, or how many sessions or days remain, rather than an amount left.
   */
  ownCeilingNote: boolean;
  /** Hospital stays: each guarantee line that paid a part, for the explanation. */
  parts: ExplanationParts["parts"];
};

const HEAVY_ACT_CATEGORIES = new Set(["GP", "SPECIALIST", "HOSPITAL", "DENTAL_CARE"]);

function valueLine(
  line: ClaimLineInput,
  input: ValuationInput,
  guarantees: Map<GuaranteeCategory, GuaranteeLine>,
  consumed: readonly Consumed[],
): LineValuation {
  const date = line.careDate;
  const responsible = input.formula.isResponsible;
  const realCost = Math.max(0, line.realCostCents);
  const care = `${CARE_LABELS[line.category]} du ${frenchDate(date)}${line.providerName ? ` (${line.providerName})` : ""}`;
  const trace: TraceStep[] = [{ label: "Frais réels", amountCents: realCost, detail: care }];

  let baseCents = 0;
  let amoGross = 0;
  let amoPaid = 0;
  let heavyFlat = 0;
  let participation = 0;
  let franchise = 0;
  if (line.secu.covered) {
    baseCents = Math.max(0, line.secu.baseCents);
    amoGross = percentOf(baseCents, line.secu.ratePct);
    amoPaid = Math.max(0, line.secu.paidCents);
    trace.push({ label: "Base de remboursement Sécu", amountCents: baseCents });
    trace.push({ label: "Part Sécu brute", amountCents: amoGross, detail: `${line.secu.ratePct} % de la base` });
    const deduction = Math.max(0, amoGross - amoPaid);
    if (deduction > 0) {
      // Acts of 120 € or more: Sécu keeps a flat 24 € instead of the 20 % ticket modérateur; it is
      // part of what the complementary insurer covers, unlike the participation forfaitaire.
      if (HEAVY_ACT_CATEGORIES.has(line.category) && line.secu.ratePct === 100) {
        const threshold = regulatoryValue(input.regulatory, K.heavyActThreshold, date);
        if (threshold !== null && baseCents >= threshold) {
          heavyFlat = Math.min(deduction, regulatoryValue(input.regulatory, K.heavyActFlatFee, date) ?? 0);
          if (heavyFlat > 0) trace.push({ label: "Forfait actes lourds", amountCents: heavyFlat, detail: "Retenu par la Sécu, couvert par la complémentaire" });
        }
      }
      const rest = deduction - heavyFlat;
      if (rest > 0) {
        if (line.category === "PHARMACY" || line.category === "OTHER") {
          franchise = rest;
          trace.push({ label: "Franchises médicales", amountCents: franchise, detail: "Retenues par la Sécu" });
        } else {
          participation = rest;
          trace.push({ label: "Participation forfaitaire", amountCents: participation, detail: "Retenue par la Sécu" });
        }
      }
    }
    trace.push({ label: "Part Sécu versée", amountCents: amoPaid });
  } else {
    trace.push({ label: "Sécurité sociale", amountCents: 0, detail: "Soins non remboursés par la Sécurité sociale" });
  }
  if (input.beneficiary.scheme === "ALSACE_MOSELLE") {
    trace.push({ label: "Régime local d’Alsace-Moselle", detail: "Taux Sécu majorés, forfait journalier pris en charge par le régime local" });
  }

  const amoBasis = amoGross - heavyFlat;
  // A contrat responsable leaves the participation forfaitaire and franchises to the member:
  // Bascule's share is counted from Sécu's gross share. Otherwise from what Sécu actually paid.
  const capCents = Math.max(0, realCost - (responsible ? Math.max(amoBasis, amoPaid) : amoPaid));
  trace.push({
    label: responsible ? "Maximum remboursable (frais réels − part Sécu brute)" : "Maximum remboursable (frais réels − part Sécu versée)",
    amountCents: capCents,
  });

  const w: Work = {
    line,
    input,
    guarantees,
    consumed,
    trace,
    baseCents,
    amoBasisCents: amoBasis,
    capCents,
    guarantee: null,
    effectiveRatePct: null,
    amcCents: 0,
    reasonCode: null,
    notCovered: false,
    ceiling: null,
    limitNote: null,
    ceilingNote: null,
    ownCeilingNote: false,
    parts: undefined,
  };

  const b = input.beneficiary;
  if (date < b.coveredFrom || (b.coveredTo !== null && date > b.coveredTo) || date < b.contractStartDate || (b.contractEndDate !== null && date > b.contractEndDate)) {
    // Nothing is due for care outside the cover; such a line consumes no ceiling either.
    w.reasonCode = "NOT_COVERED_AT_CARE_DATE";
    w.notCovered = true;
    w.limitNote = "Le bénéficiaire n’était pas couvert par le contrat à la date de ces soins.";
    trace.push({ label: "Couverture", amountCents: 0, detail: "Bénéficiaire non couvert à la date des soins" });
  } else {
    applyCategoryRules(w);
  }

  let amc = Math.min(Math.max(0, w.amcCents), capCents);
  if (amc < w.amcCents) trace.push({ label: "Limité aux frais restant à charge", amountCents: amc });
  if (w.ceiling && w.ceiling.limitCents !== null) {
    // A single place enforces the remaining ceiling, whatever rule computed the amount.
    const remaining = Math.max(0, w.ceiling.limitCents - w.ceiling.usedBeforeCents);
    if (amc > remaining) amc = remaining;
    w.ceiling.remainingAfterCents = remaining - amc;
  }
  const status = w.notCovered || (amc === 0 && w.reasonCode !== null) ? "NOT_COVERED" : "COVERED";
  const resteACharge = Math.max(0, realCost - amoPaid - amc);
  trace.push({ label: "Remboursement Bascule", amountCents: amc });
  trace.push({ label: "Reste à charge", amountCents: resteACharge });

  const g = w.guarantee;
  return {
    status,
    reasonCode: w.reasonCode,
    guaranteeCategory: g ? g.category : null,
    amoGrossCents: amoGross,
    amoPaidCents: amoPaid,
    participationCents: participation,
    franchiseCents: franchise,
    amcCents: amc,
    resteAChargeCents: resteACharge,
    ceiling: w.ceiling,
    trace,
    explanation: explainLine({
      care,
      realCostCents: realCost,
      secu: line.secu.covered ? { baseCents, ratePct: line.secu.ratePct, paidCents: amoPaid } : null,
      participationCents: participation,
      franchiseCents: franchise,
      guaranteeLabel: g ? g.label : line.category === "OTHER" && responsible ? "Ticket modérateur (contrat responsable)" : null,
      basisText: g ? describeBasis(g, w.effectiveRatePct) : "100\u00a0% de la base Sécu, part de la Sécu comprise",
      amcCents: amc,
      resteAChargeCents: resteACharge,
      limitNote: w.limitNote,
      ceilingNote: w.ceiling && !w.ownCeilingNote ? ceilingNote(w.ceiling, w.ceilingNote) : w.ceilingNote,
      responsible,
      parts: w.parts,
    }),
  };
}

/** The rules of the line's care category, which fill the work's amount, guarantee and ceiling. */
function applyCategoryRules(w: Work): void {
  switch (w.line.category) {
    case "GP":
    case "SPECIALIST":
      doctor(w, w.line.providerOptam === true);
      break;
    case "PHARMACY":
      simple(w, pharmacyCategory(w.line));
      break;
    case "DENTAL_CARE":
      simple(w, "dental-care");
      break;
    case "DENTAL_PROSTHESIS":
      dentalProsthesis(w);
      break;
    case "OPTICS":
      optics(w);
      break;
    case "HEARING_AID":
      hearing(w);
      break;
    case "HOSPITAL":
      hospital(w);
      break;
    case "ALTERNATIVE_MEDICINE":
      simple(w, "alternative-medicine");
      break;
    case "OTHER":
      ticketModerateur(w);
      break;
  }
}

function ceilingNote(c: Ceiling, extra: string | null): string | null {
  if (c.limitCents === null) return extra;
  const yearly = c.periodStart.endsWith("-01-01") && c.periodEnd.endsWith("-12-31") && c.periodStart.slice(0, 4) === c.periodEnd.slice(0, 4);
  const when = yearly ? "cette année" : `jusqu’au ${frenchDate(c.periodEnd)}`;
  const base = `Plafond de ${formatEuros(c.limitCents)}${yearly ? " par an" : ""} : il vous reste ${formatEuros(c.remainingAfterCents ?? 0)} ${when}.`;
  return extra ? `${base} ${extra}` : base;
}

function pharmacyCategory(line: ClaimLineInput): GuaranteeCategory {
  const rate = line.pharmacyRatePct ?? (line.secu.covered ? line.secu.ratePct : 65);
  return rate === 15 ? "pharmacy-15" : "pharmacy-65-30";
}

/** Looks the guarantee line up; a formula without one pays nothing on this category. */
function useGuarantee(w: Work, category: GuaranteeCategory): GuaranteeLine | null {
  const g = w.guarantees.get(category) ?? null;
  w.guarantee = g;
  w.effectiveRatePct = g ? g.ratePct : null;
  if (!g) {
    w.reasonCode = "NO_GUARANTEE_LINE";
    w.notCovered = true;
    w.limitNote = "Votre formule ne prévoit pas de garantie pour ces soins.";
    w.trace.push({ label: "Ligne de garantie", detail: "Aucune ligne de garantie pour ces soins" });
    return null;
  }
  w.trace.push({ label: "Ligne de garantie", detail: `${g.label} : ${describeBasis(g)}` });
  if (g.basis === "NONE") {
    w.reasonCode = "GUARANTEE_NONE";
    w.notCovered = true;
    w.limitNote = "Ces soins ne sont pas couverts par votre formule.";
    return null;
  }
  return g;
}

/** The amount a guarantee line gives before counters and ceilings, for `units` items or days. */
function byBasis(w: Work, g: GuaranteeLine, units: number, priceCapCents: number | null): number {
  switch (g.basis) {
    case "PCT_BR_INCLUDING_SECU": {
      if (w.baseCents === 0) return secuRequired(w);
      const cover = percentOf(w.baseCents, w.effectiveRatePct ?? 0);
      const amount = Math.max(0, cover - w.amoBasisCents);
      w.trace.push({ label: `Garantie ${w.effectiveRatePct} % de la base, moins la part Sécu`, amountCents: amount, detail: `${formatEuros(cover)} − ${formatEuros(w.amoBasisCents)}` });
      return amount;
    }
    case "PCT_BR_EXCLUDING_SECU": {
      if (w.baseCents === 0) return secuRequired(w);
      const amount = percentOf(w.baseCents, w.effectiveRatePct ?? 0);
      w.trace.push({ label: `Garantie ${w.effectiveRatePct} % de la base en plus de la Sécu`, amountCents: amount });
      return amount;
    }
    case "REAL_COST":
      w.trace.push({ label: "Garantie frais réels", amountCents: w.capCents });
      return w.capCents;
    case "FLAT_PER_PERIOD":
    case "PER_DAY": {
      const amount = (g.amountCents ?? 0) * units;
      w.trace.push({ label: g.basis === "PER_DAY" ? "Forfait par jour" : "Forfait", amountCents: amount, detail: `${units} × ${formatEuros(g.amountCents ?? 0)}` });
      return amount;
    }
    case "FULL_100_SANTE": {
      if (priceCapCents === null) {
        w.trace.push({ label: "100 % Santé : reste à charge couvert", amountCents: w.capCents });
        return w.capCents;
      }
      const covered = Math.max(0, Math.min(w.line.realCostCents, priceCapCents) - w.amoBasisCents);
      w.trace.push({ label: "100 % Santé : prix limite moins la part Sécu", amountCents: covered, detail: `Prix limite ${formatEuros(priceCapCents)}` });
      if (w.line.realCostCents > priceCapCents) w.limitNote = `Le prix facturé dépasse le prix limite du panier 100 % Santé (${formatEuros(priceCapCents)}) : le dépassement n’est pas remboursé.`;
      return covered;
    }
    case "NONE":
      return 0;
  }
}

function secuRequired(w: Work): number {
  w.reasonCode = "NOT_COVERED_BY_SECU";
  w.notCovered = true;
  w.limitNote = "Cette garantie complète un remboursement de la Sécurité sociale, qui n’a rien remboursé ici.";
  w.trace.push({ label: "Garantie sur la base Sécu", amountCents: 0, detail: "Pas de base de remboursement Sécu" });
  return 0;
}

/** A line valued by its guarantee alone, with the guarantee's counters (ceiling, sessions per period). */
function simple(w: Work, category: GuaranteeCategory): void {
  const g = useGuarantee(w, category);
  if (!g) return;
  if (g.basis === "FLAT_PER_PERIOD" && g.maxCount !== null) {
    countedUnits(w, g, Math.max(1, w.line.sessions ?? 1), unitsOf);
    return;
  }
  w.amcCents = byBasis(w, g, 1, null);
  amountCeiling(w, g);
}

function unitsOf(c: Consumed): number {
  return Math.max(1, c.line.sessions ?? 1);
}

/**
 * Items (sessions) or days limited per period: what earlier lines of the same category consumed
 * in the period, then a flat amount per allowed unit. The ceiling shown is the period's amount.
 */
function countedUnits(w: Work, g: GuaranteeLine, requested: number, unitsOfPast: (c: Consumed) => number): void {
  const max = (g.basis === "PER_DAY" ? g.maxDays : g.maxCount) ?? Number.MAX_SAFE_INTEGER;
  const period = periodFor(w.line.careDate, g.periodMonths ?? 12);
  let usedUnits = 0;
  let usedCents = 0;
  for (const c of w.consumed) {
    if (c.line.category !== w.line.category || c.amcCents <= 0) continue;
    if (c.line.careDate < period.start || c.line.careDate > period.end) continue;
    const units = unitsOfPast(c);
    if (units <= 0) continue;
    usedUnits += units;
    usedCents += g.basis === "PER_DAY" ? units * (g.amountCents ?? 0) : c.amcCents;
  }
  usedUnits = Math.min(usedUnits, max);
  const allowed = Math.max(0, Math.min(requested, max - usedUnits));
  const days = g.basis === "PER_DAY";
  const yearly = period.start.endsWith("-01-01") && period.end.endsWith("-12-31");
  const unitWord = days ? "jour" : "séance";
  w.trace.push({ label: g.basis === "PER_DAY" ? "Jours déjà utilisés sur la période" : "Séances déjà utilisées sur la période", detail: `${usedUnits} sur ${max}` });
  const limitCents = max === Number.MAX_SAFE_INTEGER ? null : max * (g.amountCents ?? 0);
  w.ceiling = { limitCents, usedBeforeCents: Math.min(usedCents, limitCents ?? usedCents), remainingAfterCents: null, periodStart: period.start, periodEnd: period.end };
  if (allowed === 0) {
    w.reasonCode = "CEILING_EXHAUSTED";
    w.notCovered = true;
    w.limitNote = `Le nombre de ${unitWord}s pris${days ? "" : "es"} en charge ${yearly ? "cette année" : "sur la période"} (${max}) est déjà atteint.`;
    w.trace.push({ label: "Plafond atteint", amountCents: 0 });
    w.amcCents = 0;
    return;
  }
  if (allowed < requested) {
    w.reasonCode = "CEILING_REACHED";
    const plural = allowed > 1 ? "s" : "";
    const agreement = `${days ? "" : "e"}${plural}`;
    w.limitNote = `Seul${agreement} ${allowed} ${unitWord}${plural} sur ${requested} ${allowed > 1 ? "sont" : "est"} pris${agreement} en charge : le maximum de ${max} ${yearly ? "par an" : "par période"} est atteint.`;
  }
  const left = max - usedUnits - allowed;
  w.ownCeilingNote = true;
  w.ceilingNote = `Plafond : ${max} ${unitWord}${max > 1 ? "s" : ""} à ${formatEuros(g.amountCents ?? 0)} ${yearly ? "par an" : "par période"} ; il vous reste ${left} ${unitWord}${left > 1 ? "s" : ""} ${yearly ? "cette année" : `jusqu’au ${frenchDate(period.end)}`}.`;
  w.amcCents = byBasis(w, g, allowed, null);
}

/** A ceiling in euros per beneficiary and period (dental prostheses outside 100 % Santé). */
function amountCeiling(w: Work, g: GuaranteeLine): void {
  if (g.ceilingCents === null) return;
  const period = periodFor(w.line.careDate, g.periodMonths ?? 12);
  let used = 0;
  for (const c of w.consumed) {
    if (c.guaranteeCategory !== g.category) continue;
    if (c.line.careDate < period.start || c.line.careDate > period.end) continue;
    used += c.amcCents;
  }
  const remaining = Math.max(0, g.ceilingCents - used);
  w.trace.push({ label: "Plafond de la période", amountCents: g.ceilingCents, detail: `Déjà utilisé : ${formatEuros(used)}, reste ${formatEuros(remaining)}` });
  w.ceiling = { limitCents: g.ceilingCents, usedBeforeCents: used, remainingAfterCents: null, periodStart: period.start, periodEnd: period.end };
  const wanted = Math.min(w.amcCents, w.capCents);
  if (wanted > 0 && remaining === 0) {
    w.reasonCode = "CEILING_EXHAUSTED";
    w.notCovered = true;
    w.limitNote = "Le plafond de cette garantie est déjà atteint.";
  } else if (wanted > remaining) {
    w.reasonCode = "CEILING_REACHED";
    w.limitNote = `Le remboursement est limité à ce qui reste du plafond (${formatEuros(remaining)}).`;
  }
}

/** Doctors: OPTAM or not; a contrat responsable caps the non-OPTAM cover (R871-2 CSS). */
function doctor(w: Work, optam: boolean): void {
  const g = useGuarantee(w, optam ? "doctor-optam" : "doctor-non-optam");
  if (!g) return;
  if (!optam && w.input.formula.isResponsible && g.basis === "PCT_BR_INCLUDING_SECU" && g.ratePct !== null) {
    const optamRate = w.guarantees.get("doctor-optam")?.ratePct ?? g.ratePct + RESPONSIBLE_CONTRACT.nonOptamPointsBelowOptam;
    const capped = Math.max(
      RESPONSIBLE_CONTRACT.ticketModerateurRatePct,
      Math.min(g.ratePct, RESPONSIBLE_CONTRACT.nonOptamMaxRatePct, optamRate - RESPONSIBLE_CONTRACT.nonOptamPointsBelowOptam),
    );
    if (capped !== g.ratePct) {
      w.effectiveRatePct = capped;
      w.trace.push({ label: "Plafond contrat responsable (médecin non OPTAM)", detail: `${g.ratePct} % ramené à ${capped} % de la base` });
    }
  }
  w.amcCents = byBasis(w, g, 1, null);
  amountCeiling(w, g);
}

/** Care outside every guarantee line: a contrat responsable still owes the ticket modérateur. */
function ticketModerateur(w: Work): void {
  if (!w.input.formula.isResponsible) {
    w.reasonCode = "NO_GUARANTEE_LINE";
    w.notCovered = true;
    w.limitNote = "Votre formule ne prévoit pas de garantie pour ces soins.";
    return;
  }
  if (w.baseCents === 0) {
    secuRequired(w);
    return;
  }
  const amount = Math.max(0, percentOf(w.baseCents, RESPONSIBLE_CONTRACT.ticketModerateurRatePct) - w.amoBasisCents);
  w.trace.push({ label: "Ticket modérateur (contrat responsable)", amountCents: amount, detail: "100 % de la base, moins la part Sécu" });
  w.amcCents = amount;
}

function dentalProsthesis(w: Work): void {
  if (w.line.dentalBasket === "100_SANTE") {
    const g = useGuarantee(w, "dental-prosthesis-100-sante");
    if (!g) return;
    const cap = regulatoryValue(w.input.regulatory, K.dentalCrownPriceCap, w.line.careDate);
    w.amcCents = byBasis(w, g, 1, cap);
    amountCeiling(w, g);
    return;
  }
  simple(w, "dental-prosthesis-other");
}

/** Months between two pairs of glasses: 6 under 6 years, 12 under 16, else the guarantee's period (2 years). */
function glassesRenewalMonths(age: number, g: GuaranteeLine | null): number {
  if (age < 6) return 6;
  if (age < 16) return 12;
  return g?.periodMonths ?? 24;
}

/**
 * Renewal rule shared by glasses and hearing aids: an earlier reimbursed item closer than
 * `months` (before or after: claims do not always arrive in care order) blocks this one.
 * Returns the date from which a new one is reimbursed, or null when this one is allowed.
 */
function renewalBlockedUntil(w: Work, months: number, matches: (c: Consumed) => boolean): string | null {
  const date = w.line.careDate;
  const from = addMonths(date, -months);
  const to = addMonths(date, months);
  let latest: string | null = null;
  for (const c of w.consumed) {
    if (c.line.category !== w.line.category || c.amcCents <= 0 || !matches(c)) continue;
    const d = c.line.careDate;
    if (d > from && d < to && (latest === null || d > latest)) latest = d;
  }
  return latest === null ? null : addMonths(latest, months);
}

function frequencyExceeded(w: Work, until: string, what: string): void {
  w.reasonCode = "FREQUENCY_EXCEEDED";
  w.notCovered = true;
  w.amcCents = 0;
  w.limitNote = `${what} déjà remboursé${what.endsWith("s") ? "es" : "e"} récemment : le prochain renouvellement est pris en charge à partir du ${frenchDate(until)}.`;
  w.trace.push({ label: "Règle de renouvellement", amountCents: 0, detail: `Renouvellement possible à partir du ${frenchDate(until)}` });
}

function optics(w: Work): void {
  const line = w.line;
  const classA = line.opticsClass === "A";
  const g = useGuarantee(w, classA ? "optics-class-a" : "optics-class-b");
  if (!g) return;
  const age = ageOn(w.input.beneficiary.birthDate, line.careDate);
  const months = glassesRenewalMonths(age, w.guarantees.get("optics-class-b") ?? g);
  if (line.prescriptionChanged) {
    w.trace.push({ label: "Règle de renouvellement", detail: "Changement de correction : renouvellement anticipé autorisé" });
  } else {
    const until = renewalBlockedUntil(w, months, () => true);
    if (until !== null) {
      frequencyExceeded(w, until, "Des lunettes");
      return;
    }
    w.trace.push({ label: "Règle de renouvellement", detail: `Un équipement tous les ${months} mois à ${age} ans : respectée` });
  }
  const complexity = line.lensComplexity ?? 1;
  if (classA) {
    const cap = regulatoryValue(w.input.regulatory, K.opticsClassAPriceCap(complexity), line.careDate);
    w.amcCents = byBasis(w, g, 1, cap);
    return;
  }
  let amount = byBasis(w, g, 1, null);
  // Contrat responsable: a classe B pair is covered at most up to a cap by lens complexity,
  // Sécu included, and the frame at most up to 100 € of that cover.
  if (w.input.formula.isResponsible) {
    const pairCap = requireRegulatoryValue(w.input.regulatory, K.opticsClassBCap(complexity), line.careDate);
    const frameCap = requireRegulatoryValue(w.input.regulatory, K.opticsFrameCap, line.careDate);
    const frameExcess = Math.max(0, (line.frameCents ?? 0) - frameCap);
    const coverable = Math.max(0, Math.min(pairCap, line.realCostCents - frameExcess) - w.amoBasisCents);
    w.trace.push({ label: "Plafond contrat responsable (équipement, Sécu comprise)", amountCents: pairCap, detail: `Complexité ${complexity}, monture au plus ${formatEuros(frameCap)}` });
    if (coverable < amount) {
      amount = coverable;
      if (frameExcess > 0) w.limitNote = `La monture n’est prise en charge que jusqu’à ${formatEuros(frameCap)}.`;
    }
  }
  w.amcCents = amount;
  perItemCeiling(w, g, months, "Prochaine paire de lunettes prise en charge à partir du");
}

/** One item per renewal period: its flat amount is the ceiling, and the note gives the next date. */
function perItemCeiling(w: Work, g: GuaranteeLine, months: number, next: string): void {
  const date = w.line.careDate;
  const end = addDays(addMonths(date, months), -1);
  w.ownCeilingNote = true;
  w.ceiling = { limitCents: g.amountCents ?? 0, usedBeforeCents: 0, remainingAfterCents: null, periodStart: date, periodEnd: end };
  w.ceilingNote = `${next} ${frenchDate(addMonths(date, months))}${w.line.category === "OPTICS" ? ", ou plus tôt si votre vue change" : ""}.`;
}

function hearing(w: Work): void {
  const line = w.line;
  const classI = line.hearingClass !== "II";
  const g = useGuarantee(w, classI ? "hearing-class-1" : "hearing-class-2");
  if (!g) return;
  const months = g.periodMonths ?? w.guarantees.get("hearing-class-2")?.periodMonths ?? 48;
  const until = renewalBlockedUntil(w, months, (c) => line.ear === undefined || c.line.ear === undefined || c.line.ear === line.ear);
  if (until !== null) {
    frequencyExceeded(w, until, `Une aide auditive${line.ear ? ` pour l’oreille ${line.ear === "LEFT" ? "gauche" : "droite"}` : ""}`);
    return;
  }
  w.trace.push({ label: "Règle de renouvellement", detail: `Une aide auditive par oreille tous les ${months / 12} ans : respectée` });
  if (classI) {
    const under20 = ageOn(w.input.beneficiary.birthDate, line.careDate) < 20;
    const cap = requireRegulatoryValue(w.input.regulatory, under20 ? K.hearingClass1PriceCapUnder20 : K.hearingClass1PriceCap, line.careDate);
    w.amcCents = byBasis(w, g, 1, cap);
    return;
  }
  let amount = byBasis(w, g, 1, null);
  if (w.input.formula.isResponsible) {
    const coverCap = requireRegulatoryValue(w.input.regulatory, K.hearingClass2CoverCap, line.careDate);
    const coverable = Math.max(0, coverCap - w.amoBasisCents);
    w.trace.push({ label: "Plafond contrat responsable (par oreille, Sécu comprise)", amountCents: coverCap });
    amount = Math.min(amount, coverable);
  }
  w.amcCents = amount;
  perItemCeiling(w, g, months, `Prochaine aide auditive${line.ear ? ` pour cette oreille` : ""} prise en charge à partir du`);
}

/**
 * A hospital stay: the forfait journalier (a contrat responsable covers it without time limit),
 * the doctors' fees on the Sécu base, and the private room per day within its yearly days.
 * Each part is bounded by what the member still has to pay after the previous ones.
 */
function hospital(w: Work): void {
  const line = w.line;
  const date = line.careDate;
  let remaining = w.capCents;
  let total = 0;
  let shown: GuaranteeLine | null = null;
  const parts: NonNullable<ExplanationParts["parts"]> = [];

  const days = Math.max(0, line.hospitalDays ?? 0);
  if (days > 0) {
    const daily = requireRegulatoryValue(w.input.regulatory, line.psychiatry ? K.forfaitJournalierPsychiatry : K.forfaitJournalier, date);
    const g = w.guarantees.get("hospital-daily-fee") ?? null;
    shown = g;
    if (w.input.beneficiary.scheme === "ALSACE_MOSELLE") {
      w.trace.push({ label: "Forfait journalier", amountCents: 0, detail: "Pris en charge par le régime local d’Alsace-Moselle" });
    } else if (g && g.basis !== "NONE") {
      const fj = Math.min(remaining, days * daily);
      w.trace.push({ label: "Forfait journalier", amountCents: fj, detail: `${days} × ${formatEuros(daily)}${line.psychiatry ? " (psychiatrie)" : ""} : ${g.label}` });
      parts.push({ label: g.label, basisText: describeBasis(g), amountCents: fj });
      remaining -= fj;
      total += fj;
    }
  }

  if (w.baseCents > 0) {
    const g = w.guarantees.get(line.providerOptam ? "doctor-optam" : "doctor-non-optam") ?? null;
    if (g && g.basis !== "NONE") {
      w.guarantee = g;
      w.effectiveRatePct = g.ratePct;
      if (!line.providerOptam && w.input.formula.isResponsible && g.basis === "PCT_BR_INCLUDING_SECU" && g.ratePct !== null) {
        const optamRate = w.guarantees.get("doctor-optam")?.ratePct ?? g.ratePct + RESPONSIBLE_CONTRACT.nonOptamPointsBelowOptam;
        w.effectiveRatePct = Math.max(100, Math.min(g.ratePct, RESPONSIBLE_CONTRACT.nonOptamMaxRatePct, optamRate - RESPONSIBLE_CONTRACT.nonOptamPointsBelowOptam));
      }
      const fees = Math.min(remaining, byBasis(w, g, 1, null));
      w.trace.push({ label: "Honoraires et frais de séjour", amountCents: fees, detail: g.label });
      parts.push({ label: g.label, basisText: describeBasis(g, w.effectiveRatePct), amountCents: fees });
      remaining -= fees;
      total += fees;
      shown ??= g;
    }
  }

  const roomDays = Math.max(0, line.privateRoomDays ?? 0);
  if (roomDays > 0) {
    const g = w.guarantees.get("hospital-private-room") ?? null;
    if (!g || g.basis === "NONE") {
      w.trace.push({ label: "Chambre particulière", amountCents: 0, detail: "Non couverte par votre formule" });
      w.limitNote = "La chambre particulière n’est pas couverte par votre formule.";
    } else {
      const saved = { guarantee: w.guarantee, rate: w.effectiveRatePct, cap: w.capCents };
      w.guarantee = g;
      w.capCents = remaining;
      countedUnits(w, g, roomDays, (c) => Math.max(0, c.line.privateRoomDays ?? 0));
      const room = Math.min(remaining, w.amcCents);
      w.trace.push({ label: "Chambre particulière", amountCents: room, detail: g.label });
      parts.push({ label: g.label, basisText: describeBasis(g), amountCents: room });
      total += room;
      // The stay keeps its main guarantee line; the room's counter is what the ceiling shows.
      w.guarantee = saved.guarantee ?? g;
      w.effectiveRatePct = saved.rate;
      w.capCents = saved.cap;
      if (w.reasonCode === "CEILING_EXHAUSTED" && total > 0) w.notCovered = false;
      if (w.ceiling && w.ceiling.limitCents !== null) {
        // The ceiling concerns the room only: the rest of the stay is not bounded by it.
        w.ceiling = { ...w.ceiling, limitCents: null };
        if (w.ceilingNote) w.ceilingNote = w.ceilingNote.replace(/^Plafond :/, "Chambre particulière, plafond :");
      }
    }
  }
  w.guarantee ??= shown;
  if (parts.length > 1) w.parts = parts;
  if (!w.guarantee && total === 0 && w.reasonCode === null) {
    w.reasonCode = "NO_GUARANTEE_LINE";
    w.notCovered = true;
  }
  w.amcCents = total;
}
