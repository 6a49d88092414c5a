import { describe, expect, it } from "vitest";
import {
  FORMULAS,
  type FormulaCode,
  GUARANTEE_CATEGORIES,
  type GuaranteeCategory,
  type GuaranteeLineSpec,
  REGULATORY_PARAMETERS,
} from "./formulas-catalogue";

function line(code: FormulaCode, category: GuaranteeCategory): GuaranteeLineSpec {
  const found = FORMULAS.find((f) => f.code === code)?.lines.find((l) => l.category === category);
  if (!found) throw new Error(`no ${category} line in ${code}`);
  return found;
}

function regulatoryValue(key: string, date: string): number | undefined {
  return REGULATORY_PARAMETERS.find(
    (p) => p.key === key && p.validFrom <= date && (p.validTo === undefined || date <= p.validTo),
  )?.valueCents;
}

describe("formulas catalogue", () => {
  it("holds the four formulas with their tariff multipliers", () => {
    expect(FORMULAS.map((f) => [f.code, f.name, f.tariffMultiplierPermille])).toEqual([
      ["F1", "Essentielle", 750],
      ["F2", "Équilibre", 1000],
      ["F3", "Confort", 1350],
      ["F4", "Excellence", 1800],
    ]);
  });

  it("pins a few values of DOMAIN.md", () => {
    expect(line("F2", "doctor-optam")).toMatchObject({ basis: "PCT_BR_INCLUDING_SECU", ratePct: 150 });
    expect(line("F2", "doctor-optam").summary).toContain("150 % de la base Sécu");
    expect(line("F3", "dental-prosthesis-other")).toMatchObject({
      ratePct: 300,
      ceilingCents: 150_000,
      periodMonths: 12,
    });
    expect(line("F3", "dental-prosthesis-other").summary).toContain("1\u202f500,00\u00a0€");
    expect(line("F4", "optics-class-b")).toMatchObject({ basis: "FLAT_PER_PERIOD", amountCents: 50_000, maxCount: 1 });
    expect(line("F3", "hospital-private-room")).toMatchObject({
      basis: "PER_DAY",
      amountCents: 6_000,
      maxDays: 60,
      periodMonths: 12,
    });
    expect(line("F4", "alternative-medicine")).toMatchObject({ amountCents: 5_000, maxCount: 6, periodMonths: 12 });
    expect(line("F1", "pharmacy-15").basis).toBe("NONE");
    expect(line("F1", "hearing-class-2").basis).toBe("NONE");
    expect(line("F2", "hearing-class-2")).toMatchObject({ amountCents: 40_000, periodMonths: 48 });
  });

  it("gives every formula one line per category, in the same order", () => {
    for (const formula of FORMULAS) {
      expect(formula.lines.map((l) => l.category)).toEqual([...GUARANTEE_CATEGORIES]);
      for (const l of formula.lines) {
        expect(l.label.length).toBeGreaterThan(0);
        expect(l.summary.length).toBeGreaterThan(0);
      }
    }
  });

  it("fills exactly the amounts each basis needs", () => {
    for (const formula of FORMULAS) {
      for (const l of formula.lines) {
        const percent = l.basis === "PCT_BR_INCLUDING_SECU";
        const flat = l.basis === "FLAT_PER_PERIOD" || l.basis === "PER_DAY";
        expect(l.ratePct !== undefined, `${formula.code} ${l.category}`).toBe(percent);
        expect(l.amountCents !== undefined, `${formula.code} ${l.category}`).toBe(flat);
        expect(l.periodMonths !== undefined, `${formula.code} ${l.category}`).toBe(
          flat || l.ceilingCents !== undefined,
        );
      }
    }
  });

  it("stays a contrat responsable: non-OPTAM over-fees at most 100 % BR and 20 points below OPTAM", () => {
    for (const formula of FORMULAS) {
      const optamOverFee = line(formula.code, "doctor-optam").ratePct! - 100;
      const nonOptamOverFee = line(formula.code, "doctor-non-optam").ratePct! - 100;
      expect(formula.isResponsible).toBe(true);
      expect(nonOptamOverFee).toBeLessThanOrEqual(100);
      if (nonOptamOverFee > 0) expect(nonOptamOverFee).toBeLessThanOrEqual(optamOverFee - 20);
      expect(line(formula.code, "hospital-daily-fee").basis).toBe("REAL_COST");
      expect(line(formula.code, "hospital-daily-fee").maxDays).toBeUndefined();
    }
  });
});

describe("regulatory parameters", () => {
  it("never has two values of one key on the same day", () => {
    for (const key of new Set(REGULATORY_PARAMETERS.map((p) => p.key))) {
      const sorted = REGULATORY_PARAMETERS.filter((p) => p.key === key).sort((a, b) =>
        a.validFrom.localeCompare(b.validFrom),
      );
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i - 1]!.validTo, key).toBeDefined();
        expect(sorted[i - 1]!.validTo! < sorted[i]!.validFrom, key).toBe(true);
      }
      expect(sorted.at(-1)!.validTo, `${key} is still in force`).toBeUndefined();
    }
  });

  it("switches the participation forfaitaire to 2 € on 15 May 2024", () => {
    expect(regulatoryValue("participation-forfaitaire", "2024-05-14")).toBe(100);
    expect(regulatoryValue("participation-forfaitaire", "2024-05-15")).toBe(200);
    expect(regulatoryValue("participation-forfaitaire-daily-cap", "2025-06-01")).toBe(400);
    expect(regulatoryValue("participation-forfaitaire-yearly-cap", "2025-06-01")).toBe(5_000);
  });

  it("holds today's franchises and hospital amounts", () => {
    const today = "2025-11-30";
    expect(regulatoryValue("franchise-medicine-box", today)).toBe(100);
    expect(regulatoryValue("franchise-paramedical-act", today)).toBe(100);
    expect(regulatoryValue("franchise-transport", today)).toBe(400);
    expect(regulatoryValue("franchise-paramedical-daily-cap", today)).toBe(400);
    expect(regulatoryValue("franchise-transport-daily-cap", today)).toBe(800);
    expect(regulatoryValue("franchise-yearly-cap", today)).toBe(5_000);
    expect(regulatoryValue("forfait-journalier", today)).toBe(2_000);
    expect(regulatoryValue("forfait-journalier-psychiatry", today)).toBe(1_500);
    expect(regulatoryValue("hospital-heavy-act-flat-fee", today)).toBe(2_400);
    expect(regulatoryValue("hospital-heavy-act-threshold", today)).toBe(12_000);
  });

  it("holds the 100 % Santé and contrat responsable caps the claims engine reads", () => {
    const today = "2025-11-30";
    expect([1, 2, 3, 4, 5, 6].map((c) => regulatoryValue(`optics-class-b-cap-${c}`, today))).toEqual([
      42_000, 56_000, 61_000, 70_000, 75_000, 80_000,
    ]);
    for (const c of [1, 2, 3, 4, 5, 6]) expect(regulatoryValue(`optics-class-a-price-cap-${c}`, today)).toBeGreaterThan(0);
    expect(regulatoryValue("hearing-class-1-price-cap", today)).toBe(95_000);
    expect(regulatoryValue("hearing-class-1-price-cap-under-20", today)).toBe(140_000);
    expect(regulatoryValue("hearing-class-2-cover-cap", today)).toBe(170_000);
    expect(regulatoryValue("dental-crown-100-sante-price-cap", today)).toBe(50_000);
    expect(regulatoryValue("hearing-class-1-price-cap", "2020-12-31")).toBeUndefined();
  });
});
