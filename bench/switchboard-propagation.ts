import { execFileSync, spawn } from "node:child_process";
import { sealUserEmail } from "~/platform/crypto/personal-data.server";
import fs from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { changeServices } from "~/features/switchboard/change-services.server";
import { ensureServiceRows } from "~/features/switchboard/store.server";
import { type DatabaseHandle, openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { users } from "~/platform/db/schema";
import { onCleanup, runBenchmark } from "./lib/cleanup";
import { createBenchDatabase } from "./lib/postgres";

/*
 * Switchboard propagation benchmark: how long after a change is committed does every instance
 * enforce it? Four instance processes (tests/integration/support/switchboard-instance.ts) run a
 * switchboard agent on one PostgreSQL database; the benchmark makes 100 real changes through
 * `changeServices` (remboursements-en-ligne alternately CLOSED and FALLBACK, both legal either
 * way), takes the wall-clock time right after each commit, and collects from each instance the
 * wall-clock time at which it applied that version. All processes share one machine, hence one
 * clock. The parent's reading after the commit is late by its own scheduling delay (a sample can
 * fall below zero on a busy machine), so the time from just before the change was requested is
 * reported too, as an upper bound. Run twice: with LISTEN/NOTIFY (the design) and with polling
 * only (every 2 s), for comparison; polling makes each change take about 2 s, so
 * `--poll-only-changes` can shorten that phase (`npm run bench` does).
 * `npx tsx bench/switchboard-propagation.ts [--changes N] [--poll-only-changes N] [--instances N]`.
 */

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const INSTANCE_SCRIPT = "tests/integration/support/switchboard-instance.ts";
const RESULTS_FILE = new URL("./results/switchboard-propagation-latest.json", import.meta.url);
const READY_TIMEOUT_MS = 60_000;
/** Longest wait for every instance to apply one change before the run is declared broken. */
const APPLY_TIMEOUT_MS = 10_000;
/**
 * Pause between two changes, so that each is measured on its own and not coalesced. Polling only,
 * a random share of the poll interval is added: otherwise each change would follow right after
 * the slowest instance's poll, and the measure would depend on how the instances' cycles line up.
 */
const GAP_MS = 20;
const gapMs = (listen: boolean) => GAP_MS + (listen ? 0 : Math.floor(Math.random() * POLL_INTERVAL_MS));
const POLL_INTERVAL_MS = 2_000;
const GOAL_P99_MS = 200;
const SERVICE = "remboursements-en-ligne" as const;

const { values: flags } = parseArgs({
  options: { changes: { type: "string", default: "100" }, "poll-only-changes": { type: "string" }, instances: { type: "string", default: "4" } },
});
const CHANGES = Number(flags.changes);
const POLL_ONLY_CHANGES = Number(flags["poll-only-changes"] ?? flags.changes);
const INSTANCES = Number(flags.instances);
if (!Number.isInteger(CHANGES) || CHANGES < 1 || CHANGES > 10_000) throw new Error(`--changes must be 1-10000, got "${flags.changes}"`);
if (!Number.isInteger(POLL_ONLY_CHANGES) || POLL_ONLY_CHANGES < 1 || POLL_ONLY_CHANGES > 10_000) {
  throw new Error(`--poll-only-changes must be 1-10000, got "${flags["poll-only-changes"]}"`);
}
if (!Number.isInteger(INSTANCES) || INSTANCES < 1 || INSTANCES > 32) throw new Error(`--instances must be 1-32, got "${flags.instances}"`);

const wallClock = () => performance.timeOrigin + performance.now();

type Instance = {
  id: string;
  /**
   * Wall-clock time at which the instance applied `version` (or a later one, had it skipped it);
   * rejects after `timeoutMs` or if the process exits. Event-driven: the parent stays idle.
   */
  appliedAt(version: number, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
};

type Waiter = { version: number; resolve: (at: number) => void; reject: (err: Error) => void };

async function startInstance(databaseUrl: string, id: string, listen: boolean): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", INSTANCE_SCRIPT], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SWITCHBOARD_DATABASE_URL: databaseUrl,
      SWITCHBOARD_INSTANCE_ID: id,
      SWITCHBOARD_POLL_MS: String(POLL_INTERVAL_MS),
      SWITCHBOARD_LISTEN: String(listen),
      LOG_LEVEL: "warn",
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const stop = onCleanup(`instance ${id}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const applied: { version: number; at: number }[] = [];
  const waiters = new Set<Waiter>();
  child.once("exit", (code) => {
    for (const waiter of waiters) waiter.reject(new Error(`instance ${id} exited (code ${code})`));
    waiters.clear();
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${id} not ready after ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.once("exit", (code) => reject(new Error(`instance ${id} exited (code ${code}) before it was ready`)));
    let partial = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        const message = JSON.parse(line) as { ready?: boolean; version: number; appliedAtMs?: number };
        if (message.ready) {
          clearTimeout(timer);
          resolve();
        } else if (message.appliedAtMs !== undefined) {
          applied.push({ version: message.version, at: message.appliedAtMs });
          for (const waiter of waiters) {
            if (message.version < waiter.version) continue;
            waiters.delete(waiter);
            waiter.resolve(message.appliedAtMs);
          }
        }
      }
    });
  });
  await ready;
  return {
    id,
    stop,
    appliedAt(version, timeoutMs) {
      const known = applied.find((entry) => entry.version >= version);
      if (known) return Promise.resolve(known.at);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`instance ${id} did not apply version ${version} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const waiter: Waiter = {
          version,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        waiters.add(waiter);
      });
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

const round = (value: number) => Number(value.toFixed(2));

type Stats = { samples: number; minMs: number; medianMs: number; p95Ms: number; p99Ms: number; maxMs: number; meanMs: number };

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    minMs: round(sorted[0]!),
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1]!),
    meanMs: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length),
  };
}

