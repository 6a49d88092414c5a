import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailableError } from "~/platform/db/availability";
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

describe.skipIf(!url)("PostgreSQL connections terminated under load", () => {
  const dbName = `bascule_t_${randomBytes(6).toString("hex")}`;
  let loadUrl = "";

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(url!);
    u.pathname = `/${dbName}`;
    loadUrl = u.toString();
  });

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it("fails the queries in flight as 'unavailable', never crashes, and recovers by itself", async () => {
    const applicationName = `bascule-terminate-${randomBytes(3).toString("hex")}`;
    const handle = await openDatabase({ databaseUrl: loadUrl, poolSize: 6, applicationName });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      await handle.ping();
      // Twelve workers keep every connection busy: plain queries and transactions (checked-out clients).
      let running = true;
      const outcomes = { ok: 0, unavailable: 0, other: [] as unknown[] };
      const worker = async (i: number) => {
        while (running) {
          try {
            if (i % 2 === 0) await handle.db.execute(sql`select pg_sleep(0.05)`);
            else await handle.db.transaction(async (tx) => {
              await tx.execute(sql`select pg_sleep(0.05)`);
              await tx.execute(sql`select 1`);
            });
            outcomes.ok++;
          } catch (err) {
            if (isDatabaseUnavailableError(err)) outcomes.unavailable++;
            else outcomes.other.push(err);
          }
        }
      };
      const workers = Array.from({ length: 12 }, (_, i) => worker(i));
      await new Promise((r) => setTimeout(r, 300));
      let sawUnavailable = false;
      for (let round = 0; round < 3; round++) {
        const killed = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [applicationName]);
        expect(killed.rowCount).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 20));
        sawUnavailable ||= !handle.availability.isAvailable();
        await new Promise((r) => setTimeout(r, 300));
      }
      const okBeforeRecovery = outcomes.ok;
      // Recovery: the probe marks the database available again within seconds, and queries succeed.
      const deadline = Date.now() + 5_000;
      while (!handle.availability.isAvailable() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      running = false;
      await Promise.all(workers);

      expect(uncaught).toEqual([]);
      expect(outcomes.other).toEqual([]);
      expect(outcomes.unavailable).toBeGreaterThan(0);
      expect(sawUnavailable).toBe(true);
      expect(handle.availability.isAvailable()).toBe(true);
      expect(outcomes.ok).toBeGreaterThan(okBeforeRecovery);
      await expect(handle.ping()).resolves.toBeUndefined();
    } finally {
      process.off("uncaughtException", onUncaught);
      await admin.end();
      await handle.close();
    }
  });
});
