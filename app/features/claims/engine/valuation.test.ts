import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FormulaCode } from "~/features/members";
import { formulaFromCatalogue, regulatoryFromCatalogue } from "./catalogue-context";
import type { BeneficiaryContext, CareCategory, ClaimLineInput, FormulaContext, GuaranteeLine, PastLine } from "./types";
import { valueClaimLines } from "./valuation";

const REGULATORY = regulatoryFromCatalogue();
const FORMULAS = {
  F1: formulaFromCatalogue("F1"),
  F2: formulaFromCatalogue("F2"),
  F3: formulaFromCatalogue("F3"),
  F4: formulaFromCatalogue("F4"),
} as const;

const ADULT: BeneficiaryContext = {
  personId: "p-adult",
  contractId: "c-1",
  birthDate: "1985-04-12",
  c2s: false,
  scheme: "GENERAL",
  coveredFrom: "2022-01-01",
  coveredTo: null,
  contractStartDate: "2022-01-01",
  contractEndDate: null,
  ibanChangedAt: null,
};

function secu(baseCents: number, ratePct: number, paidCents = Math.round((baseCents * ratePct) / 100)) {
  return { covered: true as const, baseCents, ratePct, paidCents };
}

function line(category: CareCategory, realCostCents: number, extra: Partial<ClaimLineInput> = {}): ClaimLineInput {
  return { category, careDate: "2026-03-10", realCostCents, secu: { covered: false }, providerName: "Dr Martin", ...extra };
}

function past(l: ClaimLineInput, amcCents: number, guaranteeCategory: PastLine["guaranteeCategory"], beneficiaryId = ADULT.personId): PastLine {
  return {
    claimId: `claim-${l.careDate}-${amcCents}`,
    claimNumber: "RB-2026-0000001",
    beneficiaryId,
    channel: "ONLINE",
    claimStatus: "PAID",
    line: l,
    amcCents,
    guaranteeCategory,
    invoiceNumber: null,
    fileHashes: [],
    receivedAt: new Date(`${l.careDate}T12:00:00Z`),
  };
}

function value(code: FormulaCode | FormulaContext, lines: ClaimLineInput[], history: PastLine[] = [], beneficiary = ADULT) {
  const formula = typeof code === "string" ? FORMULAS[code] : code;
  return valueClaimLines({ lines, beneficiary, formula, regulatory: REGULATORY, history });
}

function one(code: FormulaCode | FormulaContext, l: ClaimLineInput, history: PastLine[] = [], beneficiary = ADULT) {
  return value(code, [l], history, beneficiary)[0]!;
}

describe("DOMAIN.md worked examples", () => {
  const cases: { name: string; formula: FormulaCode; line: ClaimLineInput; amo: number; amc: number; keeps: number }[] = [
    { name: "GP 30 € at 100 % BR", formula: "F1", line: line("GP", 3000, { secu: secu(3000, 70, 1900), providerOptam: true }), amo: 1900, amc: 900, keeps: 200 },
    { name: "specialist 60 € on BR 30 € at 200 % BR", formula: "F3", line: line("SPECIALIST", 6000, { secu: secu(3000, 70, 1900), providerOptam: true }), amo: 1900, amc: 3900, keeps: 200 },
    { name: "specialist 60 € on BR 30 € at 150 % BR", formula: "F2", line: line("SPECIALIST", 6000, { secu: secu(3000, 70, 1900), providerOptam: true }), amo: 1900, amc: 2400, keeps: 1700 },
  ];
  it.each(cases)("$name", ({ formula, line: l, amo, amc, keeps }) => {
    const v = one(formula, l);
    expect(v.amoGrossCents).toBe(2100);
    expect(v.amoPaidCents).toBe(amo);
    expect(v.participationCents).toBe(200);
    expect(v.amcCents).toBe(amc);
    expect(v.resteAChargeCents).toBe(keeps);
    expect(v.status).toBe("COVERED");
    expect(v.explanation).toContain("Ligne de garantie « Médecins adhérents OPTAM »");
    expect(v.explanation).toContain("participation forfaitaire");
    expect(v.trace.map((s) => s.label)).toContain("Base de remboursement Sécu");
  });
});

