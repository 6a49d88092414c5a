import { FORMULAS } from "~/features/members/formulas-catalogue";
import { ensureTariff } from "~/features/quotes/ensure-tariff.server";
import type { Db } from "~/platform/db/client.server";
import { formulas, guaranteeLines } from "~/platform/db/schema";

/** The four formulas with their guarantee lines and the tariff versions, as the seed writes them. */
export async function insertQuoteCatalogue(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    for (const { lines, ...formula } of FORMULAS) {
      const [row] = await tx.insert(formulas).values(formula).returning({ id: formulas.id });
      await tx.insert(guaranteeLines).values(lines.map((line) => ({ ...line, formulaId: row!.id })));
    }
    await ensureTariff(tx);
  });
}
