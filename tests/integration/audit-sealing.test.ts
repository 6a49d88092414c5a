import { setTimeout as sleep } from "node:timers/promises";
import { asc, eq, isNull, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuditEntry, appendAudit } from "~/platform/audit/audit.server";
import { GENESIS_HASH, entryHash } from "~/platform/audit/chain";
import { latestAuditEntry, listAuditEntries } from "~/platform/audit/query.server";
import { auditSealBacklog, sealAuditBacklog, sealAuditLog, startAuditSealer } from "~/platform/audit/seal.server";
import { auditContent } from "~/platform/audit/sealing";
import { describeAuditVerification, verifyAuditChain, verifyAuditChainAs } from "~/platform/audit/verify.server";
import { type DatabaseHandle, type Db, openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { auditLog } from "~/platform/db/schema";
import { createTestDatabaseUpTo } from "./support/migrations";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * Sealing after commit (ADR 014): entries are inserted unsealed by the actions they record and
 * chained later by one sealer at a time. On PostgreSQL the races are real (separate pools, open
 * transactions); PGlite has one connection, so the same scenarios run there one after the other.
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const silent = pino({ level: "silent" });

function entry(action: string, details?: Record<string, unknown>): AuditEntry {
  return { actor: { userId: null, label: "system" }, action, outcome: "success", details };
}

async function rowsById(db: Db) {
  return db.select().from(auditLog).orderBy(asc(auditLog.id));
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Every row sealed, numbered 1..n without a gap, each linked to the previous one's hash. */
async function expectOneLinearChain(db: Db): Promise<number> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
  expect(rows.filter((r) => r.seq === null)).toEqual([]);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  rows.forEach((row, i) => expect(row.prevHash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]!.hash));
  expect(await verifyAuditChain(db, { seal: false })).toEqual({ ok: true, count: rows.length, lastHash: rows.at(-1)?.hash ?? GENESIS_HASH });
  return rows.length;
}