type PhaseReport = {
  mode: "listen" | "poll-only";
  description: string;
  changes: number;
  instances: number;
  /** From the parent's clock reading right after the commit returned, to each instance applying. */
  stats: Stats;
  /**
   * Samples below zero: the instance applied the change before the parent's event loop resumed
   * after the commit — the commit reading is late by the parent's own scheduling delay.
   */
  negativeSamples: number;
  /** From just before the change was requested (whole transaction included): an upper bound. */
  fromRequestStats: Stats;
  slowestChanges: { version: number; maxMs: number }[];
};

async function runPhase(handle: DatabaseHandle, databaseUrl: string, actor: { userId: string; label: string }, listen: boolean): Promise<PhaseReport> {
  const mode = listen ? "listen" : "poll-only";
  const changes = listen ? CHANGES : POLL_ONLY_CHANGES;
  console.log(`\n[${mode}] starting ${INSTANCES} instances…`);
  const instances = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => startInstance(databaseUrl, `bench-${mode}-${i + 1}`, listen)));
  try {
    const latencies: number[] = [];
    const fromRequest: number[] = [];
    const perChange: { version: number; maxMs: number }[] = [];
    for (let n = 1; n <= changes; n++) {
      const to = n % 2 === 1 ? "CLOSED" : "FALLBACK";
      const requestedAt = wallClock();
      const { version } = await changeServices(handle.db, {
        actor,
        changes: [{ key: SERVICE, to }],
        reason: `Banc de propagation, changement ${n}`,
        publicMessage: to === "CLOSED" ? "Service fermé pour un test de propagation." : "Envoyez vos demandes par e-mail pendant un test de propagation.",
      });
      const committedAt = wallClock();
      const appliedAt = await Promise.all(instances.map((instance) => instance.appliedAt(version, APPLY_TIMEOUT_MS)));
      const changeLatencies = appliedAt.map((at) => at - committedAt);
      latencies.push(...changeLatencies);
      fromRequest.push(...appliedAt.map((at) => at - requestedAt));
      perChange.push({ version, maxMs: round(Math.max(...changeLatencies)) });
      if (n % 20 === 0 || n === changes) console.log(`[${mode}] ${n}/${changes} changes, slowest instance this change ${Math.max(...changeLatencies).toFixed(1)} ms`);
      await new Promise((resolve) => setTimeout(resolve, gapMs(listen)));
    }
    return {
      mode,
      description: listen
        ? `LISTEN/NOTIFY on a dedicated connection, poll every ${POLL_INTERVAL_MS / 1000} s as fallback`
        : `no LISTEN: poll every ${POLL_INTERVAL_MS / 1000} s only`,
      changes,
      instances: INSTANCES,
      stats: stats(latencies),
      negativeSamples: latencies.filter((latency) => latency < 0).length,
      fromRequestStats: stats(fromRequest),
      slowestChanges: [...perChange].sort((a, b) => b.maxMs - a.maxMs).slice(0, 5),
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
  }
}

