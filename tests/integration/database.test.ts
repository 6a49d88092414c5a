import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit } from "~/platform/audit/audit.server";
import { pendingMigrationCount } from "~/platform/db/migrate.server";
import { auditLog } from "~/platform/db/schema";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

describe("database", () => {
  it("applies every migration", async () => {
    expect(await pendingMigrationCount(t)).toBe(0);
    await t.ping();
  });

  it("rolls back the action when the audit entry cannot be written", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.execute(sql`create table audit_probe (id int)`);
        await appendAudit(tx, {
          actor: { userId: "not-a-uuid", label: "x" },
          action: "probe",
          outcome: "success",
        });
      }),
    ).rejects.toThrow();
    const probe = await t.db.execute(sql`select to_regclass('audit_probe') as t`);
    const rows = (Array.isArray(probe) ? probe : (probe as { rows: { t: unknown }[] }).rows) as { t: unknown }[];
    expect(rows[0]?.t).toBeNull();
    expect(await t.db.select().from(auditLog)).toHaveLength(0);
  });
});
