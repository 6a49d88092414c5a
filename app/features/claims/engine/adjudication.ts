import {
  ceilingSignal,
  dentalCentreSignal,
  familyGlassesSignal,
  lineName,
  lineSignals,
  normaliseInvoiceNumber,
  normaliseName,
  reason,
  REVIEW_THRESHOLD,
  RULES,
  SIGNAL_SETTINGS,
  sameToothSignal,
} from "./fraud-rules";
import type { AdjudicationInput, AdjudicationResult, ClaimLineInput, PastLine, ReviewReason, ReviewReasonCode } from "./types";
import { valueClaimLines } from "./valuation";
import { formatEuros } from "~/platform/format/euros";
import { addMonths, frenchDate } from "~/platform/time/civil-date";
import { parisDateOf } from "~/platform/time/paris";

/*
 * Adjudication: values the claim, then runs the checks in order — beneficiary covered at the care
 * date, duplicates (content, invoice number, file, NOEMIE double payment), frequency, ceilings,
 * timing — and the fraud signals. A claim with no blocking reason and a score under the threshold
 * is settled automatically; anything else goes to a person with its reasons in French. Automatic
 * processing never rejects: the worst outcome here is REVIEW.
 */

export function adjudicateClaim(input: AdjudicationInput, now: Date): AdjudicationResult {
  const { claim, beneficiary } = input;
  const lines = claim.lines;
  const valuations = valueClaimLines({ lines, beneficiary, formula: input.formula, regulatory: input.regulatory, history: input.history });
  const reasons: ReviewReason[] = [];

  if (lines.length === 0) reasons.push(reason("DATA_ENTRY_REQUIRED", "La demande ne contient aucune ligne de soins : les montants sont à saisir."));

  // The beneficiary's own earlier lines, once: most checks compare with them.
  const own: PastLine[] = [];
  for (const p of input.history) if (p.beneficiaryId === beneficiary.personId) own.push(p);

  const today = parisDateOf(now);
  const oldest = addMonths(parisDateOf(claim.receivedAt), -SIGNAL_SETTINGS.careMaxAgeMonths);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const v = valuations[i]!;
    coverCheck(input, line, i, reasons);
    duplicateChecks(input, own, lines, i, reasons);
    if (v.reasonCode === "FREQUENCY_EXCEEDED") {
      const rule = v.trace.find((s) => s.label === "Règle de renouvellement");
      reasons.push(reason("FREQUENCY_EXCEEDED", `${lineName(line, i)} : règle de renouvellement non respectée (${rule?.detail ?? "équipement déjà remboursé"}).`, i));
    }
    if (v.reasonCode === "CEILING_EXHAUSTED") {
      reasons.push(reason("CEILING_EXHAUSTED", `${lineName(line, i)} : plafond de la garantie déjà atteint, rien n’est remboursé.`, i));
    }
    if (line.careDate > today) {
      reasons.push(reason("CARE_IN_FUTURE", `${lineName(line, i)} : la date des soins (${frenchDate(line.careDate)}) est postérieure à aujourd’hui.`, i));
    } else if (line.careDate < oldest) {
      reasons.push(reason("CARE_TOO_OLD", `${lineName(line, i)} : soins du ${frenchDate(line.careDate)}, plus de 2 ans avant la réception de la demande.`, i));
    }
    lineSignals(input, line, v, i, reasons);
    ceilingSignal(line, v, i, reasons);
    sameToothSignal(lines, own, i, reasons);
  }

  const totals = { realCostCents: 0, amoPaidCents: 0, amcCents: 0, resteAChargeCents: 0 };
  for (let i = 0; i < lines.length; i++) {
    totals.realCostCents += Math.max(0, lines[i]!.realCostCents);
    totals.amoPaidCents += valuations[i]!.amoPaidCents;
    totals.amcCents += valuations[i]!.amcCents;
    totals.resteAChargeCents += valuations[i]!.resteAChargeCents;
  }
  if (valuations.length > 0 && valuations.every((v) => v.status === "NOT_COVERED")) {
    reasons.push(reason("NOTHING_PAYABLE", "Aucune ligne de la demande n’est remboursable : une personne confirme avant toute réponse à l’adhérent."));
  }
  timingSignals(input, totals, reasons);
  familyGlassesSignal(input, reasons);
  dentalCentreSignal(input, reasons);
  if (totals.realCostCents >= SIGNAL_SETTINGS.highAmountCents) {
    reasons.push(reason("HIGH_AMOUNT", `Montant élevé : ${formatEuros(totals.realCostCents)} de frais réels.`));
  }

  const { score, blocking } = score_(reasons);
  return {
    decision: blocking || score >= REVIEW_THRESHOLD ? "REVIEW" : "AUTO_SETTLE",
    fraudScore: score,
    threshold: REVIEW_THRESHOLD,
    reasons,
    lines: valuations,
    totals,
  };
}

