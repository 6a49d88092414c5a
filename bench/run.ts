import os from "node:os";
import { parseArgs } from "node:util";
import { DEMO_MARIE, DEMO_PASSWORD } from "~/features/demo/demo-accounts";
import { checkPage, logIn, loginRequest } from "./lib/bascule-client";
import { runBenchmark } from "./lib/cleanup";
import { type LoadTarget, type RunResult, type Timing, measure, timingFromFlags } from "./lib/load";
import { createBenchDatabase } from "./lib/postgres";
import { type RunningServer, startBascule, startBaselineServer } from "./lib/processes";
import { type GoalReport, type ScenarioReport, evaluateGoals, formatGoals, formatRun, formatTable, median, summarize } from "./lib/report";
import { gitState, writeResult } from "./lib/results";

/*
 * Foundation benchmark: how much of a bare node:http server's throughput the production build
 * of Bascule keeps on its public home page, how fast a logged-in member's dashboard answers, and
 * what a login costs — on PGlite and on PostgreSQL. See bench/README.md.
 */

const ROUNDS = 3;

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string" },
    quick: { type: "boolean", default: false },
    "pglite-only": { type: "boolean", default: false },
  },
});

type DatabaseKind = "pglite" | "postgresql";
const DATABASE_LABELS: Record<DatabaseKind, string> = { pglite: "PGlite (embedded)", postgresql: "PostgreSQL" };

type Scenario = { id: string; title: string; request: string; server: RunningServer; target: LoadTarget };

type DatabaseReport = {
  database: DatabaseKind;
  readyMs: number;
  pageBytes: { baseline: number; home: number; dashboard: number };
  scenarios: ScenarioReport[];
  goals: GoalReport[];
};

const is2xx = (status: number) => status >= 200 && status < 300;

function scenariosFor(baseline: RunningServer & { pageBytes: number }, bascule: RunningServer, sessionCookie: string): Scenario[] {
  const login = loginRequest(bascule.origin, { email: DEMO_MARIE.email, password: DEMO_PASSWORD });
  return [
    {
      id: "baseline",
      title: "baseline (node:http)",
      request: `GET / (static ${(baseline.pageBytes / 1024).toFixed(1)} KB page)`,
      server: baseline,
      target: { url: `${baseline.origin}/`, connections: 50, isSuccess: is2xx },
    },
    {
      id: "home",
      title: "public home",
      request: "GET /",
      server: bascule,
      target: { url: `${bascule.origin}/`, connections: 50, isSuccess: is2xx },
    },
    {
      id: "dashboard",
      title: "member dashboard",
      request: "GET /espace (member session)",
      server: bascule,
      target: { url: `${bascule.origin}/espace`, connections: 50, headers: { Cookie: sessionCookie }, isSuccess: is2xx },
    },
    {
      id: "login",
      title: "login POST",
      request: "POST /connexion (valid credentials)",
      server: bascule,
      target: { ...login, connections: 10, isSuccess: (status) => status === 302 },
    },
  ];
}