describe(`audit sealing (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  let t: TestDatabase;
  const extra: DatabaseHandle[] = [];
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    for (const handle of extra) await handle.close();
    await t.dispose();
  });

  /** Another instance: its own pool on PostgreSQL; the same single connection on PGlite. */
  async function instance(): Promise<Db> {
    if (!onPostgres) return t.db;
    const handle = await openDatabase({ databaseUrl: String(t.pool!.options.connectionString), poolSize: 3 });
    extra.push(handle);
    return handle.db;
  }

  it("gives one linear chain, every entry sealed exactly once, under concurrent appends and racing sealers", async () => {
    // Records every change of an entry's seal, to prove that no entry is sealed twice.
    await t.db.execute(sql`create table seal_probe (id bigint not null, seq bigint)`);
    await t.db.execute(
      sql.raw(`create function seal_probe_record() returns trigger language plpgsql as $$
        begin insert into seal_probe values (new.id, new.seq); return new; end $$`),
    );
    await t.db.execute(
      sql.raw(`create trigger seal_probe after update on audit_log for each row
        when (old.seq is distinct from new.seq) execute function seal_probe_record()`),
    );

    const [sealerA, sealerB] = [await instance(), await instance()];
    let appending = true;
    const sealed = { a: 0, b: 0 };
    const sealLoop = async (db: Db, key: "a" | "b") => {
      while (appending) {
        sealed[key] += await sealAuditLog(db, { batchSize: 5 });
        await sleep(1);
      }
    };
    const loops = [sealLoop(sealerA, "a"), sealLoop(sealerB, "b")];

    const WORKERS = 12;
    const TRANSACTIONS = 6;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        for (let k = 0; k < TRANSACTIONS; k++) {
          await t.db.transaction(async (tx) => {
            for (let e = 0; e <= (w + k) % 3; e++) {
              await appendAudit(tx, entry("probe.concurrent", { w, k, e }));
              // Commits interleave with the sealers' reads on PostgreSQL.
              if ((w + k + e) % 2 === 0) await tx.execute(sql`select pg_sleep(0.002)`);
            }
          });
        }
      }),
    );
    appending = false;
    await Promise.all(loops);
    const rest = await sealAuditBacklog(t.db);

    const expected = Array.from({ length: WORKERS }, (_, w) =>
      Array.from({ length: TRANSACTIONS }, (_, k) => ((w + k) % 3) + 1).reduce((a, b) => a + b, 0),
    ).reduce((a, b) => a + b, 0);
    expect(await expectOneLinearChain(t.db)).toBe(expected);
    expect(sealed.a + sealed.b + rest).toBe(expected);

    const probe = rowsOf<{ id: string | number; seq: string | number }>(await t.db.execute(sql`select id, seq from seal_probe`));
    expect(probe).toHaveLength(expected);
    expect(new Set(probe.map((p) => Number(p.id))).size).toBe(expected);
    expect(new Set(probe.map((p) => Number(p.seq))).size).toBe(expected);
    await t.db.execute(sql`drop trigger seal_probe on audit_log`);
    await t.db.execute(sql`drop table seal_probe`);
  });

  it("leaves no entry and no hole in the chain when the audited transaction rolls back", async () => {
    const before = (await rowsById(t.db)).length;
    const failure = new Error("action failed");
    await expect(
      t.db.transaction(async (tx) => {
        await appendAudit(tx, entry("probe.rolled-back"));
        throw failure;
      }),
    ).rejects.toBe(failure);
    await appendAudit(t.db, entry("probe.after-rollback"));
    expect(await sealAuditBacklog(t.db)).toBe(1);
    const rows = await rowsById(t.db);
    expect(rows).toHaveLength(before + 1);
    expect(rows.some((r) => r.action === "probe.rolled-back")).toBe(false);
    expect(rows.at(-1)).toMatchObject({ action: "probe.after-rollback", seq: before + 1 });
    await expectOneLinearChain(t.db);
  });

  it("gives the next number to an entry committed after a later one was sealed", async () => {
    // Transaction A takes its id first but commits last: the id the sequence gave it, written
    // after B was inserted and sealed (what PGlite's single connection cannot interleave).
    const [reserved] = rowsOf<{ id: string | number }>(
      await t.db.execute(sql`select nextval(pg_get_serial_sequence('audit_log', 'id')) as id`),
    );
    await appendAudit(t.db, entry("probe.b"));
    await sealAuditBacklog(t.db);
    const bSeq = (await latestAuditEntry(t.db))!.seq;
    const at = new Date();
    await t.db.insert(auditLog).values({ id: Number(reserved!.id), at, actorLabel: "system", action: "probe.a", outcome: "success" });
    expect(await sealAuditBacklog(t.db)).toBe(1);

    const [a] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.a"));
    const [b] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.b"));
    expect(a!.id).toBeLessThan(b!.id);
    expect(a!.seq).toBe(bSeq + 1);
    expect(a!.prevHash).toBe(b!.hash);
    // The journal keeps insertion order.
    const page = await listAuditEntries(t.db, { action: "probe.", limit: 2 });
    expect(page.entries.map((e) => e.action)).toEqual(["probe.b", "probe.a"]);
    await expectOneLinearChain(t.db);
  });

  it.runIf(onPostgres)("seals a transaction's entry after its late commit, not before (PostgreSQL)", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const appendedA = new Promise<void>((resolve) => (appended = resolve));
    const transactionA = t.db.transaction(async (tx) => {
      await appendAudit(tx, entry("probe.late-a"));
      appended();
      await released;
    });
    await appendedA;
    await appendAudit(t.db, entry("probe.late-b"));
    // A's row is not committed: the sealer cannot see it, nor wait for it.
    expect(await sealAuditBacklog(t.db)).toBe(1);
    const [b] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.late-b"));
    release();
    await transactionA;
    expect(await sealAuditBacklog(t.db)).toBe(1);
    const [a] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.late-a"));
    expect(a!.id).toBeLessThan(b!.id);
    expect(a!.seq).toBe(b!.seq! + 1);
    await expectOneLinearChain(t.db);
  });

  it("still detects a sealed entry altered afterwards", async () => {
    const [row] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.a"));
    await t.db.execute(sql`update audit_log set outcome = 'failure' where id = ${row!.id}`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenSeq: row!.seq, brokenId: row!.id, reason: "hash-mismatch" });
    await t.db.execute(sql`update audit_log set outcome = 'success' where id = ${row!.id}`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("reports an entry left unsealed for more than a minute", async () => {
    const count = (await rowsById(t.db)).length;
    const at = new Date(Date.now() - 5 * 60_000);
    await appendAudit(t.db, entry("probe.stale"), at);
    const [stale] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.stale"));
    expect(await auditSealBacklog(t.db, new Date(at.getTime() + 90_000))).toEqual({ unsealed: 1, oldestAgeSeconds: 90 });

    // A verification that cannot seal (a read-only replica) sees it as it is.
    const result = await verifyAuditChain(t.db, { seal: false });
    expect(result).toMatchObject({ ok: false, count, brokenSeq: null, brokenId: stale!.id, reason: "unsealed-entry" });
    expect(describeAuditVerification(result)).toMatch(
      new RegExp(`^Journal d’audit INCOMPLET \\(entrée non scellée depuis plus d’une minute\\) : l’entrée d’identifiant ${stale!.id}, datée du .+, n’a encore ni numéro ni empreinte$`),
    );
    // Within the minute, an unsealed entry is only on its way.
    expect(await verifyAuditChain(t.db, { seal: false, now: new Date(at.getTime() + 59_000) })).toMatchObject({ ok: true, count });
    // A verification seals it first.
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, count: count + 1 });
    expect(await auditSealBacklog(t.db)).toEqual({ unsealed: 0, oldestAgeSeconds: null });
  });

  it.runIf(onPostgres)("reports entries stuck behind a sealer that holds the lock (PostgreSQL)", async () => {
    const client = await t.pool!.connect();
    try {
      await client.query("begin");
      await client.query("select pg_advisory_xact_lock(7310001)");
      await appendAudit(t.db, entry("probe.stuck"), new Date(Date.now() - 2 * 60_000));
      // Sealers do not queue behind the hung one: they return at once.
      expect(await sealAuditLog(t.db)).toBe(0);
      const result = await verifyAuditChainAs(t.db, { actor: { userId: null, label: "admin@bascule.example" }, ipHash: null });
      expect(result).toMatchObject({ ok: false, reason: "unsealed-entry", brokenSeq: null });
      const [recorded] = await listAuditEntries(t.db, { action: "audit.verified", limit: 1 }).then((p) => p.entries);
      expect(recorded?.details).toMatchObject({ reason: "unsealed-entry", brokenSeq: null });
    } finally {
      await client.query("rollback");
      client.release();
    }
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("seals soon after an append in a running instance, and once more when it stops", async () => {
    // A long interval: only the start, the append hint and the stop can seal here.
    const sealer = startAuditSealer({ db: () => t.db, logger: silent, intervalMs: 3_600_000 });
    try {
      await appendAudit(t.db, entry("probe.hinted"));
      await vi.waitFor(
        async () => {
          const [row] = await t.db.select().from(auditLog).where(eq(auditLog.action, "probe.hinted"));
          expect(row?.seq).not.toBeNull();
        },
        { timeout: 5_000, interval: 20 },
      );
    } finally {
      await t.db.insert(auditLog).values({ at: new Date(), actorLabel: "system", action: "probe.at-stop", outcome: "success" });
      await sealer.stop();
    }
    expect(await t.db.select().from(auditLog).where(isNull(auditLog.seq))).toEqual([]);
    await expectOneLinearChain(t.db);
  });
});

describe(`migration 0003 on a database written before sealing (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  let t: TestDatabase | undefined;
  afterAll(async () => {
    await t?.dispose();
  });

  it("keeps every existing entry, its number and its hash, and chains new entries after them", async () => {
    t = await createTestDatabaseUpTo("0002_");

    // Entries as appendAudit wrote them before: numbered and chained in the same statement.
    const OLD = 25;
    let prevHash = GENESIS_HASH;
    const hashes: string[] = [];
    for (let seq = 1; seq <= OLD; seq++) {
      const stored = {
        at: new Date(Date.parse("2026-01-05T09:00:00.000Z") + seq * 61_001),
        actorUserId: null,
        actorLabel: seq % 2 ? "system" : "admin@bascule.example",
        action: seq % 3 ? "auth.login.succeeded" : "admin.mail.retried",
        outcome: "success",
        targetType: seq % 2 ? null : "user",
        targetId: seq % 2 ? null : `u-${seq}`,
        ipHash: null,
        details: { seq, nested: { b: [seq, "é"], a: null } },
      };
      const hash = entryHash(prevHash, auditContent(seq, stored));
      await t.db.execute(sql`
        insert into audit_log (seq, at, actor_label, action, outcome, target_type, target_id, details, prev_hash, hash)
        values (${seq}, ${stored.at.toISOString()}, ${stored.actorLabel}, ${stored.action}, ${stored.outcome},
                ${stored.targetType}, ${stored.targetId}, ${JSON.stringify(stored.details)}::jsonb, ${prevHash}, ${hash})`);
      hashes.push(hash);
      prevHash = hash;
    }

    await applyMigrations(t, afterMigrate);
    const migrated = await rowsById(t.db);
    expect(migrated.map((r) => [r.id, r.seq, r.hash])).toEqual(hashes.map((hash, i) => [i + 1, i + 1, hash]));
    expect(await verifyAuditChain(t.db, { seal: false })).toEqual({ ok: true, count: OLD, lastHash: hashes.at(-1) });

    // New entries get fresh ids (the id sequence starts past the old entries) and chain on.
    await appendAudit(t.db, entry("probe.after-migration"));
    await appendAudit(t.db, entry("probe.after-migration"));
    expect(await sealAuditBacklog(t.db)).toBe(2);
    const after = await rowsById(t.db);
    expect(after.slice(OLD).map((r) => [r.id, r.seq])).toEqual([
      [OLD + 1, OLD + 1],
      [OLD + 2, OLD + 2],
    ]);
    expect(after[OLD]!.prevHash).toBe(hashes.at(-1));
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, count: OLD + 2 });
  });
});