describe("one test per basis and category", () => {
  it("PCT_BR_INCLUDING_SECU, non-OPTAM doctor, F3 at 180 %", () => {
    // 180 % of 30 € = 54 €, minus Sécu's gross 21 € → 33 €, within the 80 € − 21 € left to pay.
    const v = one("F3", line("SPECIALIST", 8000, { secu: secu(3000, 70, 1900), providerOptam: false }));
    expect(v.guaranteeCategory).toBe("doctor-non-optam");
    expect(v.amcCents).toBe(3300);
    expect(v.resteAChargeCents).toBe(8000 - 1900 - 3300);
  });

  it("caps a non-OPTAM line that breaks the contrat responsable rules", () => {
    const f = formulaWith("F4", "doctor-non-optam", { ratePct: 290 });
    const v = one(f, line("SPECIALIST", 20000, { secu: secu(3000, 70, 1900), providerOptam: false }));
    // At most 200 % BR, and 20 points below OPTAM's 300 % → 200 %: 60 € − 21 € = 39 €.
    expect(v.amcCents).toBe(3900);
    expect(v.trace.some((s) => s.label.includes("non OPTAM"))).toBe(true);
  });

  it("PCT_BR_EXCLUDING_SECU pays the percentage on top of Sécu", () => {
    const f = formulaWith("F2", "dental-care", { basis: "PCT_BR_EXCLUDING_SECU", ratePct: 50 });
    const v = one(f, line("DENTAL_CARE", 10000, { secu: secu(4000, 60) }));
    expect(v.amcCents).toBe(2000);
  });

  it("pharmacy: 65 % drug topped up to 100 % BR, 15 % drug not covered by F1", () => {
    const drug = line("PHARMACY", 1000, { secu: secu(1000, 65, 550), pharmacyRatePct: 65 });
    const v = one("F1", drug);
    expect(v.franchiseCents).toBe(100);
    expect(v.amcCents).toBe(350);
    expect(v.resteAChargeCents).toBe(100);
    const weak = one("F1", line("PHARMACY", 1000, { secu: secu(1000, 15), pharmacyRatePct: 15 }));
    expect(weak).toMatchObject({ status: "NOT_COVERED", reasonCode: "GUARANTEE_NONE", amcCents: 0 });
    expect(one("F2", line("PHARMACY", 1000, { secu: secu(1000, 15), pharmacyRatePct: 15 })).amcCents).toBe(850);
  });

  it("dental care at 125 % BR", () => {
    expect(one("F2", line("DENTAL_CARE", 5000, { secu: secu(2300, 60) })).amcCents).toBe(Math.round(2300 * 1.25) - 1380);
  });

  it("dental prosthesis 100 % Santé: full cover up to the crown price cap", () => {
    const crown = line("DENTAL_PROSTHESIS", 50000, { secu: secu(12000, 60), dentalBasket: "100_SANTE", toothNumber: 16 });
    const v = one("F1", crown);
    expect(v.amcCents).toBe(50000 - 7200);
    expect(v.resteAChargeCents).toBe(0);
    const above = one("F1", { ...crown, realCostCents: 60000 });
    expect(above.amcCents).toBe(50000 - 7200);
    expect(above.explanation).toContain("prix limite");
  });

  it("dental prosthesis outside 100 % Santé: yearly ceiling from history and earlier lines", () => {
    const crown = line("DENTAL_PROSTHESIS", 80000, { secu: secu(10750, 60), dentalBasket: "LIBRE", toothNumber: 26 });
    // F1: 125 % of 107.50 € = 134.38 €, minus 64.50 € → 69.88 €; ceiling 500 € a year.
    const history = [past({ ...crown, careDate: "2026-01-15" }, 45000, "dental-prosthesis-other")];
    const v = one("F1", crown, history);
    expect(v.amcCents).toBe(5000);
    expect(v.reasonCode).toBe("CEILING_REACHED");
    expect(v.ceiling).toMatchObject({ limitCents: 50000, usedBeforeCents: 45000, remainingAfterCents: 0, periodStart: "2026-01-01", periodEnd: "2026-12-31" });
    expect(v.explanation).toContain("il vous reste 0,00\u00a0€ cette année");
    // Last year's consumption does not count.
    const lastYear = [past({ ...crown, careDate: "2025-12-20" }, 50000, "dental-prosthesis-other")];
    expect(one("F1", crown, lastYear).amcCents).toBe(6988);
    // The second crown of the same claim sees the first one.
    const [first, second] = value("F1", [crown, { ...crown, toothNumber: 27 }], history);
    expect(first!.amcCents).toBe(5000);
    expect(second).toMatchObject({ amcCents: 0, status: "NOT_COVERED", reasonCode: "CEILING_EXHAUSTED" });
  });

  it("optics classe A: full cover up to the price limit", () => {
    const v = one("F1", line("OPTICS", 9000, { secu: secu(900, 60), opticsClass: "A", lensComplexity: 1 }));
    expect(v.amcCents).toBe(9000 - 540);
    expect(v.guaranteeCategory).toBe("optics-class-a");
  });

  it("optics classe B: flat amount per pair, responsible cap by complexity, frame ≤ 100 €", () => {
    const pair = line("OPTICS", 60000, { secu: secu(10, 60), opticsClass: "B", lensComplexity: 1, frameCents: 15000 });
    const v = one("F4", pair);
    // F4 gives 500 €; complexity 1 caps the pair at 420 € Sécu included; the 50 € of frame above
    // 100 € is not covered: min(420, 600 − 50) − 0.06 = 419.94 €.
    expect(v.amcCents).toBe(41994);
    expect(one("F2", pair).amcCents).toBe(20000);
    expect(one("F2", pair).explanation).toContain("Prochaine paire de lunettes prise en charge à partir du 10/03/2028");
    expect(one("F2", pair).ceiling).toMatchObject({ limitCents: 20000, periodStart: "2026-03-10", periodEnd: "2028-03-09" });
  });

  it("glasses: every 2 years from 16, yearly under 16, 6 months under 6, earlier if the prescription changed", () => {
    const pair = line("OPTICS", 30000, { secu: secu(10, 60), opticsClass: "B", lensComplexity: 2, frameCents: 9000 });
    const previous = (date: string, who = ADULT.personId) => [past({ ...pair, careDate: date }, 20000, "optics-class-b", who)];
    expect(one("F2", pair, previous("2024-09-01"))).toMatchObject({ amcCents: 0, reasonCode: "FREQUENCY_EXCEEDED" });
    expect(one("F2", pair, previous("2024-03-01")).amcCents).toBe(20000);
    expect(one("F2", { ...pair, prescriptionChanged: true }, previous("2025-09-01")).amcCents).toBe(20000);
    const child = { ...ADULT, personId: "p-child", birthDate: "2014-05-01" };
    expect(one("F2", pair, previous("2025-03-01", child.personId), child).amcCents).toBe(20000);
    expect(one("F2", pair, previous("2025-05-01", child.personId).map((p) => ({ ...p, line: { ...p.line, careDate: "2025-06-01" } })), child).reasonCode).toBe("FREQUENCY_EXCEEDED");
    const toddler = { ...ADULT, personId: "p-toddler", birthDate: "2022-01-01" };
    expect(one("F2", pair, previous("2025-09-01", toddler.personId), toddler).amcCents).toBe(20000);
    expect(one("F2", pair, previous("2025-11-01", toddler.personId), toddler).reasonCode).toBe("FREQUENCY_EXCEEDED");
    // Someone else's glasses do not count.
    expect(one("F2", pair, previous("2025-09-01", "p-other")).amcCents).toBe(20000);
  });

  it("hearing classe I: 950 € cap per ear, 1,400 € under 20", () => {
    const aid = line("HEARING_AID", 95000, { secu: secu(40000, 60), hearingClass: "I", ear: "LEFT" });
    expect(one("F1", aid).amcCents).toBe(95000 - 24000);
    const young = { ...ADULT, personId: "p-young", birthDate: "2010-01-01" };
    expect(one("F1", { ...aid, realCostCents: 140000 }, [], young).amcCents).toBe(140000 - 24000);
    expect(one("F1", { ...aid, realCostCents: 140000 }).amcCents).toBe(95000 - 24000);
  });

  it("hearing classe II: flat per ear per 4 years, other ear allowed", () => {
    const aid = line("HEARING_AID", 180000, { secu: secu(40000, 60), hearingClass: "II", ear: "LEFT" });
    expect(one("F3", aid).amcCents).toBe(80000);
    // F4's 1,200 € is capped at 1,700 € Sécu included: 1,700 − 240 = 1,460 ≥ 1,200.
    expect(one("F4", aid).amcCents).toBe(120000);
    const history = [past({ ...aid, careDate: "2023-06-01" }, 80000, "hearing-class-2")];
    expect(one("F3", aid, history)).toMatchObject({ amcCents: 0, reasonCode: "FREQUENCY_EXCEEDED" });
    expect(one("F3", { ...aid, ear: "RIGHT" }, history).amcCents).toBe(80000);
    expect(one("F3", aid, [past({ ...aid, careDate: "2022-02-01" }, 80000, "hearing-class-2")]).amcCents).toBe(80000);
    expect(one("F1", aid)).toMatchObject({ status: "NOT_COVERED", reasonCode: "GUARANTEE_NONE" });
  });

  it("hospital: forfait journalier at real cost, fees, private room per day within 60 days a year", () => {
    const stay = line("HOSPITAL", 200000, { secu: secu(100000, 80), providerOptam: true, hospitalDays: 3, privateRoomDays: 3 });
    const v = one("F2", stay);
    // FJ 3 × 20 €; fees 150 % of 1,000 € − 800 € = 700 €; room 3 × 40 €. Total 880 €.
    expect(v.amcCents).toBe(6000 + 70000 + 12000);
    expect(v.explanation).toContain("Lignes de garantie « Forfait journalier hospitalier » (frais réels) : 60,00\u00a0€ ; « Médecins adhérents OPTAM »");
    expect(v.explanation).toContain("il vous reste 57 jours cette année");
    const psy = one("F2", { ...stay, psychiatry: true });
    expect(psy.amcCents).toBe(4500 + 70000 + 12000);
    const usedDays = [past({ ...stay, careDate: "2026-02-01", privateRoomDays: 59 }, 200000, "hospital-daily-fee")];
    expect(one("F2", stay, usedDays).amcCents).toBe(6000 + 70000 + 4000);
    expect(one("F1", stay).amcCents).toBe(6000 + 20000);
  });

  it("hospital: the 24 € flat fee on heavy acts is covered", () => {
    const act = line("HOSPITAL", 20000, { secu: secu(20000, 100, 17600), providerOptam: true });
    const v = one("F1", act);
    expect(v.participationCents).toBe(0);
    expect(v.amcCents).toBe(2400);
    expect(v.resteAChargeCents).toBe(0);
  });

  it("Alsace-Moselle: the local scheme pays the forfait journalier", () => {
    const stay = line("HOSPITAL", 6000, { secu: secu(0, 100, 0), hospitalDays: 3 });
    const local = { ...ADULT, scheme: "ALSACE_MOSELLE" as const };
    expect(one("F2", stay).amcCents).toBe(6000);
    const v = one("F2", stay, [], local);
    expect(v.amcCents).toBe(0);
    expect(v.trace.some((s) => s.detail?.includes("Alsace-Moselle"))).toBe(true);
  });

  it("alternative medicine: flat per session, sessions per calendar year", () => {
    const session = line("ALTERNATIVE_MEDICINE", 6000, { providerName: "Cabinet d’ostéopathie" });
    expect(one("F3", session).amcCents).toBe(4000);
    expect(one("F3", { ...session, realCostCents: 3500 }).amcCents).toBe(3500);
    const three = [past({ ...session, careDate: "2026-01-10", sessions: 3 }, 12000, "alternative-medicine")];
    const v = one("F3", { ...session, sessions: 2 }, three);
    expect(v.amcCents).toBe(4000);
    expect(v.reasonCode).toBe("CEILING_REACHED");
    expect(v.ceiling).toMatchObject({ limitCents: 16000, usedBeforeCents: 12000, remainingAfterCents: 0 });
    expect(v.explanation).toContain("Seule 1 séance sur 2 est prise en charge");
    expect(v.explanation).toContain("Plafond : 4 séances à 40,00\u00a0€ par an ; il vous reste 0 séance cette année.");
    expect(one("F3", session, [...three, past({ ...session, careDate: "2026-02-10" }, 4000, "alternative-medicine")])).toMatchObject({ amcCents: 0, reasonCode: "CEILING_EXHAUSTED", status: "NOT_COVERED" });
    expect(one("F1", session)).toMatchObject({ amcCents: 0, reasonCode: "GUARANTEE_NONE" });
  });

  it("other care: a contrat responsable still pays the ticket modérateur", () => {
    const v = one("F1", line("OTHER", 2000, { secu: secu(1600, 60, 860) }));
    expect(v.franchiseCents).toBe(100);
    expect(v.amcCents).toBe(1600 - 960);
    expect(v.guaranteeCategory).toBeNull();
  });

  it("pays nothing for care outside the cover, and that care consumes no ceiling", () => {
    const late = { ...ADULT, coveredTo: "2026-02-28" };
    const session = line("ALTERNATIVE_MEDICINE", 6000, { careDate: "2026-01-10" });
    const [inside, outside] = value("F2", [session, { ...session, careDate: "2026-03-10" }], [], late);
    expect(inside!.amcCents).toBe(3000);
    expect(outside).toMatchObject({ amcCents: 0, status: "NOT_COVERED", reasonCode: "NOT_COVERED_AT_CARE_DATE" });
    expect(outside!.explanation).toContain("pas couvert par le contrat à la date de ces soins");
    const early = { ...ADULT, contractStartDate: "2026-03-01", coveredFrom: "2026-03-01" };
    expect(one("F2", { ...session, careDate: "2026-02-27" }, [], early).reasonCode).toBe("NOT_COVERED_AT_CARE_DATE");
  });

  it("never pays a percentage line without a Sécu base", () => {
    expect(one("F4", line("SPECIALIST", 8000, { providerOptam: true }))).toMatchObject({ amcCents: 0, reasonCode: "NOT_COVERED_BY_SECU", status: "NOT_COVERED" });
  });

  it("picks regulatory amounts by care date (forfait journalier 18 € before 2018)", () => {
    const stay = line("HOSPITAL", 3600, { careDate: "2017-06-01", secu: secu(0, 100, 0), hospitalDays: 2 });
    const longStanding = { ...ADULT, coveredFrom: "2015-01-01", contractStartDate: "2015-01-01" };
    expect(one("F2", stay, [], longStanding).trace.find((s) => s.label === "Forfait journalier")?.amountCents).toBe(3600);
  });
});

