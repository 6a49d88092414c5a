import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { decide } from "~/features/switchboard/evaluate";
import { createServiceMatcher } from "~/features/switchboard/route-ownership";
import { SERVICE_KEYS, type Audience, type ServiceKey, type ServiceState, type ServiceStatus, type SwitchboardSnapshot } from "~/features/switchboard/types";

/*
 * What the switchboard costs each request: finding the service a path belongs to
 * (`serviceFor`) and deciding whether it is open for this person (`decide`), on a realistic mix
 * of paths and audiences during an incident. Compared, in the same run and the same loop, with an
 * empty function call and a plain `Map.get`. Goal (issue 3): median ≤ 0.2 µs, p99 ≤ 1 µs.
 *
 *   npx tsx bench/switchboard-check.ts [--samples 500]
 *
 * Each sample times a batch of calls with the monotonic clock and divides by the batch size;
 * median and p99 are taken over the samples. The scenarios take turns sample by sample, so a
 * noisy neighbour slows all of them alike. Per-call times include the loop that feeds them,
 * exactly as in the baselines.
 */

const BATCH = 10_000;
const WARMUP_SAMPLES = 100;
const GOALS = { medianUs: 0.2, p99Us: 1 };
const RESULT_FILE = new URL("./results/switchboard-check-latest.json", import.meta.url);

const { values: flags } = parseArgs({ options: { samples: { type: "string", default: "500" } } });
const SAMPLES = Number(flags.samples);
if (!Number.isInteger(SAMPLES) || SAMPLES < 200) throw new Error(`--samples must be a whole number ≥ 200, got "${flags.samples}"`);

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

/** The day after an incident: some services closed, one in fallback, some being reopened. */
const STATES: Record<ServiceKey, { state: ServiceState; rolloutPercent: number | null }> = {
  "devis-en-ligne": { state: "OPEN", rolloutPercent: null },
  "adhesion-en-ligne": { state: "REOPENING", rolloutPercent: 25 },
  "espace-adherent": { state: "OPEN", rolloutPercent: null },
  "remboursements-en-ligne": { state: "FALLBACK", rolloutPercent: null },
  "coordonnees-bancaires": { state: "CLOSED", rolloutPercent: null },
  documents: { state: "RETESTING", rolloutPercent: null },
  "formulaire-contact": { state: "OPEN", rolloutPercent: null },
  "activation-compte": { state: "REOPENING", rolloutPercent: 50 },
};

const snapshot: SwitchboardSnapshot = {
  version: 42,
  confirmedAt: NOW - 1_000,
  services: Object.fromEntries(
    SERVICE_KEYS.map((key): [ServiceKey, ServiceStatus] => [
      key,
      {
        key,
        ...STATES[key],
        since: "2026-11-28T08:00:00.000Z",
        reason: "Incident de sécurité",
        publicMessage: "Service momentanément indisponible.",
        expectedReturnAt: null,
        groupId: null,
      },
    ]),
  ) as Record<ServiceKey, ServiceStatus>,
};

/** Paths with a weight: pages and their single-fetch data requests, public and member, some unusual. */
const PATHS: [method: string, path: string, weight: number][] = [
  ["GET", "/", 12],
  ["GET", "/_root.data", 4],
  ["GET", "/statut", 3],
  ["GET", "/devis", 8],
  ["POST", "/devis/formule", 3],
  ["GET", "/devis/resultat.data", 3],
  ["GET", "/adhesion/etape-2", 2],
  ["GET", "/espace", 10],
  ["GET", "/espace.data", 6],
  ["GET", "/espace/remboursements", 5],
  ["POST", "/espace/remboursements/nouveau", 2],
  ["GET", "/espace/remboursements/envoi-par-courriel", 2],
  ["GET", "/espace/documents/attestation-2026", 3],
  ["GET", "/espace/compte/coordonnees-bancaires", 1],
  ["GET", "/espace/securite", 2],
  ["POST", "/contact", 2],
  ["GET", "/activation/3f6c1d2e9a7b4c58", 1],
  ["POST", "/connexion", 4],
  ["GET", "/admin/services", 2],
  ["GET", "/healthz", 6],
  ["GET", "/page-inconnue", 1],
  ["GET", "/Espace/Remboursements/", 1],
];

/** Spellings that take the normalising path (case, escapes, dot segments). */
const UNUSUAL_PATHS: [method: string, path: string][] = [
  ["GET", "/Espace/Remboursements/"],
  ["GET", "/espace/%72emboursements/nouveau"],
  ["GET", "/admin/../devis"],
  ["POST", "/DEVIS/Formule.data"],
];