/** Each code counts once, with its weight; a blocking code alone sends the claim to review. */
function score_(reasons: readonly ReviewReason[]): { score: number; blocking: boolean } {
  let score = 0;
  let blocking = false;
  const seen: string[] = [];
  for (const r of reasons) {
    if (seen.includes(r.code)) continue;
    seen.push(r.code);
    score += r.weight;
    if (RULES[r.code as ReviewReasonCode]?.blocking) blocking = true;
  }
  return { score, blocking };
}

function coverCheck(input: AdjudicationInput, line: ClaimLineInput, i: number, out: ReviewReason[]): void {
  const b = input.beneficiary;
  const d = line.careDate;
  let problem: string | null = null;
  if (d < b.contractStartDate) problem = `antérieurs au début du contrat (${frenchDate(b.contractStartDate)})`;
  else if (b.contractEndDate !== null && d > b.contractEndDate) problem = `postérieurs à la fin du contrat (${frenchDate(b.contractEndDate)})`;
  else if (d < b.coveredFrom) problem = `antérieurs au début de la couverture du bénéficiaire (${frenchDate(b.coveredFrom)})`;
  else if (b.coveredTo !== null && d > b.coveredTo) problem = `postérieurs à la fin de la couverture du bénéficiaire (${frenchDate(b.coveredTo)})`;
  if (problem) out.push(reason("NOT_COVERED_AT_CARE_DATE", `${lineName(line, i)} : soins du ${frenchDate(d)}, ${problem}.`, i));
}

function sameAct(a: ClaimLineInput, b: ClaimLineInput): boolean {
  return a.category === b.category && (a.actCode === undefined || b.actCode === undefined || a.actCode === b.actCode) && a.toothNumber === b.toothNumber && a.ear === b.ear;
}

/**
 * Duplicates: the same care (beneficiary, date, provider, act, amount) already claimed, in an
 * earlier claim or earlier in this one; the same invoice number or file; and the classic double
 * payment, care paid once through NOEMIE and claimed again by upload (or the reverse).
 */