function formulaWith(code: FormulaCode, category: GuaranteeLine["category"], patch: Partial<GuaranteeLine>): FormulaContext {
  const f = FORMULAS[code];
  return { ...f, lines: f.lines.map((l) => (l.category === category ? { ...l, ...patch } : l)) };
}

// ---------------------------------------------------------------------------------------------
// Properties

const categoryArb = fc.constantFrom<CareCategory>("GP", "SPECIALIST", "PHARMACY", "DENTAL_CARE", "DENTAL_PROSTHESIS", "OPTICS", "HEARING_AID", "HOSPITAL", "ALTERNATIVE_MEDICINE", "OTHER");
const dateArb = fc.integer({ min: 0, max: 900 }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

const lineArb: fc.Arbitrary<ClaimLineInput> = fc
  .record({
    category: categoryArb,
    careDate: dateArb,
    realCostCents: fc.integer({ min: 0, max: 500_000 }),
    covered: fc.boolean(),
    baseCents: fc.integer({ min: 0, max: 300_000 }),
    ratePct: fc.constantFrom(15, 30, 60, 65, 70, 80, 90, 100),
    deduction: fc.integer({ min: 0, max: 3_000 }),
    optam: fc.boolean(),
    basket: fc.constantFrom<"100_SANTE" | "MAITRISE" | "LIBRE">("100_SANTE", "MAITRISE", "LIBRE"),
    opticsClass: fc.constantFrom<"A" | "B">("A", "B"),
    complexity: fc.constantFrom<1 | 2 | 3 | 4 | 5 | 6>(1, 2, 3, 4, 5, 6),
    frameCents: fc.integer({ min: 0, max: 40_000 }),
    hearingClass: fc.constantFrom<"I" | "II">("I", "II"),
    ear: fc.constantFrom<"LEFT" | "RIGHT">("LEFT", "RIGHT"),
    days: fc.integer({ min: 0, max: 40 }),
    roomDays: fc.integer({ min: 0, max: 40 }),
    sessions: fc.integer({ min: 1, max: 5 }),
    prescriptionChanged: fc.boolean(),
    psychiatry: fc.boolean(),
  })
  .map((r) => {
    const gross = Math.round((r.baseCents * r.ratePct) / 100);
    return {
      category: r.category,
      careDate: r.careDate,
      realCostCents: r.realCostCents,
      secu: r.covered ? { covered: true as const, baseCents: r.baseCents, ratePct: r.ratePct, paidCents: Math.max(0, gross - r.deduction) } : { covered: false as const },
      providerName: "Prestataire",
      providerOptam: r.optam,
      dentalBasket: r.basket,
      opticsClass: r.opticsClass,
      lensComplexity: r.complexity,
      frameCents: r.frameCents,
      hearingClass: r.hearingClass,
      ear: r.ear,
      hospitalDays: r.days,
      privateRoomDays: r.roomDays,
      sessions: r.sessions,
      prescriptionChanged: r.prescriptionChanged,
      psychiatry: r.psychiatry,
    };
  });

const formulaArb = fc.constantFrom<FormulaCode>("F1", "F2", "F3", "F4");

/** Earlier lines valued by the engine itself, as the database would hold them. */
const scenarioArb = fc.record({ formula: formulaArb, earlier: fc.array(lineArb, { maxLength: 8 }), lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }) }).map((s) => {
  const valued = value(s.formula, s.earlier);
  const history = s.earlier.map((l, i) => past(l, valued[i]!.amcCents, valued[i]!.guaranteeCategory));
  return { formula: s.formula, history, lines: s.lines };
});

