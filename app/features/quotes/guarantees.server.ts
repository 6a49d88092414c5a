import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { formulas, guaranteeLines } from "~/platform/db/schema";

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

const TTL_MS = 60_000;
const cache = new WeakMap<object, { at: number; value: FormulaSummary[] }>();

export async function formulaSummaries(db: DbOrTx, nowMs = Date.now()): Promise<FormulaSummary[]> {
  const hit = cache.get(db);
  if (hit && nowMs - hit.at <= TTL_MS) return hit.value;
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
  const value = [...byCode.values()];
  cache.set(db, { at: nowMs, value });
  return value;
}
