import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KEY_CATEGORIES, comparisonFormulas, quoteView } from "./comparison";
import { NEEDS, NEED_CATEGORY } from "./needs";
import { type QuotePerson, priceAllFormulas } from "./tariff";
import { TARIFF_2026, tariffFromSpec } from "./tariff-data";

const line = (category: string, label = `Libellé ${category}`, summary = `Résumé ${category}`) => ({ category, label, summary });

describe("comparison columns", () => {
  it("has one key category per need, in the order of the needs", () => {
    expect(KEY_CATEGORIES).toEqual(NEEDS.map((n) => NEED_CATEGORY[n]));
  });

  it("keeps each formula's name and key lines only, aligned with the key categories", () => {
    const [f1] = comparisonFormulas([
      {
        code: "F1",
        name: "Essentielle",
        lines: [line("pharmacy-65-30"), line("optics-class-b", "Lunettes classe B", "Jusqu’à 100 €"), line("doctor-optam", "Spécialistes", "100 % BR")],
      },
    ]);
    expect(f1!.code).toBe("F1");
    expect(f1!.name).toBe("Essentielle");
    expect(f1!.keyLines).toHaveLength(KEY_CATEGORIES.length);
    expect(f1!.keyLines[KEY_CATEGORIES.indexOf("doctor-optam")]).toEqual({ label: "Spécialistes", summary: "100 % BR" });
    expect(f1!.keyLines[KEY_CATEGORIES.indexOf("optics-class-b")]).toEqual({ label: "Lunettes classe B", summary: "Jusqu’à 100 €" });
    expect(f1!.keyLines[KEY_CATEGORIES.indexOf("hearing-class-2")]).toBeNull();
    expect(JSON.stringify(f1)).not.toContain("pharmacy-65-30");
  });

  it("gives every cell the first line of its formula and category, as a search of the catalogue would", () => {
    const category = fc.constantFrom(...KEY_CATEGORIES, "pharmacy-15", "dental-care");
    const catalogue = fc.array(
      fc.record({
        code: fc.string({ minLength: 1, maxLength: 3 }),
        name: fc.string(),
        lines: fc.array(fc.record({ category, label: fc.string(), summary: fc.string() }), { maxLength: 20 }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(catalogue, (formulas) => {
        const columns = comparisonFormulas(formulas);
        expect(columns.map((c) => [c.code, c.name])).toEqual(formulas.map((f) => [f.code, f.name]));
        columns.forEach((column, i) => {
          KEY_CATEGORIES.forEach((cat, j) => {
            const found = formulas[i]!.lines.find((l) => l.category === cat);
            expect(column.keyLines[j]).toEqual(found ? { label: found.label, summary: found.summary } : null);
          });
        });
      }),
    );
  });
});

describe("quote as the page shows it", () => {
  const tariff = tariffFromSpec(TARIFF_2026);
  const family = fc
    .record({
      member: fc.integer({ min: 1940, max: 2008 }),
      spouse: fc.option(fc.integer({ min: 1940, max: 2008 }), { nil: undefined }),
      children: fc.array(fc.integer({ min: 2002, max: 2026 }), { maxLength: 5 }),
    })
    .map(({ member, spouse, children }): QuotePerson[] => [
      { role: "MEMBER", birthDate: `${member}-04-12` },
      ...(spouse === undefined ? [] : [{ role: "SPOUSE" as const, birthDate: `${spouse}-10-01` }]),
      ...children.map((y, i) => ({ role: "CHILD" as const, birthDate: `${y}-0${(i % 9) + 1}-15` })),
    ]);
  const place = fc.constantFrom(
    { postcode: "83000", zone: "Z2", scheme: "GENERAL" },
    { postcode: "67000", zone: "Z3", scheme: "ALSACE_MOSELLE" },
    { postcode: "75011", zone: "Z4", scheme: "GENERAL" },
    { postcode: "23000", zone: "Z1", scheme: "GENERAL" },
  );

  it("keeps every figure and label the comparison and the save form show, and nothing else", () => {
    fc.assert(
      fc.property(family, place, (persons, where) => {
        const startDate = "2027-03-01";
        const formulas = priceAllFormulas(tariff, { startDate, zone: where.zone, scheme: where.scheme, persons });
        const quote = { ...where, departement: "xx", startDate, persons, priorities: ["optique"], recommendedFormula: "F3", formulas, tariffVersionId: "v", tariffCode: "c" };
        const view = quoteView(quote);
        expect(view.persons.map((p) => ({ role: p.role, birthDate: p.birthDate }))).toEqual(persons);
        for (const f of formulas) {
          expect(f.persons.map(({ role, birthDate, age, childRank }) => ({ role, birthDate, age, childRank }))).toEqual(view.persons);
        }
        expect(view.formulas).toEqual(
          formulas.map((f) => ({ code: f.code, monthlyCents: f.monthlyCents, yearlyCents: f.yearlyCents, persons: f.persons.map((p) => ({ monthlyCents: p.monthlyCents, free: p.free })) })),
        );
        expect(view).toMatchObject({ postcode: where.postcode, zone: where.zone, scheme: where.scheme, startDate, priorities: ["optique"], recommendedFormula: "F3" });
        expect(Object.keys(view)).not.toContain("tariffVersionId");
        expect(Object.keys(view)).not.toContain("departement");
      }),
    );
  });
});