type Request = { method: string; path: string; audience: Audience; key: ServiceKey | null };

const matcher = createServiceMatcher();

/** A deterministic pseudo-random sequence, so that every run measures the same requests. */
function* randomNumbers(seed: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    yield state / 2 ** 32;
  }
}

function buildRequests(paths: readonly [string, string, number][], count: number): Request[] {
  const random = randomNumbers(20261128);
  const next = () => random.next().value as number;
  const total = paths.reduce((sum, [, , weight]) => sum + weight, 0);
  const members = Array.from({ length: 500 }, (_, i) => `0b1c${i.toString(16).padStart(4, "0")}-6f2e-4d7a-9c1b-${(i * 7919).toString(16).padStart(12, "0")}`);
  return Array.from({ length: count }, () => {
    let pick = next() * total;
    const [method, path] = paths.find(([, , weight]) => (pick -= weight) < 0) ?? paths[0]!;
    const who = next();
    // 55 % anonymous, 44 % members, 1 % staff or allow-listed testers.
    const audience: Audience =
      who < 0.55 ? { subjectId: null, isTester: false } : who < 0.99 ? { subjectId: members[Math.floor(next() * members.length)]!, isTester: false } : { subjectId: "staff-1", isTester: true };
    return { method, path, audience, key: matcher.serviceFor(method, path) };
  });
}

const REQUEST_COUNT = 4096; // a power of two: the loops index with a mask
const MASK = REQUEST_COUNT - 1;
const requests = buildRequests(PATHS, REQUEST_COUNT);
const unusual = buildRequests(UNUSUAL_PATHS.map(([method, path]) => [method, path, 1]), REQUEST_COUNT);
const keyed = requests.filter((r): r is Request & { key: ServiceKey } => r.key !== null);
const keyedRequests = Array.from({ length: REQUEST_COUNT }, (_, i) => keyed[i % keyed.length]!);
const pathMap = new Map(requests.map((r) => [r.path, r.key]));

/** Consumed after the run so that no measured work can be optimised away. */
let sink = 0;

function noop(_request: Request): boolean {
  return true;
}

function check(request: Request): boolean {
  const key = matcher.serviceFor(request.method, request.path);
  return key === null || decide(snapshot, key, request.audience, NOW).open;
}

type Scenario = { id: string; title: string; baseline: boolean; run: (offset: number) => void };