describe("properties", () => {
  it("Bascule's share is never negative nor above real cost − Sécu paid nor above the remaining ceiling", () => {
    fc.assert(
      fc.property(scenarioArb, ({ formula, history, lines }) => {
        const results = value(formula, lines, history);
        results.forEach((v, i) => {
          const l = lines[i]!;
          const paid = l.secu.covered ? l.secu.paidCents : 0;
          expect(v.amcCents).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(v.amcCents)).toBe(true);
          expect(v.amcCents).toBeLessThanOrEqual(Math.max(0, l.realCostCents - paid));
          expect(v.resteAChargeCents).toBeGreaterThanOrEqual(0);
          if (v.ceiling && v.ceiling.limitCents !== null) {
            expect(v.amcCents).toBeLessThanOrEqual(Math.max(0, v.ceiling.limitCents - v.ceiling.usedBeforeCents));
            expect(v.ceiling.remainingAfterCents).toBeGreaterThanOrEqual(0);
          }
          if (v.status === "NOT_COVERED") expect(v.amcCents).toBe(0);
          expect(v.explanation.length).toBeGreaterThan(0);
          expect(v.trace.at(-2)).toEqual({ label: "Remboursement Bascule", amountCents: v.amcCents });
        });
      }),
      { numRuns: 400 },
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(scenarioArb, ({ formula, history, lines }) => {
        expect(value(formula, lines, history)).toEqual(value(formula, lines, history));
      }),
      { numRuns: 100 },
    );
  });

  it("never lets a yearly ceiling be exceeded over many claims", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1_000, max: 200_000 }), { minLength: 1, maxLength: 12 }), (costs) => {
        const history: PastLine[] = [];
        let total = 0;
        costs.forEach((cost, i) => {
          const l = line("DENTAL_PROSTHESIS", cost, { careDate: `2026-${String((i % 12) + 1).padStart(2, "0")}-05`, secu: secu(10750, 60), dentalBasket: "MAITRISE" });
          const v = one("F2", l, history);
          total += v.amcCents;
          history.push(past(l, v.amcCents, v.guaranteeCategory));
        });
        expect(total).toBeLessThanOrEqual(100_000);
      }),
    );
  });
});
