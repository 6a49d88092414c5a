import { FORMULAS, type FormulaCode, REGULATORY_PARAMETERS } from "~/features/members";
import type { FormulaContext, GuaranteeLine, RegulatoryParameter } from "./types";

/*
 * The engine's inputs built straight from the seed catalogue, with the database's shape (NULL for
 * unused amounts). Production code reads formulas and parameters from the database; tests, the
 * synthetic month and the benchmarks use these, which hold the very same values.
 */

export function formulaFromCatalogue(code: FormulaCode): FormulaContext {
  const spec = FORMULAS.find((f) => f.code === code);
  if (!spec) throw new Error(`Unknown formula ${code}`);
  return {
    code: spec.code,
    isResponsible: spec.isResponsible,
    lines: spec.lines.map(
      (l): GuaranteeLine => ({
        category: l.category,
        label: l.label,
        basis: l.basis,
        ratePct: l.ratePct ?? null,
        amountCents: l.amountCents ?? null,
        maxCount: l.maxCount ?? null,
        maxDays: l.maxDays ?? null,
        ceilingCents: l.ceilingCents ?? null,
        periodMonths: l.periodMonths ?? null,
      }),
    ),
  };
}

export function regulatoryFromCatalogue(): RegulatoryParameter[] {
  return REGULATORY_PARAMETERS.map((p) => ({ key: p.key, valueCents: p.valueCents, validFrom: p.validFrom, validTo: p.validTo ?? null }));
}
