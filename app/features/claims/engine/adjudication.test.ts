import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjudicateClaim } from "./adjudication";
import { formulaFromCatalogue, regulatoryFromCatalogue } from "./catalogue-context";
import { REVIEW_THRESHOLD, RULES } from "./fraud-rules";
import type { AdjudicationInput, BeneficiaryContext, ClaimLineInput, PastLine, ReviewReasonCode } from "./types";

const NOW = new Date("2026-03-20T10:00:00Z");
const REGULATORY = regulatoryFromCatalogue();
const F3 = formulaFromCatalogue("F3");

const BENEFICIARY: BeneficiaryContext = {
  personId: "p-1",
  contractId: "c-1",
  birthDate: "1980-06-15",
  c2s: false,
  scheme: "GENERAL",
  coveredFrom: "2023-01-01",
  coveredTo: null,
  contractStartDate: "2023-01-01",
  contractEndDate: null,
  ibanChangedAt: null,
};

const GP: ClaimLineInput = {
  category: "GP",
  careDate: "2026-03-10",
  realCostCents: 3000,
  secu: { covered: true, baseCents: 3000, ratePct: 70, paidCents: 1900 },
  providerName: "Dr Anne Martin",
  providerOptam: true,
  actCode: "G",
};

function input(patch: Partial<AdjudicationInput> & { lines?: ClaimLineInput[] } = {}): AdjudicationInput {
  const { lines, ...rest } = patch;
  return {
    claim: { channel: "ONLINE", receivedAt: NOW, invoiceNumber: "FAC-100", fileHashes: ["hash-new"], lines: lines ?? [GP] },
    beneficiary: BENEFICIARY,
    formula: F3,
    regulatory: REGULATORY,
    history: [],
    ...rest,
  };
}

function past(line: ClaimLineInput, extra: Partial<PastLine> = {}): PastLine {
  return {
    claimId: "claim-old",
    claimNumber: "RB-2026-0000042",
    beneficiaryId: BENEFICIARY.personId,
    channel: "ONLINE",
    claimStatus: "PAID",
    line,
    amcCents: 1000,
    guaranteeCategory: null,
    invoiceNumber: "FAC-001",
    fileHashes: ["hash-old"],
    receivedAt: new Date("2026-02-01T10:00:00Z"),
    ...extra,
  };
}

const OPTICS_B: ClaimLineInput = {
  category: "OPTICS",
  careDate: "2026-03-05",
  realCostCents: 45000,
  secu: { covered: true, baseCents: 10, ratePct: 60, paidCents: 6 },
  providerName: "Optique du Port",
  opticsClass: "B",
  lensComplexity: 3,
  frameCents: 12000,
};

