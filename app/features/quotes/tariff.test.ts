import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type QuoteInput, type QuotePerson, TariffError, ageAt, priceAllFormulas, priceFormula, tariffValidOn } from "./tariff";
import { TARIFF_2026, tariffFromSpec } from "./tariff-data";

const tariff = tariffFromSpec(TARIFF_2026);
const START = "2027-03-01";

/** A person of the given age on START (age = year difference). */
const born = (age: number) => `${2027 - age}-01-15`;
const adult = (age: number): QuotePerson => ({ role: "MEMBER", birthDate: born(age) });
const child = (age: number): QuotePerson => ({ role: "CHILD", birthDate: born(age) });

function monthly(persons: QuotePerson[], formula = "F2", zone = "Z2", scheme = "GENERAL"): number {
  return priceFormula(tariff, { startDate: START, zone, scheme, persons }, formula).monthlyCents;
}

describe("tariff engine — DOMAIN.md § Synthetic tariff (F2, Z2, general scheme)", () => {
  it.each([
    [18, 3500],
    [24, 3500],
    [25, 4000],
    [29, 4000],
    [30, 4800],
    [39, 4800],
    [40, 5800],
    [49, 5800],
    [50, 7000],
    [54, 7000],
    [55, 8200],
    [59, 8200],
    [60, 9600],
    [64, 9600],
    [65, 11200],
    [69, 11200],
    [70, 12800],
    [74, 12800],
    [75, 14500],
    [79, 14500],
    [80, 16000],
    [104, 16000],
  ])("an adult aged %i pays %i cents a month", (age, cents) => {
    expect(monthly([adult(age)])).toBe(cents);
  });

  it("prices a child at 22 € whatever their age up to the dependent limit", () => {
    for (const age of [0, 5, 17, 18, 25]) expect(monthly([adult(40), child(age)]) - 5800).toBe(2200);
  });

  it.each([
    ["F1", 3000],
    ["F2", 4000],
    ["F3", 5400],
    ["F4", 7200],
  ])("formula %s multiplies the 25–29 rate (%i cents)", (formula, cents) => {
    expect(monthly([adult(27)], formula)).toBe(cents);
  });

  it.each([
    ["Z1", 3600],
    ["Z2", 4000],
    ["Z3", 4400],
    ["Z4", 4800],
  ])("zone %s multiplies the 25–29 rate (%i cents)", (zone, cents) => {
    expect(monthly([adult(27)], "F2", zone)).toBe(cents);
  });

  it("applies the Alsace-Moselle scheme × 0.75", () => {
    expect(monthly([adult(27)], "F2", "Z3", "ALSACE_MOSELLE")).toBe(3300);
  });

  it("matches the market check: a 25-year-old ≈ 37 €, the oldest up to ≈ 350 €", () => {
    expect(monthly([adult(25)], "F2", "Z1")).toBe(3600);
    expect(monthly([adult(25)], "F1", "Z4")).toBe(3600);
    expect(monthly([adult(70)], "F4", "Z4")).toBe(27648);
    expect(monthly([adult(80)], "F4", "Z4")).toBe(34560);
  });

  it("rounds each person once, half up, to the cent", () => {
    // 35 € × 1.35 × 1.1 × 0.75 = 38.98125 € → 38.98 €; 22 € × 0.75 × 0.9 × 0.75 = 11.1375 € → 11.14 €
    expect(monthly([adult(20)], "F3", "Z3", "ALSACE_MOSELLE")).toBe(3898);
    expect(monthly([adult(40), child(3)], "F1", "Z1", "ALSACE_MOSELLE") - monthly([adult(40)], "F1", "Z1", "ALSACE_MOSELLE")).toBe(1114);
  });

  it("makes children free from the third one, eldest first, and gives a breakdown", () => {
    const input: QuoteInput = {
      startDate: START,
      zone: "Z2",
      scheme: "GENERAL",
      persons: [adult(42), { role: "SPOUSE", birthDate: born(40) }, child(3), child(12), child(8), child(1)],
    };
    const result = priceFormula(tariff, input, "F2");
    expect(result.persons.map((p) => [p.role, p.age, p.childRank, p.monthlyCents, p.free])).toEqual([
      ["MEMBER", 42, null, 5800, false],
      ["SPOUSE", 40, null, 5800, false],
      ["CHILD", 3, 3, 0, true],
      ["CHILD", 12, 1, 2200, false],
      ["CHILD", 8, 2, 2200, false],
      ["CHILD", 1, 4, 0, true],
    ]);
    expect(result.monthlyCents).toBe(16000);
    expect(result.yearlyCents).toBe(192000);
  });

  it("computes the age from years only", () => {
    expect(ageAt("2027-01-01", "2002-12-31")).toBe(25);
    expect(monthly([{ role: "MEMBER", birthDate: "2002-12-31" }])).toBe(4000);
  });

  it("refuses a child over the limit, an adult under 18 and an unknown zone", () => {
    expect(() => monthly([adult(40), child(26)])).toThrow(TariffError);
    expect(() => monthly([adult(17)])).toThrow(TariffError);
    expect(() => monthly([adult(30)], "F2", "Z9")).toThrow(TariffError);
  });

  it("selects the version valid on the start date", () => {
    const older = { ...tariff, code: "2025-01", validFrom: "2025-01-01", validTo: "2025-12-31" };
    expect(tariffValidOn([older, tariff], "2025-06-01")?.code).toBe("2025-01");
    expect(tariffValidOn([older, tariff], "2026-01-01")?.code).toBe("2026-01");
    expect(tariffValidOn([older], "2026-01-01")).toBeUndefined();
  });
});