function duplicateChecks(input: AdjudicationInput, own: readonly PastLine[], lines: readonly ClaimLineInput[], i: number, out: ReviewReason[]): void {
  const line = lines[i]!;
  const claim = input.claim;
  let provider: string | null = null;
  let content: PastLine | null = null;
  let noemie: PastLine | null = null;
  for (const p of own) {
    const l = p.line;
    if (l.careDate !== line.careDate || l.category !== line.category) continue;
    if (content === null && l.realCostCents === line.realCostCents && sameAct(l, line)) {
      provider ??= normaliseName(line.providerName);
      if (normaliseName(l.providerName) === provider) content = p;
    }
    if (noemie === null && (p.channel === "NOEMIE") !== (claim.channel === "NOEMIE") && sameSecuCare(l, line)) noemie = p;
  }
  if (content) {
    out.push(reason("DUPLICATE_CONTENT", `${lineName(line, i)} : mêmes soins (même date, même professionnel, même acte, même montant) déjà demandés dans ${content.claimNumber}.`, i));
  } else {
    for (let j = 0; j < i; j++) {
      const other = lines[j]!;
      if (other.careDate === line.careDate && other.realCostCents === line.realCostCents && sameAct(other, line) && normaliseName(other.providerName) === normaliseName(line.providerName)) {
        out.push(reason("DUPLICATE_CONTENT", `${lineName(line, i)} : identique à la ligne ${j + 1} de cette demande.`, i));
        break;
      }
    }
  }
  if (noemie) {
    const how = claim.channel === "NOEMIE" ? `déjà demandés par ${channelName(noemie.channel)} (${noemie.claimNumber})` : `déjà transmis par la Sécu via NOEMIE (${noemie.claimNumber})`;
    out.push(reason("NOEMIE_ALREADY_PAID", `${lineName(line, i)} : soins du ${frenchDate(line.careDate)} ${how} ; risque de double paiement.`, i));
  }

  if (i > 0) return;
  // Claim-level duplicates, reported once, on the first line.
  if (claim.invoiceNumber !== null && claim.invoiceNumber.trim() !== "") {
    const wanted = normaliseInvoiceNumber(claim.invoiceNumber);
    const providers = lines.map((l) => normaliseName(l.providerName));
    for (const p of input.history) {
      if (p.invoiceNumber === null || normaliseInvoiceNumber(p.invoiceNumber) !== wanted) continue;
      if (p.beneficiaryId !== input.beneficiary.personId && !providers.includes(normaliseName(p.line.providerName))) continue;
      out.push(reason("DUPLICATE_INVOICE_NUMBER", `Le numéro de facture « ${claim.invoiceNumber} » figure déjà sur la demande ${p.claimNumber}.`));
      break;
    }
  }
  if (claim.fileHashes.length > 0) {
    search: for (const p of input.history) {
      for (const h of p.fileHashes) {
        if (claim.fileHashes.includes(h)) {
          out.push(reason("DUPLICATE_FILE", `Un justificatif identique a déjà été transmis avec la demande ${p.claimNumber}.`));
          break search;
        }
      }
    }
  }
}

/** NOEMIE and an upload describe the same care with the same Sécu base, whatever the provider's spelling. */
function sameSecuCare(a: ClaimLineInput, b: ClaimLineInput): boolean {
  if (a.secu.covered && b.secu.covered) return a.secu.baseCents === b.secu.baseCents;
  return a.realCostCents === b.realCostCents;
}

function channelName(channel: PastLine["channel"]): string {
  return channel === "ONLINE" ? "l’espace adhérent" : channel === "EMAIL" ? "courriel" : channel === "PAPER" ? "courrier" : "NOEMIE";
}

/** Large claims in the first months of the contract, and right after a change of bank details. */
function timingSignals(input: AdjudicationInput, totals: AdjudicationResult["totals"], out: ReviewReason[]): void {
  const b = input.beneficiary;
  const lines = input.claim.lines;
  if (lines.length === 0) return;
  const earlyEnd = addMonths(b.contractStartDate, SIGNAL_SETTINGS.earlyMonths);
  if (totals.realCostCents >= SIGNAL_SETTINGS.earlyLargeClaimCents && lines.some((l) => l.careDate < earlyEnd && l.careDate >= b.contractStartDate)) {
    out.push(reason("EARLY_LARGE_CLAIM", `Demande de ${formatEuros(totals.realCostCents)} pour des soins des ${SIGNAL_SETTINGS.earlyMonths} premiers mois du contrat (début le ${frenchDate(b.contractStartDate)}).`));
  }
  if (b.ibanChangedAt !== null && totals.amcCents >= SIGNAL_SETTINGS.ibanLargeClaimCents) {
    const days = (input.claim.receivedAt.getTime() - b.ibanChangedAt.getTime()) / 86_400_000;
    if (days >= 0 && days <= SIGNAL_SETTINGS.ibanChangeDays) {
      out.push(reason("IBAN_CHANGED_BEFORE_LARGE_CLAIM", `Coordonnées bancaires modifiées ${Math.floor(days)} jour(s) avant une demande remboursant ${formatEuros(totals.amcCents)}.`));
    }
  }
}