describe("adjudication", () => {
  it("settles a clean claim automatically, with the valuation and totals", () => {
    const result = adjudicateClaim(input(), NOW);
    expect(result).toMatchObject({ decision: "AUTO_SETTLE", fraudScore: 0, threshold: REVIEW_THRESHOLD, reasons: [] });
    expect(result.totals).toEqual({ realCostCents: 3000, amoPaidCents: 1900, amcCents: 900, resteAChargeCents: 200 });
  });

  const cases: { name: string; code: ReviewReasonCode; input: AdjudicationInput }[] = [
    { name: "no lines", code: "DATA_ENTRY_REQUIRED", input: input({ lines: [] }) },
    { name: "care before the beneficiary's cover", code: "NOT_COVERED_AT_CARE_DATE", input: input({ beneficiary: { ...BENEFICIARY, coveredFrom: "2026-03-15" } }) },
    { name: "care after the contract ended", code: "NOT_COVERED_AT_CARE_DATE", input: input({ beneficiary: { ...BENEFICIARY, contractEndDate: "2026-02-28" } }) },
    { name: "same care already claimed", code: "DUPLICATE_CONTENT", input: input({ history: [past({ ...GP, providerName: "DR ANNE MARTIN" })] }) },
    { name: "same care twice in the claim", code: "DUPLICATE_CONTENT", input: input({ lines: [GP, GP] }) },
    { name: "same invoice number", code: "DUPLICATE_INVOICE_NUMBER", input: input({ history: [past({ ...GP, careDate: "2026-01-10" }, { invoiceNumber: "fac 100" })] }) },
    { name: "same file", code: "DUPLICATE_FILE", input: input({ history: [past({ ...GP, careDate: "2026-01-10" }, { fileHashes: ["hash-new"] })] }) },
    { name: "care already paid through NOEMIE", code: "NOEMIE_ALREADY_PAID", input: input({ history: [past({ ...GP, providerName: "MARTIN ANNE" }, { channel: "NOEMIE", invoiceNumber: null })] }) },
    {
      name: "NOEMIE statement for care already claimed online",
      code: "NOEMIE_ALREADY_PAID",
      input: { ...input({ history: [past({ ...GP, providerName: "Cabinet Martin" })] }), claim: { channel: "NOEMIE", receivedAt: NOW, invoiceNumber: null, fileHashes: [], lines: [GP] } },
    },
    { name: "glasses within 2 years", code: "FREQUENCY_EXCEEDED", input: input({ lines: [OPTICS_B], history: [past({ ...OPTICS_B, careDate: "2025-01-10" }, { amcCents: 35000 })] }) },
    {
      name: "yearly ceiling exhausted",
      code: "CEILING_EXHAUSTED",
      input: input({
        lines: [{ ...GP, category: "ALTERNATIVE_MEDICINE", secu: { covered: false }, realCostCents: 6000, providerName: "Ostéo" }],
        history: [past({ ...GP, category: "ALTERNATIVE_MEDICINE", secu: { covered: false }, careDate: "2026-01-05", sessions: 4, providerName: "Ostéo" }, { amcCents: 16000 })],
      }),
    },
    { name: "nothing payable on any line", code: "NOTHING_PAYABLE", input: input({ formula: formulaFromCatalogue("F1"), lines: [{ ...GP, category: "ALTERNATIVE_MEDICINE", secu: { covered: false }, realCostCents: 6000, providerName: "Ostéo" }] }) },
    { name: "care older than 2 years", code: "CARE_TOO_OLD", input: input({ lines: [{ ...GP, careDate: "2024-02-01" }] }) },
    { name: "care in the future", code: "CARE_IN_FUTURE", input: input({ lines: [{ ...GP, careDate: "2026-04-01" }] }) },
    {
      name: "invoice exactly equal to the remaining ceiling",
      code: "AMOUNT_EQUALS_REMAINING_CEILING",
      input: input({
        lines: [{ category: "DENTAL_PROSTHESIS", careDate: "2026-03-01", realCostCents: 30000 + 6450, secu: { covered: true, baseCents: 10750, ratePct: 60, paidCents: 6450 }, providerName: "Centre dentaire", dentalBasket: "LIBRE", toothNumber: 36 }],
        history: [past({ category: "DENTAL_PROSTHESIS", careDate: "2026-01-20", realCostCents: 150000, secu: { covered: true, baseCents: 10750, ratePct: 60, paidCents: 6450 }, providerName: "Centre dentaire", dentalBasket: "LIBRE", toothNumber: 46 }, { amcCents: 120000, guaranteeCategory: "dental-prosthesis-other" })],
      }),
    },
    { name: "frame cost shifted onto lenses", code: "FRAME_COST_SHIFTED", input: input({ lines: [{ ...OPTICS_B, frameCents: 500 }] }) },
    { name: "classe A above the legal price", code: "CLASS_A_ABOVE_CAP", input: input({ lines: [{ ...OPTICS_B, opticsClass: "A", lensComplexity: 1, realCostCents: 25000 }] }) },
    { name: "hearing classe I above the legal price", code: "CLASS_A_ABOVE_CAP", input: input({ lines: [{ category: "HEARING_AID", careDate: "2026-03-01", realCostCents: 120000, secu: { covered: true, baseCents: 40000, ratePct: 60, paidCents: 24000 }, providerName: "Audition Plus", hearingClass: "I", ear: "LEFT" }] }) },
    { name: "impossible tooth number", code: "IMPOSSIBLE_TOOTH", input: input({ lines: [{ category: "DENTAL_CARE", careDate: "2026-03-01", realCostCents: 5000, secu: { covered: true, baseCents: 2300, ratePct: 60, paidCents: 1180 }, providerName: "Dr Dent", toothNumber: 19 }] }) },
    { name: "milk tooth on an adult", code: "IMPOSSIBLE_TOOTH", input: input({ lines: [{ category: "DENTAL_CARE", careDate: "2026-03-01", realCostCents: 5000, secu: { covered: true, baseCents: 2300, ratePct: 60, paidCents: 1180 }, providerName: "Dr Dent", toothNumber: 54 }] }) },
    {
      name: "same crown on the same tooth",
      code: "SAME_CROWN_SAME_TOOTH",
      input: input({
        lines: [{ category: "DENTAL_PROSTHESIS", careDate: "2026-03-01", realCostCents: 50000, secu: { covered: true, baseCents: 12000, ratePct: 60, paidCents: 7200 }, providerName: "Dr Dent", dentalBasket: "100_SANTE", toothNumber: 16 }],
        history: [past({ category: "DENTAL_PROSTHESIS", careDate: "2024-05-01", realCostCents: 50000, secu: { covered: true, baseCents: 12000, ratePct: 60, paidCents: 7200 }, providerName: "Dr Dent", dentalBasket: "100_SANTE", toothNumber: 16 }, { amcCents: 42800 })],
      }),
    },
    {
      name: "glasses for the whole family within days",
      code: "GLASSES_WHOLE_FAMILY",
      input: input({
        lines: [OPTICS_B],
        contractBeneficiaryIds: ["p-1", "p-2", "p-3"],
        history: [past({ ...OPTICS_B, careDate: "2026-03-01" }, { beneficiaryId: "p-2" }), past({ ...OPTICS_B, careDate: "2026-03-08" }, { beneficiaryId: "p-3" })],
      }),
    },
    { name: "IBAN changed shortly before a large claim", code: "IBAN_CHANGED_BEFORE_LARGE_CLAIM", input: input({ lines: [{ ...OPTICS_B, lensComplexity: 6, realCostCents: 90000 }], formula: formulaFromCatalogue("F4"), beneficiary: { ...BENEFICIARY, ibanChangedAt: new Date("2026-03-12T09:00:00Z") } }) },
    { name: "Sécu paying more than its share", code: "INCONSISTENT_SECU_FIGURES", input: input({ lines: [{ ...GP, secu: { covered: true, baseCents: 3000, ratePct: 70, paidCents: 2500 } }] }) },
  ];

  it.each(cases)("sends to review: $name ($code)", ({ code, input: i }) => {
    const result = adjudicateClaim(i, NOW);
    expect(result.decision).toBe("REVIEW");
    const found = result.reasons.find((r) => r.code === code);
    expect(found, JSON.stringify(result.reasons)).toBeDefined();
    expect(found!.weight).toBe(RULES[code].weight);
    expect(found!.message).toMatch(/[a-zé]/);
  });

  it("adds weak signals up: a large claim early in the contract alone stays automatic, with a high amount it goes to review", () => {
    const early = { ...BENEFICIARY, contractStartDate: "2026-02-01", coveredFrom: "2026-02-01" };
    const medium = adjudicateClaim(input({ beneficiary: early, lines: [{ ...OPTICS_B, realCostCents: 120000, frameCents: 10000 }] }), NOW);
    expect(medium.reasons.map((r) => r.code)).toEqual(["EARLY_LARGE_CLAIM"]);
    expect(medium.decision).toBe("AUTO_SETTLE");
    const large = adjudicateClaim(input({ beneficiary: early, lines: [{ category: "HOSPITAL", careDate: "2026-03-01", realCostCents: 400000, secu: { covered: true, baseCents: 300000, ratePct: 80, paidCents: 240000 }, providerName: "Clinique", providerOptam: true, hospitalDays: 2 }] }), NOW);
    expect(large.reasons.map((r) => r.code).sort()).toEqual(["EARLY_LARGE_CLAIM", "HIGH_AMOUNT"]);
    expect(large.fraudScore).toBe(50);
    expect(large.decision).toBe("REVIEW");
  });

  it("does not flag the other ear, another beneficiary's identical care, or glasses after a changed prescription", () => {
    const aid: ClaimLineInput = { category: "HEARING_AID", careDate: "2026-03-01", realCostCents: 150000, secu: { covered: true, baseCents: 40000, ratePct: 60, paidCents: 24000 }, providerName: "Audition Plus", hearingClass: "II", ear: "RIGHT" };
    expect(adjudicateClaim(input({ lines: [aid], history: [past({ ...aid, ear: "LEFT" }, { amcCents: 80000 })] }), NOW).reasons.map((r) => r.code)).not.toContain("FREQUENCY_EXCEEDED");
    expect(adjudicateClaim(input({ history: [past(GP, { beneficiaryId: "p-2", invoiceNumber: null, fileHashes: [] })] }), NOW).decision).toBe("AUTO_SETTLE");
    expect(adjudicateClaim(input({ lines: [{ ...OPTICS_B, prescriptionChanged: true }], history: [past({ ...OPTICS_B, careDate: "2025-06-10" }, { amcCents: 35000 })] }), NOW).decision).toBe("AUTO_SETTLE");
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const lineArb: fc.Arbitrary<ClaimLineInput> = fc
  .record({
    category: fc.constantFrom("GP", "SPECIALIST", "PHARMACY", "DENTAL_CARE", "DENTAL_PROSTHESIS", "OPTICS", "HEARING_AID", "HOSPITAL", "ALTERNATIVE_MEDICINE", "OTHER") as fc.Arbitrary<ClaimLineInput["category"]>,
    day: fc.integer({ min: 0, max: 1_000 }),
    realCostCents: fc.integer({ min: 0, max: 400_000 }),
    base: fc.integer({ min: 0, max: 200_000 }),
    rate: fc.constantFrom(30, 60, 65, 70, 80, 100),
    deduction: fc.integer({ min: 0, max: 3_000 }),
    provider: fc.constantFrom("Dr A", "Dr B", "Optique", "Centre dentaire"),
    tooth: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
    opticsClass: fc.constantFrom<"A" | "B">("A", "B"),
    hearingClass: fc.constantFrom<"I" | "II">("I", "II"),
    ear: fc.constantFrom<"LEFT" | "RIGHT">("LEFT", "RIGHT"),
  })
  .map((r) => ({
    category: r.category,
    careDate: new Date(Date.UTC(2023, 6, 1) + r.day * 86_400_000).toISOString().slice(0, 10),
    realCostCents: r.realCostCents,
    secu: { covered: true as const, baseCents: r.base, ratePct: r.rate, paidCents: Math.max(0, Math.round((r.base * r.rate) / 100) - r.deduction) },
    providerName: r.provider,
    toothNumber: r.tooth,
    opticsClass: r.opticsClass,
    hearingClass: r.hearingClass,
    ear: r.ear,
    hospitalDays: 1,
  }));

const inputArb = fc.record({
  lines: fc.array(lineArb, { minLength: 0, maxLength: 4 }),
  history: fc.array(fc.record({ line: lineArb, amc: fc.integer({ min: 0, max: 100_000 }), other: fc.boolean(), noemie: fc.boolean() }), { maxLength: 10 }),
  channel: fc.constantFrom<"ONLINE" | "EMAIL" | "NOEMIE" | "PAPER">("ONLINE", "EMAIL", "NOEMIE", "PAPER"),
  ibanDaysAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
});

describe("adjudication properties", () => {
  it("never rejects, and its score is the sum of one weight per code", () => {
    fc.assert(
      fc.property(inputArb, (g) => {
        const result = adjudicateClaim(
          input({
            lines: g.lines,
            history: g.history.map((h, i) => past(h.line, { claimNumber: `RB-${i}`, amcCents: h.amc, beneficiaryId: h.other ? "p-2" : "p-1", channel: h.noemie ? "NOEMIE" : "ONLINE", invoiceNumber: `X-${i}`, fileHashes: [`h-${i}`] })),
            beneficiary: { ...BENEFICIARY, ibanChangedAt: g.ibanDaysAgo === null ? null : new Date(NOW.getTime() - g.ibanDaysAgo * 86_400_000) },
          }),
          NOW,
        );
        expect(["AUTO_SETTLE", "REVIEW"]).toContain(result.decision);
        const weights = new Map(result.reasons.map((r) => [r.code, r.weight]));
        expect(result.fraudScore).toBe([...weights.values()].reduce((a, b) => a + b, 0));
        if (result.decision === "AUTO_SETTLE") {
          expect(result.fraudScore).toBeLessThan(REVIEW_THRESHOLD);
          expect(result.reasons.every((r) => !RULES[r.code as ReviewReasonCode].blocking)).toBe(true);
        }
        expect(result.totals.amcCents).toBe(result.lines.reduce((s, l) => s + l.amcCents, 0));
        // Settling a claim none of whose lines is covered would be a rejection in disguise.
        if (result.decision === "AUTO_SETTLE" && result.lines.length > 0) expect(result.lines.some((l) => l.status === "COVERED")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("always sends the resubmission of an earlier claim to review", () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 4 }), fc.constantFrom<"ONLINE" | "EMAIL" | "PAPER">("ONLINE", "EMAIL", "PAPER"), (lines, channel) => {
        const first = adjudicateClaim(input({ lines }), NOW);
        const history = lines.map((line, i) => past(line, { amcCents: first.lines[i]!.amcCents, guaranteeCategory: first.lines[i]!.guaranteeCategory, invoiceNumber: null, fileHashes: [] }));
        const again = adjudicateClaim({ ...input({ lines, history }), claim: { channel, receivedAt: NOW, invoiceNumber: null, fileHashes: [], lines } }, NOW);
        expect(again.decision).toBe("REVIEW");
        expect(again.reasons.some((r) => r.code === "DUPLICATE_CONTENT")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(inputArb, (g) => {
        const i = input({ lines: g.lines, history: g.history.map((h) => past(h.line, { amcCents: h.amc })) });
        expect(adjudicateClaim(i, NOW)).toEqual(adjudicateClaim(i, NOW));
      }),
      { numRuns: 100 },
    );
  });
});