describe("tariff engine — properties", () => {
  const person = fc.oneof(
    fc.record({ role: fc.constantFrom("MEMBER" as const, "SPOUSE" as const), age: fc.integer({ min: 18, max: 110 }) }),
    fc.record({ role: fc.constant("CHILD" as const), age: fc.integer({ min: 0, max: 25 }) }),
  );
  const family = fc
    .array(person, { minLength: 1, maxLength: 8 })
    .map((ps) => ps.map(({ role, age }) => ({ role, birthDate: born(age) })));
  const zone = fc.constantFrom("Z1", "Z2", "Z3", "Z4");
  const scheme = fc.constantFrom("GENERAL", "ALSACE_MOSELLE");

  it("never makes a higher formula cheaper", () => {
    fc.assert(
      fc.property(family, zone, scheme, (persons, z, s) => {
        const results = priceAllFormulas(tariff, { startDate: START, zone: z, scheme: s, persons });
        expect(results.map((r) => r.code)).toEqual(["F1", "F2", "F3", "F4"]);
        const totals = results.map((r) => r.monthlyCents);
        for (let i = 1; i < totals.length; i++) expect(totals[i]!).toBeGreaterThanOrEqual(totals[i - 1]!);
      }),
    );
  });

  it("makes the third and later children free, the first two never", () => {
    fc.assert(
      fc.property(family, zone, scheme, (persons, z, s) => {
        const result = priceFormula(tariff, { startDate: START, zone: z, scheme: s, persons }, "F3");
        for (const p of result.persons) {
          if (p.role !== "CHILD") expect(p.free).toBe(false);
          else expect(p.free).toBe(p.childRank! >= 3);
          expect(p.monthlyCents === 0).toBe(p.free);
        }
      }),
    );
  });

  it("totals the persons: monthly = sum, yearly = 12 × monthly", () => {
    fc.assert(
      fc.property(family, zone, scheme, fc.constantFrom("F1", "F2", "F3", "F4"), (persons, z, s, f) => {
        const result = priceFormula(tariff, { startDate: START, zone: z, scheme: s, persons }, f);
        expect(result.monthlyCents).toBe(result.persons.reduce((sum, p) => sum + p.monthlyCents, 0));
        expect(result.yearlyCents).toBe(12 * result.monthlyCents);
      }),
    );
  });

  it("does not depend on the order children are listed in", () => {
    fc.assert(
      fc.property(family, (persons) => {
        const reversed = [...persons].reverse();
        const a = priceFormula(tariff, { startDate: START, zone: "Z2", scheme: "GENERAL", persons }, "F2");
        const b = priceFormula(tariff, { startDate: START, zone: "Z2", scheme: "GENERAL", persons: reversed }, "F2");
        expect(a.monthlyCents).toBe(b.monthlyCents);
      }),
    );
  });
});
