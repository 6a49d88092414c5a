import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileClaimOnline } from "~/features/claims/member/member-claims.server";
import { REFERENCE_DATA_TTL_MS, claimReferenceData, loadClaimReferenceData } from "~/features/claims/engine/reference-data.server";
import { claims, formulas, guaranteeLines, regulatoryParameters } from "~/platform/db/schema";
import { createHousehold, pdfBytes } from "./support/claims-fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

let t: TestDatabase;
let other: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  other = await createTestDatabase();
});
afterAll(async () => {
  await t?.dispose();
  await other?.dispose();
});

const NOW = new Date("2026-06-15T10:00:00Z");

describe(`claims reference data and numbers (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("reads every formula's lines in display order and every dated regulatory amount", async () => {
    await createHousehold(t.db);
    const data = await loadClaimReferenceData(t.db);
    const formulaRows = await t.db.select({ id: formulas.id }).from(formulas);
    expect(data.linesByFormula.size).toBe(formulaRows.length);
    for (const { id } of formulaRows) {
      const stored = await t.db.select().from(guaranteeLines).where(eq(guaranteeLines.formulaId, id));
      const expected = [...stored].sort((a, b) => a.sortOrder - b.sortOrder).map((l) => l.label);
      expect(data.linesByFormula.get(id)?.map((l) => l.label)).toEqual(expected);
    }
    expect(data.regulatory).toHaveLength((await t.db.select().from(regulatoryParameters)).length);
  });

  it("is kept a minute per database, then read again; two databases never share it", async () => {
    await createHousehold(other.db);
    const start = Date.now() + 10 * REFERENCE_DATA_TTL_MS; // a fresh cache entry whatever ran before
    const first = await claimReferenceData(t.db, start);
    expect(await claimReferenceData(t.db, start + REFERENCE_DATA_TTL_MS - 1)).toBe(first);
    expect(await claimReferenceData(other.db, start)).not.toBe(first);

    const key = `TEST_PARAMETER_${Date.now()}`;
    await t.db.insert(regulatoryParameters).values({ key, label: "Paramètre de test", valueCents: 123, validFrom: "2026-01-01", validTo: null });
    expect((await claimReferenceData(t.db, start + 1)).regulatory.some((r) => r.key === key)).toBe(false);
    const later = await claimReferenceData(t.db, start + REFERENCE_DATA_TTL_MS);
    expect(later).not.toBe(first);
    expect(later.regulatory.some((r) => r.key === key)).toBe(true);
    expect((await claimReferenceData(other.db, start + REFERENCE_DATA_TTL_MS)).regulatory.some((r) => r.key === key)).toBe(false);
    await t.db.delete(regulatoryParameters).where(eq(regulatoryParameters.key, key));
  });

  it("numbers claims from the shared sequence, zero-padded to 7 digits and never truncated beyond", async () => {
    const h = await createHousehold(t.db);
    const file = async (cents: number) => {
      const outcome = await fileClaimOnline(t.db, {
        member: h.memberRef,
        idempotencyKey: crypto.randomUUID(),
        form: {
          beneficiaryId: h.member.id,
          invoiceNumber: null,
          line: { category: "GP", careDate: "2026-06-10", realCostCents: cents, secu: { covered: true, baseCents: 3_000, ratePct: 70, paidCents: 1_900 }, providerName: "Dr Martin", providerOptam: true },
        },
        files: [{ kind: "INVOICE", fileName: "facture.pdf", mimeType: "application/pdf", bytes: pdfBytes(`numéro ${cents}`) }],
        now: NOW,
      });
      if (outcome.kind !== "created") throw new Error(`expected a new claim, got ${outcome.kind}`);
      return outcome.claim.number;
    };
    await t.db.execute(sql`select setval('claim_number_seq', 41)`);
    expect(await file(3_000)).toBe("RB-2026-0000042");
    await t.db.execute(sql`select setval('claim_number_seq', 12345678)`);
    const big = await file(3_100);
    expect(big).toBe("RB-2026-12345679");
    const [stored] = await t.db.select({ number: claims.number }).from(claims).where(eq(claims.number, big));
    expect(stored?.number).toBe(big);
  });
});
