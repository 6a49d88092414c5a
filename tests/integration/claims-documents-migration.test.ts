import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { decryptDocumentContent, storeClaimDocuments } from "~/features/claims/member/documents.server";
import { encryptBytes } from "~/platform/crypto/keyring.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { claimDocuments } from "~/platform/db/schema";
import { pdfBytes } from "./support/claims-fixtures";
import { createTestDatabaseUpTo } from "./support/migrations";
import type { TestDatabase } from "./support/test-db";

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

describe(`migration 0004: claim documents as bytea (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  let t: TestDatabase | undefined;
  afterAll(async () => {
    await t?.dispose();
  });

  it("converts the text envelopes of existing documents without decrypting them; they read back byte for byte", async () => {
    t = await createTestDatabaseUpTo("0003_");

    // A claim without documents (written in SQL: today's tables have columns 0003 lacks), then
    // documents stored as the text envelope, as before 0004.
    const inserted = (await t.db.execute(sql`
      with f as (insert into formulas (code, name, description, tariff_multiplier_permille, valid_from) values ('F9', 'Test', 'Test', 1000, '2024-01-01') returning id),
           c as (insert into contracts (number, kind, status, formula_id, start_date, departement) select 'CT-0003', 'INDIVIDUAL', 'ACTIVE', id, '2024-01-01', '83' from f returning id),
           p as (insert into persons (contract_id, role, first_name, last_name, birth_date, nir_enc, nir_hint, covered_from)
                 select id, 'MEMBER', 'Camille', 'Essai', '1980-05-17', 'x', '2800552', '2024-01-01' from c returning id, contract_id)
      insert into claims (number, contract_id, beneficiary_id, channel, status, received_at)
      select 'RB-2026-0000001', contract_id, id, 'ONLINE', 'SUBMITTED', now() from p returning id`)) as unknown as { rows: { id: string }[] };
    const claim = { claimId: inserted.rows[0]!.id };
    const files = [pdfBytes("facture avant migration", 3_001), pdfBytes("décompte avant migration", 50_000), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 1])];
    for (const [i, bytes] of files.entries()) {
      const stored = encryptBytes("claim_documents.content", bytes);
      await t.db.execute(sql`
        insert into claim_documents (claim_id, kind, file_name, mime_type, size_bytes, file_hash, content_enc)
        values (${claim.claimId}, 'INVOICE', ${`f${i}.pdf`}, 'application/pdf', ${bytes.length}, ${`hash-${i}`}, ${stored})`);
    }

    await applyMigrations(t, afterMigrate);

    const rows = await t.db.select().from(claimDocuments).where(eq(claimDocuments.claimId, claim.claimId)).orderBy(claimDocuments.fileName);
    expect(rows).toHaveLength(files.length);
    for (const [i, row] of rows.entries()) {
      expect(Buffer.isBuffer(row.contentEnc)).toBe(true);
      expect(Buffer.compare(decryptDocumentContent(row.contentEnc), Buffer.from(files[i]!))).toBe(0);
      expect(row.contentEnc.length).toBe(2 + "test1".length + 12 + files[i]!.length + 16);
    }

    // New documents are written in the binary envelope and read back the same way.
    const fresh = pdfBytes("facture après migration");
    await t.db.transaction((tx) => storeClaimDocuments(tx, claim.claimId, [{ kind: "SECU_STATEMENT", fileName: "z.pdf", mimeType: "application/pdf", bytes: fresh }], new Date()));
    const [after] = await t.db.select().from(claimDocuments).where(eq(claimDocuments.fileName, "z.pdf"));
    expect(Buffer.compare(decryptDocumentContent(after!.contentEnc), Buffer.from(fresh))).toBe(0);
  });
});