async function benchDatabase(
  database: DatabaseKind,
  baseline: RunningServer & { pageBytes: number },
  timing: Timing,
  databaseUrl?: string,
): Promise<DatabaseReport> {
  const label = DATABASE_LABELS[database];
  console.log(`\n[${database}] starting Bascule on ${label} (fresh data directory, migrations, demo seed)…`);
  const bascule = await startBascule({ databaseUrl });
  try {
    console.log(`[${database}] ready in ${(bascule.readyMs / 1000).toFixed(1)} s at ${bascule.origin}`);
    const homeBytes = await checkPage(`${bascule.origin}/`, {});
    const cookie = await logIn(bascule.origin, { email: DEMO_MARIE.email, password: DEMO_PASSWORD });
    const dashboardBytes = await checkPage(`${bascule.origin}/espace`, { cookie, contains: "Bonjour" });

    const scenarios = scenariosFor(baseline, bascule, cookie);
    const runs = new Map<string, RunResult[]>(scenarios.map((s) => [s.id, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of scenarios) {
        const result = await measure(scenario.target, timing);
        scenario.server.assertAlive();
        runs.get(scenario.id)!.push(result);
        console.log(`[${database}] round ${round}/${ROUNDS}  ${scenario.title.padEnd(20)} ${formatRun(result)}`);
      }
    }

    const baselineMedian = median(runs.get("baseline")!.map((r) => r.reqPerSec));
    const reports = scenarios.map((s) =>
      summarize({ id: s.id, title: s.title, request: s.request, connections: s.target.connections }, runs.get(s.id)!, baselineMedian),
    );
    return {
      database,
      readyMs: bascule.readyMs,
      pageBytes: { baseline: baseline.pageBytes, home: homeBytes, dashboard: dashboardBytes },
      scenarios: reports,
      goals: evaluateGoals(reports),
    };
  } finally {
    const stopping = performance.now();
    await bascule.stop();
    console.log(`[${database}] Bascule stopped in ${((performance.now() - stopping) / 1000).toFixed(1)} s`);
  }
}

function printDatabase(report: DatabaseReport): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`\n${DATABASE_LABELS[report.database]} — ready in ${(report.readyMs / 1000).toFixed(1)} s; page sizes: baseline ${kb(report.pageBytes.baseline)}, home ${kb(report.pageBytes.home)}, dashboard ${kb(report.pageBytes.dashboard)}`);
  console.log("medians over the rounds; latencies in ms; × baseline = median req/s ÷ baseline median req/s\n");
  console.log(formatTable(report.scenarios));
  console.log(`\n${formatGoals(report.goals)}`);
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const timing = timingFromFlags(flags);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const settings = { ...timing, rounds: ROUNDS, order: "each round: baseline, public home, member dashboard, login POST" };
  const git = gitState();
  const stamp = `${startedAt.toISOString().slice(0, 19).replace(/:/g, "-")}Z`;
  const databaseCount = flags["pglite-only"] ? 1 : 2;
  const estimate = databaseCount * ROUNDS * 4 * (timing.warmupSeconds + timing.durationSeconds);
  console.log(
    `Foundation benchmark: ${ROUNDS} rounds × 4 runs × (${timing.warmupSeconds} s warm-up + ${timing.durationSeconds} s) per database, ` +
      `about ${(estimate / 60).toFixed(1)} min of load plus boots. ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadavgAtStart.join(" ")}.`,
  );

  const baseline = await startBaselineServer();
  const outcomes: Partial<Record<DatabaseKind, DatabaseReport | { skipped: string }>> = {};
  const written: string[] = [];
  const record = async (report: DatabaseReport) => {
    outcomes[report.database] = report;
    printDatabase(report);
    written.push(
      await writeResult(`foundation-${report.database}-${stamp}.json`, { benchmark: "foundation", startedAt, git, machine, settings, ...report }),
    );
  };

  await record(await benchDatabase("pglite", baseline, timing));

  if (flags["pglite-only"]) {
    outcomes.postgresql = { skipped: "--pglite-only" };
  } else {
    const database = await createBenchDatabase();
    if ("unavailable" in database) {
      outcomes.postgresql = { skipped: `PostgreSQL unreachable (${database.unavailable})` };
      console.log(`\n[postgresql] skipped: ${outcomes.postgresql.skipped}`);
    } else {
      try {
        await record(await benchDatabase("postgresql", baseline, timing, database.url));
      } finally {
        await database.drop();
      }
    }
  }
  await baseline.stop();

  written.push(
    await writeResult("foundation-latest.json", {
      benchmark: "foundation",
      startedAt,
      finishedAt: new Date(),
      git,
      machine: { ...machine, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
      settings,
      databases: outcomes,
    }),
  );
  console.log(`\nResults written:\n${written.map((f) => `  ${f}`).join("\n")}`);
  console.log(`Total time: ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
}

await runBenchmark(main, "stopping the servers and dropping the bench database");
