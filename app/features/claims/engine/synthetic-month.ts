// Over 400 lines: one deterministic generator of a realistic month of claims, whose households, care histories and injected anomalies share one random stream.
import type { FormulaCode } from "~/features/members";
import { regulatoryValue, REGULATORY_KEYS as K } from "./regulatory";
import type { BeneficiaryContext, CareCategory, Channel, ClaimInput, ClaimLineInput, PastLine, RegulatoryParameter, ReviewReasonCode } from "./types";
import { addDays, addMonths, ageOn, dayNumber } from "~/platform/time/civil-date";

/*
 * A synthetic but realistic month of claims for the claims-month benchmark and the engine's
 * end-to-end tests: several hundred contracts on the four formulas, their beneficiaries with ages,
 * schemes and a past (glasses, hearing aids, crowns), and claims arriving through every channel
 * with the category mix and amounts of a French mutuelle. Clean claims follow the rules a real
 * member's care follows (renewal periods, one crown per tooth, sessions within the year's count),
 * and a few per cent are injected duplicates and anomalies, each labelled with what it is and the
 * reason code that must catch it. Deterministic for a given seed.
 */

export type AnomalyKind =
  | "DUPLICATE_RESUBMISSION"
  | "DUPLICATE_INVOICE_NUMBER"
  | "DUPLICATE_FILE"
  | "NOEMIE_DOUBLE_PAYMENT"
  | "GLASSES_TOO_SOON"
  | "CARE_BEFORE_COVER"
  | "CARE_TOO_OLD"
  | "CLASS_A_ABOVE_CAP"
  | "IMPOSSIBLE_TOOTH"
  | "SAME_CROWN_SAME_TOOTH"
  | "IBAN_CHANGED_BEFORE_LARGE_CLAIM"
  | "FRAME_COST_SHIFTED"
  | "AMOUNT_EQUALS_REMAINING_CEILING"
  | "GLASSES_WHOLE_FAMILY";

/** The reason code each injected anomaly must raise. */
export const ANOMALY_CODES: Record<AnomalyKind, ReviewReasonCode> = {
  DUPLICATE_RESUBMISSION: "DUPLICATE_CONTENT",
  DUPLICATE_INVOICE_NUMBER: "DUPLICATE_INVOICE_NUMBER",
  DUPLICATE_FILE: "DUPLICATE_FILE",
  NOEMIE_DOUBLE_PAYMENT: "NOEMIE_ALREADY_PAID",
  GLASSES_TOO_SOON: "FREQUENCY_EXCEEDED",
  CARE_BEFORE_COVER: "NOT_COVERED_AT_CARE_DATE",
  CARE_TOO_OLD: "CARE_TOO_OLD",
  CLASS_A_ABOVE_CAP: "CLASS_A_ABOVE_CAP",
  IMPOSSIBLE_TOOTH: "IMPOSSIBLE_TOOTH",
  SAME_CROWN_SAME_TOOTH: "SAME_CROWN_SAME_TOOTH",
  IBAN_CHANGED_BEFORE_LARGE_CLAIM: "IBAN_CHANGED_BEFORE_LARGE_CLAIM",
  FRAME_COST_SHIFTED: "FRAME_COST_SHIFTED",
  AMOUNT_EQUALS_REMAINING_CEILING: "AMOUNT_EQUALS_REMAINING_CEILING",
  GLASSES_WHOLE_FAMILY: "GLASSES_WHOLE_FAMILY",
};

const ANOMALY_KINDS = Object.keys(ANOMALY_CODES) as AnomalyKind[];

export type SyntheticContract = { id: string; formulaCode: FormulaCode; beneficiaryIds: string[] };

export type SyntheticClaim = {
  contractId: string;
  formulaCode: FormulaCode;
  /** The beneficiary as loaded when the claim arrives (bank details may just have changed). */
  beneficiary: BeneficiaryContext;
  claim: ClaimInput;
  anomaly: AnomalyKind | null;
};

export type SyntheticMonth = {
  month: string;
  contracts: SyntheticContract[];
  /** Lines of earlier months (same shape as the database's history), by contract. */
  initialHistory: PastLine[];
  claims: SyntheticClaim[];
};

export type SyntheticMonthOptions = {
  seed?: number;
  claims?: number;
  contracts?: number;
  /** "YYYY-MM" */
  month?: string;
  /** Share of claims that are injected duplicates or anomalies. */
  anomalyRate?: number;
  regulatory: readonly RegulatoryParameter[];
};

