import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrationsFolder } from "~/platform/db/migrate.server";
import { type TestDatabase, createTestDatabase } from "./test-db";

/**
 * A throw-away database migrated up to the migration whose tag starts with `tagPrefix` (included),
 * as a deployment of that time left it: write rows the old way, then `applyMigrations` runs the rest.
 * Today's after-migrate hook is not run on it (it expects today's schema): the full
 * `applyMigrations(t, afterMigrate)` runs it.
 */
export async function createTestDatabaseUpTo(tagPrefix: string): Promise<TestDatabase> {
  const partial = fs.mkdtempSync(path.join(os.tmpdir(), "bascule-migrations-"));
  fs.cpSync(migrationsFolder(), partial, { recursive: true });
  const journalPath = path.join(partial, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag.startsWith(tagPrefix));
  if (upTo === -1) throw new Error(`no migration tagged ${tagPrefix}*`);
  journal.entries = journal.entries.slice(0, upTo + 1);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  process.env.BASCULE_MIGRATIONS_DIR = partial;
  let t: TestDatabase;
  try {
    t = await createTestDatabase({ afterMigrate: async () => {} });
  } finally {
    delete process.env.BASCULE_MIGRATIONS_DIR;
  }
  const dispose = t.dispose.bind(t);
  t.dispose = async () => {
    await dispose();
    fs.rmSync(partial, { recursive: true, force: true });
  };
  return t;
}