const scenarios: Scenario[] = [
  {
    id: "empty-call",
    title: "baseline: empty function call",
    baseline: true,
    run(offset) {
      for (let i = 0; i < BATCH; i++) if (noop(requests[(offset + i) & MASK]!)) sink++;
    },
  },
  {
    id: "map-get",
    title: "baseline: Map.get(path)",
    baseline: true,
    run(offset) {
      for (let i = 0; i < BATCH; i++) if (pathMap.get(requests[(offset + i) & MASK]!.path) !== null) sink++;
    },
  },
  {
    id: "check",
    title: "check: serviceFor + decide",
    baseline: false,
    run(offset) {
      for (let i = 0; i < BATCH; i++) if (check(requests[(offset + i) & MASK]!)) sink++;
    },
  },
  {
    id: "service-for",
    title: "serviceFor alone",
    baseline: false,
    run(offset) {
      for (let i = 0; i < BATCH; i++) {
        const request = requests[(offset + i) & MASK]!;
        if (matcher.serviceFor(request.method, request.path) !== null) sink++;
      }
    },
  },
  {
    id: "decide",
    title: "decide alone (owned paths)",
    baseline: false,
    run(offset) {
      for (let i = 0; i < BATCH; i++) {
        const request = keyedRequests[(offset + i) & MASK]!;
        if (decide(snapshot, request.key, request.audience, NOW).open) sink++;
      }
    },
  },
  {
    id: "check-unusual",
    title: "check, unusual spellings only",
    baseline: false,
    run(offset) {
      for (let i = 0; i < BATCH; i++) if (check(unusual[(offset + i) & MASK]!)) sink++;
    },
  },
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Samples = { wallUs: number[]; cpuUs: number[] };

/** Per-call times of every sample: by the monotonic clock, and by the CPU time the process used. */
function measure(): Map<string, Samples> {
  const samples = new Map(scenarios.map((s): [string, Samples] => [s.id, { wallUs: [], cpuUs: [] }]));
  for (let round = 0; round < WARMUP_SAMPLES + SAMPLES; round++) {
    for (const scenario of scenarios) {
      const offset = (round * 613) & MASK;
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      scenario.run(offset);
      const elapsedNs = Number(process.hrtime.bigint() - start);
      const cpu = process.cpuUsage(cpuStart);
      if (round < WARMUP_SAMPLES) continue;
      const sample = samples.get(scenario.id)!;
      sample.wallUs.push(elapsedNs / BATCH / 1_000);
      sample.cpuUs.push((cpu.user + cpu.system) / BATCH);
    }
  }
  return samples;
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

async function main(): Promise<void> {
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(
    `Switchboard per-request check: ${SAMPLES} samples of ${BATCH.toLocaleString("en")} calls per scenario after ${WARMUP_SAMPLES} warm-up samples. ` +
      `${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadavgAtStart.join(" ")}.`,
  );
  const startedAt = new Date().toISOString();
  const samples = measure();

  const sortedAscending = (values: readonly number[]) => [...values].sort((a, b) => a - b);
  const mapGetMedian = percentile(sortedAscending(samples.get("map-get")!.wallUs), 50);
  const results = scenarios.map((scenario) => {
    const wall = sortedAscending(samples.get(scenario.id)!.wallUs);
    const cpu = sortedAscending(samples.get(scenario.id)!.cpuUs);
    return {
      id: scenario.id,
      title: scenario.title,
      baseline: scenario.baseline,
      medianUs: round(percentile(wall, 50)),
      p99Us: round(percentile(wall, 99)),
      minUs: round(wall[0]!),
      maxUs: round(wall.at(-1)!),
      cpuTime: { medianUs: round(percentile(cpu, 50)), p99Us: round(percentile(cpu, 99)) },
      ratioToMapGet: round(percentile(wall, 50) / mapGetMedian),
    };
  });

  const checkResult = results.find((r) => r.id === "check")!;
  const goals = [
    { id: "check-median-us", description: `check median ≤ ${GOALS.medianUs} µs`, measured: checkResult.medianUs, target: GOALS.medianUs, pass: checkResult.medianUs <= GOALS.medianUs },
    { id: "check-p99-us", description: `check p99 ≤ ${GOALS.p99Us} µs`, measured: checkResult.p99Us, target: GOALS.p99Us, pass: checkResult.p99Us <= GOALS.p99Us },
  ];

  printTable(results);
  console.log("");
  for (const goal of goals) console.log(`${goal.pass ? "PASS" : "FAIL"}  ${goal.description}: ${goal.measured} µs`);
  if (machine.loadavgAtStart[0]! > machine.cpus) {
    console.log(
      `\nThe load average (${machine.loadavgAtStart[0]}) is above the number of CPUs (${machine.cpus}): the wall-clock p99 mostly measures the time ` +
        "the process waited for a CPU. The CPU-time columns leave that wait out.",
    );
  }

  const loadavgAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  await fs.mkdir(new URL("./", RESULT_FILE), { recursive: true });
  const temporary = new URL("./switchboard-check-latest.json.tmp", RESULT_FILE);
  await fs.writeFile(
    temporary,
    `${JSON.stringify(
      {
        benchmark: "switchboard-check",
        startedAt,
        git: gitState(),
        machine: { ...machine, loadavgAtEnd },
        settings: {
          batch: BATCH,
          samples: SAMPLES,
          warmupSamples: WARMUP_SAMPLES,
          method:
            "per-call time = batch time ÷ batch size, by the monotonic clock (process.hrtime.bigint; goals) and by the CPU time of the process (process.cpuUsage); median and p99 over the samples; scenarios interleaved sample by sample",
          requestMix: { distinctRequests: REQUEST_COUNT, paths: PATHS.map(([method, path, weight]) => ({ method, path, weight })), unusualPaths: UNUSUAL_PATHS },
          snapshotStates: STATES,
        },
        results,
        goals,
        sink,
      },
      null,
      2,
    )}\n`,
  );
  await fs.rename(temporary, RESULT_FILE);
  console.log(`\nResults written to ${RESULT_FILE.pathname}`);
}

function round(value: number): number {
  return Number(value.toFixed(4));
}

function printTable(results: { title: string; medianUs: number; p99Us: number; cpuTime: { medianUs: number; p99Us: number }; ratioToMapGet: number }[]): void {
  const header = ["scenario", "median µs", "p99 µs", "CPU median µs", "CPU p99 µs", "× Map.get"];
  const rows = results.map((r) => [r.title, r.medianUs.toFixed(4), r.p99Us.toFixed(4), r.cpuTime.medianUs.toFixed(4), r.cpuTime.p99Us.toFixed(4), r.ratioToMapGet.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of rows) console.log(line(row));
  console.log("median and p99 by the monotonic clock; CPU: by the CPU time the process used; × Map.get: median ÷ the Map.get median");
}

await main();