/** Claims per category out of 1,000, as a mutuelle receives them. */
const CATEGORY_MIX: [CareCategory, number][] = [
  ["PHARMACY", 300],
  ["GP", 270],
  ["SPECIALIST", 140],
  ["DENTAL_CARE", 80],
  ["ALTERNATIVE_MEDICINE", 60],
  ["OTHER", 45],
  ["OPTICS", 40],
  ["HOSPITAL", 30],
  ["DENTAL_PROSTHESIS", 25],
  ["HEARING_AID", 10],
];

const FORMULA_MIX: [FormulaCode, number][] = [
  ["F1", 20],
  ["F2", 40],
  ["F3", 30],
  ["F4", 10],
];

const ALT_MEDICINE_SESSIONS: Record<FormulaCode, number> = { F1: 0, F2: 2, F3: 4, F4: 6 };
const ALT_MEDICINE_CENTS: Record<FormulaCode, number> = { F1: 0, F2: 3_000, F3: 4_000, F4: 5_000 };

const LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"];

type Person = {
  context: BeneficiaryContext;
  contract: SyntheticContract;
  lastGlasses: string | null;
  hearing: { LEFT: string | null; RIGHT: string | null };
  crowns: number[];
  altSessions: number;
  /** "date|category" of this month's care: keeps clean claims from colliding by chance. */
  used: Set<string>;
  claims: SyntheticClaim[];
};

