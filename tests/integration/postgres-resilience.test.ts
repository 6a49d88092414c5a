import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations, pendingMigrationCount } from "~/platform/db/migrate.server";

/** Behaviours that only exist with a PostgreSQL server shared by several instances. */
const url = process.env.TEST_DATABASE_URL;
const name = `bascule_t_${randomBytes(6).toString("hex")}`;
let dbUrl = "";

describe.skipIf(!url)("PostgreSQL mode", () => {
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(url!);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
  });

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it("lets several instances migrate the same database at once", async () => {
    const instances = await Promise.all([1, 2, 3].map((i) => openDatabase({ databaseUrl: dbUrl, poolSize: 2, applicationName: `bascule-test-${i}` })));
    try {
      await Promise.all(instances.map((h) => applyMigrations(h, afterMigrate)));
      for (const h of instances) expect(await pendingMigrationCount(h)).toBe(0);
    } finally {
      await Promise.all(instances.map((h) => h.close()));
    }
  });

  it("survives the server dropping its connections", async () => {
    const handle = await openDatabase({ databaseUrl: dbUrl, poolSize: 2, applicationName: "bascule-drop-test" });
    try {
      await handle.ping();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const killed = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'bascule-drop-test' and pid <> pg_backend_pid()",
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
      // The idle client's error is handled by the pool's listener instead of crashing the process;
      // the next query gets a fresh connection.
      await new Promise((r) => setTimeout(r, 200));
      await expect(handle.ping()).resolves.toBeUndefined();
    } finally {
      await handle.close();
    }
  });
});
