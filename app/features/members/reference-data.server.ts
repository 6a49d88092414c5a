import { sql } from "drizzle-orm";
import { ensureTariff } from "~/features/quotes/index.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { formulas, guaranteeLines, regulatoryParameters } from "~/platform/db/schema";
import { type FormulaCode, FORMULAS, REGULATORY_PARAMETERS } from "./formulas-catalogue";

/*
 * Reference data the portal cannot work without — formulas and guarantee lines, regulatory
 * amounts, the tariff — is not personal data: it is written at every boot, in every mode
 * (production included), when missing. What is already there is never rewritten: a new version
 * is new data (ADR 010).
 */

/** Serialises concurrent boots of several instances sharing one PostgreSQL. */
const REFERENCE_DATA_LOCK = 7_310_010;

/** Formulas, guarantee lines and regulatory parameters; left alone when already there. */
export async function ensureCatalogue(tx: DbOrTx): Promise<Map<FormulaCode, string>> {
  const existing = await tx.select({ id: formulas.id }).from(formulas).limit(1);
  if (existing.length === 0) {
    for (const { lines, ...formula } of FORMULAS) {
      const [row] = await tx.insert(formulas).values(formula).returning({ id: formulas.id });
      await tx.insert(guaranteeLines).values(lines.map((line) => ({ ...line, formulaId: row!.id })));
    }
  }
  await tx
    .insert(regulatoryParameters)
    .values([...REGULATORY_PARAMETERS])
    .onConflictDoNothing();
  const rows = await tx.select({ id: formulas.id, code: formulas.code }).from(formulas);
  const ids = new Map(rows.map((r) => [r.code as FormulaCode, r.id]));
  for (const { code } of FORMULAS) {
    if (!ids.has(code)) throw new Error(`Formula ${code} is missing from the database`);
  }
  return ids;
}

/** The catalogue and the tariff, in one transaction, one instance at a time. */
export async function ensureReferenceData(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REFERENCE_DATA_LOCK})`);
    await ensureCatalogue(tx);
    await ensureTariff(tx);
  });
}