/** Mulberry32: small, fast, good enough for synthetic data. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function generateSyntheticMonth(options: SyntheticMonthOptions): SyntheticMonth {
  const random = generator(options.seed ?? 20261101);
  const month = options.month ?? "2026-10";
  const claimCount = options.claims ?? 10_000;
  const contractCount = options.contracts ?? 600;
  const anomalyRate = options.anomalyRate ?? 0.035;
  const reg = options.regulatory;
  const monthStart = `${month}-01`;
  const monthEnd = addDays(addMonths(monthStart, 1), -1);
  const monthStartMs = Date.parse(`${monthStart}T06:00:00Z`);
  const monthMs = (dayNumber(monthEnd) - dayNumber(monthStart) + 1) * 86_400_000 - 8 * 3_600_000;

  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const weighted = <T>(items: readonly [T, number][]): T => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1]![0];
  };
  const day = (from: string, to: string) => addDays(from, int(0, dayNumber(to) - dayNumber(from)));

  // Contracts, beneficiaries and their past -------------------------------------------------
  const contracts: SyntheticContract[] = [];
  const people: Person[] = [];
  const initialHistory: PastLine[] = [];
  let pastCounter = 0;
  const pastLine = (person: Person, line: ClaimLineInput, amcCents: number, guaranteeCategory: PastLine["guaranteeCategory"]) => {
    pastCounter++;
    initialHistory.push({
      claimId: `past-${pastCounter}`,
      claimNumber: `RB-${line.careDate.slice(0, 4)}-${String(pastCounter).padStart(7, "0")}`,
      beneficiaryId: person.context.personId,
      channel: "NOEMIE",
      claimStatus: "PAID",
      line,
      amcCents,
      guaranteeCategory,
      invoiceNumber: null,
      fileHashes: [],
      receivedAt: new Date(`${addDays(line.careDate, 5)}T09:00:00Z`),
    });
  };

  for (let c = 0; c < contractCount; c++) {
    const recent = random() < 0.03;
    const start = recent ? day(addMonths(monthStart, -2), addDays(monthStart, -1)) : day("2015-01-01", addMonths(monthStart, -6));
    const contract: SyntheticContract = { id: `contract-${c + 1}`, formulaCode: weighted(FORMULA_MIX), beneficiaryIds: [] };
    contracts.push(contract);
    const scheme = random() < 0.05 ? "ALSACE_MOSELLE" : "GENERAL";
    const c2s = random() < 0.03;
    const adultBirth = day("1940-01-01", "2003-12-31");
    const size = weighted([[1, 35], [2, 30], [3, 15], [4, 15], [5, 5]] as [number, number][]);
    for (let b = 0; b < size; b++) {
      const birthDate = b < 2 ? (b === 0 ? adultBirth : addDays(adultBirth, int(-2000, 2000))) : day("2008-01-01", "2025-06-30");
      const coveredFrom = birthDate > start ? birthDate : start;
      const context: BeneficiaryContext = {
        personId: `${contract.id}-p${b + 1}`,
        contractId: contract.id,
        birthDate,
        c2s,
        scheme,
        coveredFrom,
        coveredTo: null,
        contractStartDate: start,
        contractEndDate: null,
        ibanChangedAt: random() < 0.1 ? new Date(`${day("2020-01-01", addMonths(monthStart, -3))}T10:00:00Z`) : null,
      };
      contract.beneficiaryIds.push(context.personId);
      const person: Person = { context, contract, lastGlasses: null, hearing: { LEFT: null, RIGHT: null }, crowns: [], altSessions: 0, used: new Set(), claims: [] };
      people.push(person);
      const age = ageOn(birthDate, monthStart);
      if (random() < 0.5) {
        const date = day(addMonths(monthStart, -30), addMonths(monthStart, -3));
        if (date >= coveredFrom) {
          pastLine(person, opticsLine(date, "B", 2, 12_000, 38_000, false), 15_000, "optics-class-b");
          person.lastGlasses = date;
        }
      }
      if (age >= 60 && random() < 0.25) {
        const date = day(addMonths(monthStart, -60), addMonths(monthStart, -6));
        if (date >= coveredFrom) {
          pastLine(person, hearingLine(date, "I", "LEFT"), 71_000, "hearing-class-1");
          person.hearing.LEFT = date;
        }
      }
      if (age >= 25 && random() < 0.12) {
        const date = day(addMonths(monthStart, -48), addMonths(monthStart, -13));
        if (date >= coveredFrom) {
          const tooth = int(1, 4) * 10 + int(3, 7);
          pastLine(person, { category: "DENTAL_PROSTHESIS", careDate: date, realCostCents: 50_000, secu: secu(12_000, 60, 7_000), providerName: `Dr ${pick(LAST_NAMES)}`, dentalBasket: "100_SANTE", toothNumber: tooth }, 43_000, "dental-prosthesis-100-sante");
          person.crowns.push(tooth);
        }
      }
    }
  }

  // Line builders ------------------------------------------------------------------------------
  function secu(baseCents: number, ratePct: number, paidCents: number) {
    return { covered: true as const, baseCents, ratePct, paidCents };
  }

  function exempt(p: Person, date: string): boolean {
    return p.context.c2s || ageOn(p.context.birthDate, date) < 18;
  }

  function opticsLine(date: string, cls: "A" | "B", complexity: 1 | 2 | 3 | 4 | 5 | 6, frame: number, lenses: number, changed: boolean): ClaimLineInput {
    if (cls === "A") {
      const cap = regulatoryValue(reg, K.opticsClassAPriceCap(complexity), date) ?? 10_000;
      const price = cap - 10 * int(0, 100);
      const base = Math.round(price * 0.4);
      return { category: "OPTICS", careDate: date, realCostCents: price, secu: secu(base, 60, Math.round(base * 0.6)), providerName: `Optique ${pick(LAST_NAMES)}`, opticsClass: "A", lensComplexity: complexity, frameCents: Math.min(3_000, frame), prescriptionChanged: changed };
    }
    return { category: "OPTICS", careDate: date, realCostCents: frame + lenses, secu: secu(15, 60, 9), providerName: `Optique ${pick(LAST_NAMES)}`, opticsClass: "B", lensComplexity: complexity, frameCents: frame, prescriptionChanged: changed };
  }

  function hearingLine(date: string, cls: "I" | "II", ear: "LEFT" | "RIGHT"): ClaimLineInput {
    const price = cls === "I" ? 95_000 : int(130_000, 190_000);
    return { category: "HEARING_AID", careDate: date, realCostCents: price, secu: secu(40_000, 60, 24_000), providerName: `Audition ${pick(LAST_NAMES)}`, hearingClass: cls, ear };
  }

  function glassesRenewal(p: Person, date: string): number {
    const age = ageOn(p.context.birthDate, date);
    return age < 6 ? 6 : age < 16 ? 12 : 24;
  }

  function canHaveGlasses(p: Person, date: string): boolean {
    return p.lastGlasses === null || addMonths(p.lastGlasses, glassesRenewal(p, date)) <= date;
  }

  /** A clean line of `category` for `p` on `date`, or null when the rules of care forbid it. */
  function cleanLine(p: Person, category: CareCategory, date: string): ClaimLineInput | null {
    const alsace = p.context.scheme === "ALSACE_MOSELLE";
    const pf = exempt(p, date) ? 0 : (regulatoryValue(reg, K.participation, date) ?? 200);
    const doctor = `Dr ${pick(LAST_NAMES)}`;
    switch (category) {
      case "GP": {
        const rate = alsace ? 90 : 70;
        const overFee = random() < 0.1 ? int(5, 20) * 100 : 0;
        return { category, careDate: date, realCostCents: 3_000 + overFee, secu: secu(3_000, rate, 30 * rate - pf), providerName: doctor, providerOptam: overFee === 0 || random() < 0.5, actCode: "G" };
      }
      case "SPECIALIST": {
        const base = random() < 0.3 ? 6_000 : 3_150;
        const rate = alsace ? 90 : 70;
        const overFee = random() < 0.5 ? int(0, 60) * 100 : 0;
        return { category, careDate: date, realCostCents: base + overFee, secu: secu(base, rate, Math.round((base * rate) / 100) - pf), providerName: doctor, providerOptam: random() < 0.6, actCode: base === 6_000 ? "APC" : "CS" };
      }
      case "PHARMACY": {
        const drugRate = weighted([[65, 60], [30, 20], [15, 10], [100, 10]] as [100 | 65 | 30 | 15, number][]);
        const base = int(300, 9_000);
        const boxes = int(1, 4);
        const gross = Math.round((base * drugRate) / 100);
        const franchise = exempt(p, date) ? 0 : Math.min(gross, boxes * 100);
        return { category, careDate: date, realCostCents: base, secu: secu(base, drugRate, gross - franchise), providerName: `Pharmacie ${pick(LAST_NAMES)}`, pharmacyRatePct: drugRate };
      }
      case "DENTAL_CARE": {
        const base = int(23, 80) * 100;
        const rate = alsace ? 90 : 60;
        const tooth = ageOn(p.context.birthDate, date) < 12 ? int(5, 8) * 10 + int(1, 5) : int(1, 4) * 10 + int(1, 8);
        return { category, careDate: date, realCostCents: base + (random() < 0.3 ? int(0, 30) * 100 : 0), secu: secu(base, rate, Math.round((base * rate) / 100) - pf), providerName: doctor, toothNumber: tooth };
      }
      case "DENTAL_PROSTHESIS": {
        if (ageOn(p.context.birthDate, date) < 18) return null;
        let tooth = 0;
        for (let attempt = 0; attempt < 5 && (tooth === 0 || p.crowns.includes(tooth)); attempt++) tooth = int(1, 4) * 10 + int(1, 7);
        if (p.crowns.includes(tooth)) return null;
        p.crowns.push(tooth);
        const basket = weighted([["100_SANTE", 50], ["MAITRISE", 30], ["LIBRE", 20]] as ["100_SANTE" | "MAITRISE" | "LIBRE", number][]);
        const base = basket === "100_SANTE" ? 12_000 : 10_750;
        const price = basket === "100_SANTE" ? int(30, 50) * 1_000 : basket === "MAITRISE" ? int(50, 70) * 1_000 : int(60, 110) * 1_000;
        return { category, careDate: date, realCostCents: price, secu: secu(base, 60, Math.round(base * 0.6) - pf), providerName: doctor, dentalBasket: basket, toothNumber: tooth };
      }
      case "OPTICS": {
        if (!canHaveGlasses(p, date)) return null;
        const family = p.contract.beneficiaryIds.filter((id) => id !== p.context.personId).map((id) => byId.get(id)!);
        if (family.filter((f) => f.lastGlasses !== null && Math.abs(dayNumber(f.lastGlasses) - dayNumber(date)) <= 20).length >= 1) return null;
        p.lastGlasses = date;
        const complexity = weighted([[1, 35], [2, 25], [3, 20], [4, 10], [5, 6], [6, 4]] as [1 | 2 | 3 | 4 | 5 | 6, number][]);
        return opticsLine(date, random() < 0.2 ? "A" : "B", complexity, int(40, 200) * 100, int(80, 450) * 100, false);
      }
      case "HEARING_AID": {
        if (ageOn(p.context.birthDate, date) < 55) return null;
        const ear = random() < 0.5 ? "LEFT" : "RIGHT";
        const last = p.hearing[ear];
        if (last !== null && addMonths(last, 48) > date) return null;
        p.hearing[ear] = date;
        return hearingLine(date, random() < 0.6 ? "I" : "II", ear);
      }
      case "HOSPITAL": {
        const days = int(1, 6);
        const heavy = random() < 0.4;
        const base = int(20, 150) * 1_000;
        const rate = alsace || heavy ? 100 : 80;
        const paid = heavy && !exempt(p, date) ? base - (regulatoryValue(reg, K.heavyActFlatFee, date) ?? 2_400) : Math.round((base * rate) / 100);
        const forfait = alsace ? 0 : days * (regulatoryValue(reg, K.forfaitJournalier, date) ?? 2_000);
        const room = random() < 0.5 ? days : 0;
        const real = base + forfait + room * int(60, 110) * 100 + (random() < 0.4 ? int(0, 40) * 1_000 : 0);
        return { category, careDate: date, realCostCents: real, secu: secu(base, rate, paid), providerName: `Clinique ${pick(LAST_NAMES)}`, providerOptam: random() < 0.7, hospitalDays: days, privateRoomDays: room };
      }
      case "ALTERNATIVE_MEDICINE": {
        const max = ALT_MEDICINE_SESSIONS[p.contract.formulaCode];
        if (max > 0 && p.altSessions >= max - 1) return null;
        p.altSessions++;
        return { category, careDate: date, realCostCents: int(50, 75) * 100, secu: { covered: false }, providerName: `Cabinet d’ostéopathie ${pick(LAST_NAMES)}`, sessions: 1 };
      }
      case "OTHER": {
        const base = int(10, 50) * 100;
        const franchise = exempt(p, date) ? 0 : 100;
        return { category, careDate: date, realCostCents: base, secu: secu(base, 60, Math.round(base * 0.6) - franchise), providerName: `Cabinet infirmier ${pick(LAST_NAMES)}` };
      }
    }
  }

  const byId = new Map(people.map((p) => [p.context.personId, p]));

  // Claims -------------------------------------------------------------------------------------
  const claims: SyntheticClaim[] = [];
  let invoiceCounter = 0;
  let fileCounter = 0;
  const receivedAtOf = (i: number) => new Date(monthStartMs + Math.floor(((i + random()) / claimCount) * monthMs));
  const careDateBefore = (received: Date, channel: Channel) => {
    const receivedDay = received.toISOString().slice(0, 10);
    const delay = channel === "NOEMIE" ? int(3, 10) : random() < 0.8 ? int(0, 15) : int(16, 90);
    return addDays(receivedDay, -delay);
  };
  const newInvoice = () => `F${String(++invoiceCounter).padStart(7, "0")}`;
  const newFile = () => `sha-${String(++fileCounter).padStart(8, "0")}`;

  function push(person: Person, claim: ClaimInput, anomaly: AnomalyKind | null, beneficiary: BeneficiaryContext = person.context): SyntheticClaim {
    const synthetic: SyntheticClaim = { contractId: person.contract.id, formulaCode: person.contract.formulaCode, beneficiary, claim, anomaly };
    claims.push(synthetic);
    person.claims.push(synthetic);
    return synthetic;
  }

  function cleanClaim(received: Date, forced?: { person?: Person; category?: CareCategory }): boolean {
    const person = forced?.person ?? pick(people);
    const channel: Channel = weighted([["NOEMIE", 55], ["ONLINE", 35], ["PAPER", 5], ["EMAIL", 5]] as [Channel, number][]);
    let date = careDateBefore(received, channel);
    if (date < person.context.coveredFrom) date = person.context.coveredFrom;
    const category = forced?.category ?? weighted(CATEGORY_MIX);
    const key = `${date}|${category}`;
    if (person.used.has(key)) return false;
    const lines: ClaimLineInput[] = [];
    const first = cleanLine(person, category, date);
    if (!first) return false;
    lines.push(first);
    // A GP visit often comes with the prescription filled the same day.
    if (category === "GP" && random() < 0.25 && !person.used.has(`${date}|PHARMACY`)) {
      const drugs = cleanLine(person, "PHARMACY", date);
      if (drugs) lines.push({ ...drugs, providerName: `Pharmacie ${pick(LAST_NAMES)}` });
      person.used.add(`${date}|PHARMACY`);
    }
    if (category === "HEARING_AID" && random() < 0.5) {
      const other = first.ear === "LEFT" ? "RIGHT" : "LEFT";
      const last = person.hearing[other];
      if (last === null || addMonths(last, 48) <= date) {
        person.hearing[other] = date;
        lines.push({ ...first, ear: other });
      }
    }
    person.used.add(key);
    push(person, { channel, receivedAt: received, invoiceNumber: channel === "NOEMIE" ? null : newInvoice(), fileHashes: channel === "NOEMIE" ? [] : [newFile()], lines }, null);
    return true;
  }

  function anomalyClaim(kind: AnomalyKind, received: Date): boolean {
    const person = pick(people);
    const receivedDay = received.toISOString().slice(0, 10);
    const recentDate = () => {
      const d = addDays(receivedDay, -int(1, 12));
      return d < person.context.coveredFrom ? null : d;
    };
    const upload = (lines: ClaimLineInput[], invoiceNumber = newInvoice(), fileHashes = [newFile()]): ClaimInput => ({ channel: "ONLINE", receivedAt: received, invoiceNumber, fileHashes, lines });
    const adult = ageOn(person.context.birthDate, receivedDay) >= 18;
    switch (kind) {
      case "DUPLICATE_RESUBMISSION": {
        const earlier = person.claims.filter((c) => c.anomaly === null && c.claim.lines.length > 0);
        if (earlier.length === 0) return false;
        push(person, upload(pick(earlier).claim.lines.map((l) => ({ ...l }))), kind);
        return true;
      }
      case "DUPLICATE_INVOICE_NUMBER": {
        const earlier = person.claims.filter((c) => c.claim.invoiceNumber !== null);
        const date = recentDate();
        if (earlier.length === 0 || date === null) return false;
        const original = pick(earlier);
        const line = cleanLine(person, "PHARMACY", date);
        if (!line) return false;
        push(person, upload([{ ...line, providerName: original.claim.lines[0]!.providerName }], original.claim.invoiceNumber!), kind);
        return true;
      }
      case "DUPLICATE_FILE": {
        const earlier = claims.filter((c) => c.contractId === person.contract.id && c.claim.fileHashes.length > 0);
        const date = recentDate();
        if (earlier.length === 0 || date === null) return false;
        const line = cleanLine(person, "GP", date);
        if (!line) return false;
        push(person, upload([line], newInvoice(), [...pick(earlier).claim.fileHashes]), kind);
        return true;
      }
      case "NOEMIE_DOUBLE_PAYMENT": {
        const earlier = person.claims.filter((c) => c.claim.channel === "NOEMIE" && c.anomaly === null);
        if (earlier.length === 0) return false;
        const original = pick(earlier).claim.lines[0]!;
        push(person, upload([{ ...original, providerName: `Cabinet ${original.providerName}` }]), kind);
        return true;
      }
      case "GLASSES_TOO_SOON": {
        const date = recentDate();
        if (person.lastGlasses === null || date === null || canHaveGlasses(person, date) || date <= person.lastGlasses) return false;
        push(person, upload([opticsLine(date, "B", 2, 9_000, 30_000, false)]), kind);
        return true;
      }
      case "CARE_BEFORE_COVER": {
        const date = addDays(person.context.coveredFrom, -int(5, 40));
        if (date < addMonths(receivedDay, -23)) return false;
        const line = cleanLine(person, "GP", date);
        if (!line) return false;
        push(person, upload([line]), kind);
        return true;
      }
      case "CARE_TOO_OLD": {
        const date = addMonths(receivedDay, -int(25, 30));
        if (date < person.context.coveredFrom) return false;
        const line = cleanLine(person, "SPECIALIST", date);
        if (!line) return false;
        push(person, upload([line]), kind);
        return true;
      }
      case "CLASS_A_ABOVE_CAP": {
        const date = recentDate();
        if (date === null) return false;
        const line = opticsLine(date, "A", 2, 3_000, 0, true);
        person.lastGlasses = date;
        push(person, upload([{ ...line, realCostCents: (regulatoryValue(reg, K.opticsClassAPriceCap(2), date) ?? 12_500) + int(20, 150) * 100 }]), kind);
        return true;
      }
      case "IMPOSSIBLE_TOOTH": {
        const date = recentDate();
        if (date === null) return false;
        const line = cleanLine(person, "DENTAL_CARE", date);
        if (!line) return false;
        push(person, upload([{ ...line, toothNumber: pick([19, 29, 49, 60, 90, 86, 0]) }]), kind);
        return true;
      }
      case "SAME_CROWN_SAME_TOOTH": {
        const date = recentDate();
        if (person.crowns.length === 0 || date === null || !adult) return false;
        const tooth = pick(person.crowns);
        push(person, upload([{ category: "DENTAL_PROSTHESIS", careDate: date, realCostCents: 45_000, secu: secu(12_000, 60, 7_000), providerName: `Dr ${pick(LAST_NAMES)}`, dentalBasket: "100_SANTE", toothNumber: tooth }]), kind);
        return true;
      }
      case "IBAN_CHANGED_BEFORE_LARGE_CLAIM": {
        const date = recentDate();
        if (date === null) return false;
        const ear = person.hearing.LEFT === null ? "LEFT" : person.hearing.RIGHT === null ? "RIGHT" : null;
        if (ear === null) return false;
        person.hearing[ear] = date;
        const changed = new Date(received.getTime() - int(1, 20) * 86_400_000);
        push(person, upload([hearingLine(date, "I", ear)]), kind, { ...person.context, ibanChangedAt: changed });
        return true;
      }
      case "FRAME_COST_SHIFTED": {
        const date = recentDate();
        if (date === null || !canHaveGlasses(person, date)) return false;
        person.lastGlasses = date;
        push(person, upload([opticsLine(date, "B", 3, int(1, 10) * 100, int(350, 600) * 100, false)]), kind);
        return true;
      }
      case "AMOUNT_EQUALS_REMAINING_CEILING": {
        const date = recentDate();
        const max = ALT_MEDICINE_SESSIONS[person.contract.formulaCode];
        if (date === null || max === 0 || person.altSessions === 0 || person.altSessions >= max || date.slice(0, 4) !== monthStart.slice(0, 4)) return false;
        const used = person.claims.filter((c) => c.claim.lines.some((l) => l.category === "ALTERNATIVE_MEDICINE" && l.careDate.slice(0, 4) === date.slice(0, 4))).length;
        if (used !== person.altSessions) return false;
        const remaining = (max - used) * ALT_MEDICINE_CENTS[person.contract.formulaCode];
        person.altSessions++;
        push(person, upload([{ category: "ALTERNATIVE_MEDICINE", careDate: date, realCostCents: remaining, secu: { covered: false }, providerName: `Cabinet d’ostéopathie ${pick(LAST_NAMES)}`, sessions: 1 }]), kind);
        return true;
      }
      case "GLASSES_WHOLE_FAMILY": {
        const family = person.contract.beneficiaryIds.map((id) => byId.get(id)!);
        const date = recentDate();
        if (family.length < 3 || date === null || !family.every((f) => canHaveGlasses(f, date) && f.context.coveredFrom <= addDays(date, -3))) return false;
        family.forEach((member, i) => {
          const d = addDays(date, -i);
          member.lastGlasses = d;
          const last = i === family.length - 1;
          push(member, upload([opticsLine(d, "B", 2, int(60, 150) * 100, int(150, 300) * 100, false)]), last ? kind : null);
        });
        return true;
      }
    }
  }

  for (let i = 0; claims.length < claimCount && i < claimCount * 20; i++) {
    const received = receivedAtOf(claims.length);
    if (random() < anomalyRate) {
      // Every kind gets its turn; one that does not fit the drawn member is tried again later.
      for (let attempt = 0; attempt < 20; attempt++) if (anomalyClaim(ANOMALY_KINDS[(i + attempt) % ANOMALY_KINDS.length]!, received)) break;
      continue;
    }
    for (let attempt = 0; attempt < 10; attempt++) if (cleanClaim(received)) break;
  }
  claims.length = Math.min(claims.length, claimCount);
  return { month, contracts, initialHistory, claims };
}

/** The month's earlier history by contract: the starting point of a replay in order of arrival. */
export function initialHistoryByContract(month: SyntheticMonth): Map<string, PastLine[]> {
  const contractOf = new Map<string, string>();
  const history = new Map<string, PastLine[]>();
  for (const c of month.contracts) {
    history.set(c.id, []);
    for (const id of c.beneficiaryIds) contractOf.set(id, c.id);
  }
  for (const p of month.initialHistory) history.get(contractOf.get(p.beneficiaryId)!)!.push(p);
  return history;
}
