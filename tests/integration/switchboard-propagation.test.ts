import { type ChildProcess, spawn } from "node:child_process";
import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { changeServices } from "~/features/switchboard/change-services.server";
import {
  type SwitchboardAgent,
  type SwitchboardAgentOptions,
  startSwitchboardAgent,
  waitForPropagation,
} from "~/features/switchboard/propagation.server";
import { ensureServiceRows } from "~/features/switchboard/store.server";
import { type DatabaseHandle, type Db, openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { switchboardServices } from "~/platform/db/schema";
import { createUser } from "./support/fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

/*
 * Propagation of switchboard changes to the instances' snapshots: LISTEN/NOTIFY, the polling
 * fallback, monotonic versions, freshness. On PGlite (several agents on one in-process database)
 * by default, on PostgreSQL with TEST_DATABASE_URL — which also runs three real app processes.
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const NEVER_MS = 600_000;
const SERVICE = "remboursements-en-ligne";

/** Checks `condition` every 10 ms until it holds or `timeoutMs` has passed; returns the last result. */
async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / 10) + 1 && !condition() && Date.now() < deadline; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger whose messages the test can read. */
function capturingLogger() {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) messages.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), messages };
}

/** Flips online claims between CLOSED and FALLBACK (legal both ways, and from OPEN). */
async function flip(db: Db, actor: { userId: string; label: string }): Promise<{ version: number; to: "CLOSED" | "FALLBACK" }> {
  const [row] = await db.select({ state: switchboardServices.state }).from(switchboardServices).where(eq(switchboardServices.key, SERVICE));
  const to = row?.state === "CLOSED" ? "FALLBACK" : "CLOSED";
  const { version } = await changeServices(db, {
    actor,
    changes: [{ key: SERVICE, to }],
    reason: "Test de propagation",
    publicMessage: "Service momentanément indisponible.",
  });
  return { version, to };
}

describe(`switchboard propagation (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  let database: TestDatabase;
  let actor: { userId: string; label: string };
  const started: SwitchboardAgent[] = [];
  const start = async (options: Partial<SwitchboardAgentOptions> = {}, handle: DatabaseHandle = database) => {
    const agent = await startSwitchboardAgent({ handle, logger: pino({ level: "silent" }), ...options });
    started.push(agent);
    return agent;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureServiceRows(database.db);
    const admin = await createUser(database.db, { role: "ADMIN" });
    actor = { userId: admin.id, label: `admin:${admin.email}` };
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((agent) => agent.stop()));
  });
  afterAll(async () => {
    await database.dispose();
  });

  it("applies a change on every agent as soon as it is announced, without waiting for a poll", async () => {
    const a = await start({ pollIntervalMs: NEVER_MS });
    const b = await start({ pollIntervalMs: NEVER_MS });
    const { version, to } = await flip(database.db, actor);

    expect(await waitUntil(() => a.snapshot().version >= version && b.snapshot().version >= version, 2_000)).toBe(true);
    expect(a.snapshot().services[SERVICE].state).toBe(to);
    expect(b.snapshot().services[SERVICE].state).toBe(to);

    const propagation = await waitForPropagation(database.db, { version, timeoutMs: 2_000 });
    expect(propagation).toMatchObject({ timedOut: false, missing: [] });
    expect(propagation.applied.map((i) => i.id).sort()).toEqual([a.instanceId, b.instanceId].sort());
  });

  it("picks a change up by polling alone when no notification arrives", async () => {
    const poller = await start({ listen: false, pollIntervalMs: 50 });
    const deaf = await start({ listen: false, pollIntervalMs: NEVER_MS });
    // Let the first poll, made right after start, go by.
    await pause(300);
    const before = deaf.snapshot().version;
    const { version, to } = await flip(database.db, actor);

    expect(await waitUntil(() => poller.snapshot().version >= version, 2_000)).toBe(true);
    expect(poller.snapshot().services[SERVICE].state).toBe(to);
    // Neither notified nor polling: only an explicit refresh moves it.
    await pause(200);
    expect(deaf.snapshot().version).toBe(before);
    await deaf.refresh();
    expect(deaf.snapshot().version).toBe(version);
  });

  it("serialises loads and never moves the snapshot back to a lower version", async () => {
    const applied: number[] = [];
    const agent = await start({ pollIntervalMs: 20, onApply: (snapshot) => applied.push(snapshot.version) });
    let last = 0;
    for (let i = 0; i < 8; i++) {
      const [change] = await Promise.all([flip(database.db, actor), agent.refresh(), agent.refresh()]);
      last = change.version;
    }
    expect(await waitUntil(() => agent.snapshot().version === last, 2_000)).toBe(true);
    expect(applied.length).toBeGreaterThan(0);
    for (let i = 1; i < applied.length; i++) expect(applied[i]!).toBeGreaterThan(applied[i - 1]!);

    // A database that reports a lower version (restored from a backup, say) does not roll the
    // snapshot back, and does not confirm it either: the fail-safes take over once it is stale.
    const saved = await database.db.select({ key: switchboardServices.key, version: switchboardServices.version }).from(switchboardServices);
    await database.db.update(switchboardServices).set({ version: 1 });
    try {
      await agent.refresh();
      await pause(60);
      const confirmedAt = agent.snapshot().confirmedAt;
      await pause(150);
      expect(agent.snapshot().version).toBe(last);
      expect(agent.snapshot().confirmedAt).toBe(confirmedAt);
    } finally {
      for (const row of saved) {
        await database.db.update(switchboardServices).set({ version: row.version }).where(eq(switchboardServices.key, row.key));
      }
    }
  });

  it("confirms freshness at each successful poll, and stops confirming when the database is gone", async () => {
    const own = onPostgres
      ? await openDatabase({ databaseUrl: String(database.pool!.options.connectionString), poolSize: 2 })
      : await openDatabase({ inMemory: true });
    if (!onPostgres) await applyMigrations(own, afterMigrate);
    const { logger, messages } = capturingLogger();
    const agent = await start({ pollIntervalMs: 50, logger }, own);
    const first = agent.snapshot();

    expect(await waitUntil(() => agent.snapshot().confirmedAt >= first.confirmedAt + 150, 2_000)).toBe(true);
    expect(agent.snapshot().version).toBe(first.version);

    await own.close();
    await pause(150);
    const lastConfirmed = agent.snapshot().confirmedAt;
    await pause(400);
    expect(agent.snapshot().confirmedAt).toBe(lastConfirmed);
    expect(agent.snapshot().version).toBe(first.version);
    expect(messages.filter((m) => m.startsWith("switchboard poll failed"))).toHaveLength(1);
    // Stopping an agent whose database is gone logs instead of throwing.
    await expect(agent.stop()).resolves.toBeUndefined();
  });

  it.skipIf(!onPostgres)("re-establishes a dropped LISTEN connection, polling covering meanwhile", async () => {
    const { logger, messages } = capturingLogger();
    const agent = await start({ pollIntervalMs: NEVER_MS, logger });
    const killed = await database.pool!.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'bascule-switchboard'",
    );
    expect(killed.rowCount).toBe(1);
    expect(await waitUntil(() => messages.includes("switchboard LISTEN connection re-established"), 5_000)).toBe(true);
    expect(messages.some((m) => m.startsWith("switchboard LISTEN connection lost"))).toBe(true);

    const { version } = await flip(database.db, actor);
    expect(await waitUntil(() => agent.snapshot().version >= version, 2_000)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

type InstanceProcess = { id: string; child: ChildProcess; versions: Map<number, number> };

/** Starts `tests/integration/support/switchboard-instance.ts` and waits for its ready line. */
async function spawnInstance(databaseUrl: string, id: string): Promise<InstanceProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/support/switchboard-instance.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, SWITCHBOARD_DATABASE_URL: databaseUrl, SWITCHBOARD_INSTANCE_ID: id, SWITCHBOARD_HEARTBEAT_MS: "500" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const versions = new Map<number, number>();
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${id} not ready in 30 s: ${stderr}`)), 30_000);
    child.once("exit", (code) => reject(new Error(`instance ${id} exited with ${code}: ${stderr}`)));
    let partial = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        const message = JSON.parse(line) as { ready?: boolean; version: number; appliedAtMs?: number };
        if (message.ready) {
          clearTimeout(timer);
          resolve();
        } else if (message.appliedAtMs !== undefined) {
          versions.set(message.version, message.appliedAtMs);
        }
      }
    });
  });
  return { id, child, versions };
}

