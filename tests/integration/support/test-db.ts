import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DatabaseHandle, openDatabase, setDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { type AfterMigrate, applyMigrations } from "~/platform/db/migrate.server";
import { parseKeyring, setKeyring } from "~/platform/crypto/keyring.server";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a brand-new
 * database on the PostgreSQL server of TEST_DATABASE_URL (dropped afterwards).
 */
export type TestDatabase = DatabaseHandle & { label: string; dispose(): Promise<void> };

export const TEST_KEYRING = parseKeyring(
  `test1:${Buffer.alloc(32, 7).toString("base64")},old0:${Buffer.alloc(32, 3).toString("base64")}`,
  Buffer.alloc(32, 9).toString("base64"),
);

/** `afterMigrate`: the hook run after the migrations (default: the application's, app/after-migrate.server.ts). */
export async function createTestDatabase(options: { afterMigrate?: AfterMigrate } = {}): Promise<TestDatabase> {
  setKeyring(TEST_KEYRING);
  const url = process.env.TEST_DATABASE_URL;
  let handle: DatabaseHandle;
  let dispose: () => Promise<void>;
  if (url) {
    const name = `bascule_t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    handle = await openDatabase({ databaseUrl: dbUrl.toString(), poolSize: 5 });
    dispose = async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    handle = await openDatabase({ inMemory: true });
    dispose = () => handle.close();
  }
  await applyMigrations(handle, options.afterMigrate ?? afterMigrate);
  setDatabase(handle);
  return {
    ...handle,
    label: handle.mode,
    async dispose() {
      setDatabase(undefined);
      await dispose();
    },
  };
}
