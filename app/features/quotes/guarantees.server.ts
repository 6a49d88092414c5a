import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { readThroughCache } from "~/platform/db/read-cache.server";
import { formulas, guaranteeLines } from "~/platform/db/schema";
import { type ComparisonFormula, comparisonFormulas } from "./comparison";

/*
 * The formulas and their guarantee lines as prospects see them (plain-French summaries from
 * guarantee_lines). Read from the database, cached a minute per database handle: quotes are the
 * busiest public page and the catalogue changes a few times a year.
 */

export type FormulaSummary = {
  code: string;
  name: string;
  description: string;
  lines: { category: string; label: string; summary: string }[];
};

/** One read a minute per database handle; when the minute is up, concurrent requests share it. */
export const formulaSummaries: (db: DbOrTx, nowMs?: number) => Promise<FormulaSummary[]> = readThroughCache(60_000, readSummaries);

async function readSummaries(db: DbOrTx): Promise<FormulaSummary[]> {
  const rows = await db
    .select({
      code: formulas.code,
      name: formulas.name,
      description: formulas.description,
      category: guaranteeLines.category,
      label: guaranteeLines.label,
      summary: guaranteeLines.summary,
    })
    .from(formulas)
    .innerJoin(guaranteeLines, eq(guaranteeLines.formulaId, formulas.id))
    .orderBy(asc(formulas.sortOrder), asc(guaranteeLines.sortOrder));
  const byCode = new Map<string, FormulaSummary>();
  for (const r of rows) {
    let f = byCode.get(r.code);
    if (!f) {
      f = { code: r.code, name: r.name, description: r.description, lines: [] };
      byCode.set(r.code, f);
    }
    f.lines.push({ category: r.category, label: r.label, summary: r.summary });
  }
  return [...byCode.values()];
}

/** Derived once per catalogue read (the summaries array is replaced, never changed, on refresh). */
const comparisons = new WeakMap<FormulaSummary[], ComparisonFormula[]>();

/** The /devis comparison's columns: formula names and key guarantee lines only. */
export async function comparisonCatalogue(db: DbOrTx, nowMs = Date.now()): Promise<ComparisonFormula[]> {
  const summaries = await formulaSummaries(db, nowMs);
  let value = comparisons.get(summaries);
  if (!value) {
    value = comparisonFormulas(summaries);
    comparisons.set(summaries, value);
  }
  return value;
}
