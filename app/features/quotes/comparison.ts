import { NEEDS, NEED_CATEGORY } from "./needs";

/*
 * What the /devis comparison needs from the catalogue: each formula's name and its key guarantee
 * lines (one per need), nothing else. The full catalogue (about fifteen lines per formula, with
 * their long summaries) is only for the saved quote and its PDF: sent with /devis it would be
 * serialised into every answer and parsed again by the browser, for four cells per formula.
 */

/** Key guarantees shown in the comparison: one per need, in the order of the needs. */
export const KEY_CATEGORIES: readonly string[] = NEEDS.map((n) => NEED_CATEGORY[n]);

type CatalogueFormula = { code: string; name: string; lines: readonly { category: string; label: string; summary: string }[] };

export type ComparisonFormula = {
  code: string;
  name: string;
  /** Aligned with KEY_CATEGORIES: the formula's first line of that category, or null. */
  keyLines: ({ label: string; summary: string } | null)[];
};

/** Pure: the comparison's columns from the catalogue, in the catalogue's order. */
export function comparisonFormulas(catalogue: readonly CatalogueFormula[]): ComparisonFormula[] {
  return catalogue.map((f) => ({
    code: f.code,
    name: f.name,
    keyLines: KEY_CATEGORIES.map((category) => {
      const line = f.lines.find((l) => l.category === category);
      return line ? { label: line.label, summary: line.summary } : null;
    }),
  }));
}

type PricedQuote = {
  postcode: string;
  zone: string;
  scheme: string;
  startDate: string;
  priorities: readonly string[];
  recommendedFormula: string;
  formulas: readonly {
    code: string;
    monthlyCents: number;
    yearlyCents: number;
    persons: readonly { role: string; birthDate: string; age: number; childRank: number | null; monthlyCents: number; free: boolean }[];
  }[];
};

/** A computed quote as /devis shows it: the persons once, then each formula's prices only. */
export type QuoteView<Q extends PricedQuote = PricedQuote> = Pick<Q, "postcode" | "zone" | "scheme" | "startDate" | "priorities" | "recommendedFormula"> & {
  persons: Pick<Q["formulas"][number]["persons"][number], "role" | "birthDate" | "age" | "childRank">[];
  formulas: (Pick<Q["formulas"][number], "code" | "monthlyCents" | "yearlyCents"> & { persons: Pick<Q["formulas"][number]["persons"][number], "monthlyCents" | "free">[] })[];
};

/**
 * What the page needs of a computed quote, sent with every /devis answer: the tariff version, the
 * département and each person's details repeated under every formula stay on the server (saving
 * prices the quote again there anyway).
 */
export function quoteView<Q extends PricedQuote>(quote: Q): QuoteView<Q> {
  const first = quote.formulas[0];
  return {
    postcode: quote.postcode,
    zone: quote.zone,
    scheme: quote.scheme,
    startDate: quote.startDate,
    priorities: quote.priorities,
    recommendedFormula: quote.recommendedFormula,
    persons: (first?.persons ?? []).map(({ role, birthDate, age, childRank }) => ({ role, birthDate, age, childRank })),
    formulas: quote.formulas.map((f) => ({
      code: f.code,
      monthlyCents: f.monthlyCents,
      yearlyCents: f.yearlyCents,
      persons: f.persons.map(({ monthlyCents, free }) => ({ monthlyCents, free })),
    })),
  };
}
