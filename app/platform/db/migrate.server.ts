import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { DatabaseHandle, Db } from "./client.server";
import fs from "node:fs";

/** Arbitrary but fixed: serialises migrations of several instances starting together. */
const MIGRATION_LOCK_ID = 4_201_337;

export function migrationsFolder(): string {
  return path.resolve(process.env.BASCULE_MIGRATIONS_DIR ?? "drizzle");
}

/**
 * Runs right after the migrations, under the same lock: sets up what the features need beside the
 * schema (database roles that guard it, such as the contact form's insert-only writer). Platform
 * knows no feature, so the composition roots (server, scripts, bench, test helpers) pass the one
 * of app/after-migrate.server.ts.
 */
export type AfterMigrate = (db: Db) => Promise<void>;

/** Applies pending migrations, then `afterMigrate`; safe to call from several instances at once on PostgreSQL. */
export async function applyMigrations(handle: DatabaseHandle, afterMigrate: AfterMigrate): Promise<void> {
  const folder = migrationsFolder();
  if (handle.mode === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: folder });
    await afterMigrate(handle.db);
    return;
  }
  const pool = handle.pool!;
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await migratePg(handle.db as unknown as NodePgDatabase, { migrationsFolder: folder });
    await afterMigrate(handle.db);
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
    client.release();
  }
}

/** Number of migrations in the folder that the database has not recorded yet. */
export async function pendingMigrationCount(handle: DatabaseHandle): Promise<number> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  try {
    const rows = (await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as unknown as
      | { rows: { n: number }[] }
      | { n: number }[];
    const list = Array.isArray(rows) ? rows : rows.rows;
    return journal.entries.length - (list[0]?.n ?? 0);
  } catch {
    return journal.entries.length;
  }
}