function gitState(): { commit: string; dirty: boolean } | null {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return null;
  }
}

async function writeResults(value: unknown): Promise<void> {
  const temporary = new URL(`${RESULTS_FILE.pathname}.tmp`, RESULTS_FILE);
  await fs.mkdir(new URL(".", RESULTS_FILE), { recursive: true });
  await fs.writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await fs.rename(temporary, RESULTS_FILE);
  console.log(`\nResults written: ${RESULTS_FILE.pathname}`);
}

function formatStats(label: string, s: Stats): string {
  return [label.padEnd(24), ...[s.medianMs, s.p95Ms, s.p99Ms, s.maxMs].map((v) => v.toFixed(1).padStart(9)), String(s.samples).padStart(8)].join("  ");
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const settings = { changes: CHANGES, pollOnlyChanges: POLL_ONLY_CHANGES, instances: INSTANCES, service: SERVICE, pollIntervalMs: POLL_INTERVAL_MS, gapBetweenChangesMs: { listen: GAP_MS, pollOnly: `${GAP_MS} + uniform random [0, ${POLL_INTERVAL_MS})` } };
  console.log(
    `Switchboard propagation: ${INSTANCES} instances on PostgreSQL, ${CHANGES} changes with LISTEN, then ${POLL_ONLY_CHANGES} with polling only. ` +
      `${machine.cpus} CPUs, load average ${machine.loadavgAtStart.join(" ")}.`,
  );
  const database = await createBenchDatabase();
  if ("unavailable" in database) {
    console.log(`PostgreSQL unavailable, benchmark skipped: ${database.unavailable}`);
    await writeResults({ benchmark: "switchboard-propagation", startedAt, machine, settings, skipped: database.unavailable });
    return;
  }
  const handle = await openDatabase({ databaseUrl: database.url, poolSize: 4, applicationName: "bascule-bench-switchboard" });
  const closeHandle = onCleanup("bench database pool", () => handle.close());
  try {
    await applyMigrations(handle, afterMigrate);
    await ensureServiceRows(handle.db);
    const [admin] = await handle.db
      .insert(users)
      .values({ ...sealUserEmail("banc.propagation@bascule.example"), role: "ADMIN", displayName: "Banc de propagation" })
      .returning();
    const actor = { userId: admin!.id, label: "bench:switchboard-propagation" };

    const phases = [await runPhase(handle, database.url, actor, true), await runPhase(handle, database.url, actor, false)];
    const listen = phases[0]!;
    const goal = {
      id: "propagation-p99-ms",
      description: `commit → every instance enforcing, p99 ≤ ${GOAL_P99_MS} ms (${INSTANCES} instances, LISTEN/NOTIFY)`,
      measured: listen.stats.p99Ms,
      target: GOAL_P99_MS,
      pass: listen.stats.p99Ms <= GOAL_P99_MS,
    };
    console.log(`\nlatency from commit to instance applying the change, ${INSTANCES} instances (samples: instances × changes), in ms\n`);
    console.log(["mode".padEnd(24), ..."median p95 p99 max".split(" ").map((h) => h.padStart(9)), "samples".padStart(8)].join("  "));
    for (const phase of phases) console.log(formatStats(`${phase.mode} (from commit)`, phase.stats));
    for (const phase of phases) console.log(formatStats(`${phase.mode} (from request)`, phase.fromRequestStats));
    console.log(
      `\n"from commit": parent's clock right after the commit returned (${phases.map((p) => `${p.negativeSamples} samples below 0 in ${p.mode}`).join(", ")}: ` +
        `the parent's own scheduling delay); "from request": just before the change was asked, whole transaction included (upper bound).`,
    );
    console.log(`\n${goal.pass ? "PASS" : "FAIL"}  ${goal.description}: ${goal.measured} ms`);
    await writeResults({
      benchmark: "switchboard-propagation",
      startedAt,
      finishedAt: new Date(),
      git: gitState(),
      machine: { ...machine, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
      settings,
      phases,
      goal,
    });
  } finally {
    await closeHandle();
    await database.drop();
  }
}

await runBenchmark(main, "stopping the instances and dropping the bench database");