async function stopInstance(instance: InstanceProcess): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

describe.skipIf(!onPostgres)("switchboard propagation across three app processes (PostgreSQL)", () => {
  let database: TestDatabase;
  let actor: { userId: string; label: string };
  let instances: InstanceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureServiceRows(database.db);
    const admin = await createUser(database.db, { role: "ADMIN" });
    actor = { userId: admin.id, label: `admin:${admin.email}` };
    const url = String(database.pool!.options.connectionString);
    instances = await Promise.all(["alpha", "beta", "gamma"].map((id) => spawnInstance(url, `instance-${id}`)));
  });
  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    await database.dispose();
  });

  it("reaches the three processes within 2 s of the commit, and the CLI's wait sees them all", async () => {
    const { version } = await changeServices(database.db, {
      actor,
      changes: [{ key: "devis-en-ligne", to: "CLOSED" }],
      reason: "Test de propagation entre processus",
      publicMessage: "Le devis en ligne est momentanément fermé.",
    });
    const committedAt = performance.timeOrigin + performance.now();
    expect(await waitUntil(() => instances.every((i) => i.versions.has(version)), 2_000)).toBe(true);
    for (const instance of instances) expect(instance.versions.get(version)! - committedAt).toBeLessThan(2_000);

    const propagation = await waitForPropagation(database.db, { version, timeoutMs: 2_000 });
    expect(propagation.timedOut).toBe(false);
    expect(propagation.missing).toEqual([]);
    expect(propagation.applied.map((i) => i.id).sort()).toEqual(instances.map((i) => i.id).sort());
  });

  // Decision: a killed instance is reported missing (with timedOut) while its last heartbeat is
  // within the live window, because nobody can tell yet whether it is dead or merely slow; once
  // its heartbeat is older than the window it is no longer live and no longer waited for.
  it("reports a killed instance as missing until its heartbeat goes stale, then stops waiting for it", async () => {
    const [victim, ...survivors] = instances;
    victim!.child.kill("SIGKILL");
    await new Promise((resolve) => victim!.child.once("exit", resolve));

    const { version } = await flip(database.db, actor);
    expect(await waitUntil(() => survivors.every((i) => i.versions.has(version)), 2_000)).toBe(true);

    const early = await waitForPropagation(database.db, { version, timeoutMs: 1_000, liveWithinMs: 5_000 });
    expect(early.timedOut).toBe(true);
    expect(early.missing.map((i) => i.id)).toEqual([victim!.id]);
    expect(early.applied.map((i) => i.id).sort()).toEqual(survivors.map((i) => i.id).sort());

    const later = await waitForPropagation(database.db, { version, timeoutMs: 10_000, liveWithinMs: 5_000 });
    expect(later.timedOut).toBe(false);
    expect(later.missing).toEqual([]);
    expect(later.applied.map((i) => i.id).sort()).toEqual(survivors.map((i) => i.id).sort());
  });
});
