import os from "node:os";
import { parseArgs } from "node:util";
import { type QuoteInput, priceAllFormulas } from "~/features/quotes/tariff";
import { TARIFF_2026, tariffFromSpec } from "~/features/quotes/tariff-data";
import { HONEYPOT_FIELD } from "~/platform/http/honeypot";
import { runBenchmark } from "./lib/cleanup";
import { type LoadTarget, type RunResult, measure, timingFromFlags } from "./lib/load";
import { createBenchDatabase } from "./lib/postgres";
import { startBascule } from "./lib/processes";
import { type GoalReport, formatGoals, formatRun, formatTable, median, summarize } from "./lib/report";
import { gitState, writeResult } from "./lib/results";
import { parisDateOf } from "~/platform/time/paris";
import { addDays } from "~/platform/time/civil-date";

/*
 * Quotes benchmark (issue 5), two questions:
 * 1. Tariff engine: how many quotes (the four formulas priced, with the per-person breakdown, as
 *    /devis shows them) for a family of four does one core compute per second? Goal ≥ 50,000.
 *    Rounds of `--round-ms` each after warm-up rounds; the median over the rounds is reported.
 * 2. /devis submission (POST computing the four formulas, nothing saved) at 50 connections against
 *    the production build on PGlite (`--postgres`: on a throw-away PostgreSQL database): goal
 *    p99 ≤ 100 ms, reported with its throughput as a ratio to the public home page (GET /)
 *    measured in the same run, rounds alternating the scenarios.
 *    Two ways in: the request a browser with JavaScript sends (POST /devis.data, data only) and
 *    the no-JavaScript form post (POST /devis, whole page rendered on the server). The home page is
 *    served from the anonymous micro-cache (ADR 006): the ratio compares with the cheapest page.
 *
 *   npx tsx bench/quotes.ts [--quick] [--duration 10] [--rounds 15] [--round-ms 300] [--engine-only] [--postgres]
 */

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string" },
    quick: { type: "boolean", default: false },
    rounds: { type: "string", default: "15" },
    "round-ms": { type: "string", default: "300" },
    "engine-only": { type: "boolean", default: false },
    postgres: { type: "boolean", default: false },
  },
});
const ENGINE_ROUNDS = Number(flags.rounds);
const ROUND_MS = Number(flags["round-ms"]);
if (!Number.isInteger(ENGINE_ROUNDS) || ENGINE_ROUNDS < 3) throw new Error("--rounds must be a whole number ≥ 3");
if (!Number.isFinite(ROUND_MS) || ROUND_MS < 50) throw new Error("--round-ms must be ≥ 50");
const WARMUP_ROUNDS = 3;
const HTTP_ROUNDS = 3;
const CONNECTIONS = 50;
const GOALS = { quotesPerSecond: 50_000, p99Ms: 100 };

// ---------------------------------------------------------------------------------------------
// 1. Engine

const tariff = tariffFromSpec(TARIFF_2026);
const START = addDays(parisDateOf(new Date()), 1);
const year = Number(START.slice(0, 4));
/** Member 42, spouse 40, children 10 and 7; the zone varies so that no two quotes in a row are identical. */
const INPUTS: QuoteInput[] = ["Z1", "Z2", "Z3", "Z4"].flatMap((zone) =>
  (["GENERAL", "ALSACE_MOSELLE"] as const).map((scheme) => ({
    startDate: START,
    zone,
    scheme,
    persons: [
      { role: "MEMBER" as const, birthDate: `${year - 42}-03-14` },
      { role: "SPOUSE" as const, birthDate: `${year - 40}-11-02` },
      { role: "CHILD" as const, birthDate: `${year - 10}-06-21` },
      { role: "CHILD" as const, birthDate: `${year - 7}-01-30` },
    ],
  })),
);

/** Consumed after the run so that no measured work can be optimised away. */
let sink = 0;

function engineRound(): number {
  let count = 0;
  const started = performance.now();
  const deadline = started + ROUND_MS;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1_000; i++) {
      const quote = priceAllFormulas(tariff, INPUTS[i % INPUTS.length]!);
      sink += quote[3]!.monthlyCents;
    }
    count += 1_000;
  }
  return count / ((performance.now() - started) / 1000);
}

function benchEngine() {
  for (let i = 0; i < WARMUP_ROUNDS; i++) engineRound();
  const rounds: number[] = [];
  for (let i = 0; i < ENGINE_ROUNDS; i++) rounds.push(engineRound());
  const quotesPerSecond = Math.round(median(rounds));
  const goal: GoalReport = {
    id: "engine-quotes-per-second",
    description: `tariff engine ≥ ${GOALS.quotesPerSecond.toLocaleString("en")} quotes/s (family of four, four formulas) on one core`,
    measured: quotesPerSecond,
    target: GOALS.quotesPerSecond,
    unit: "times",
    errors: 0,
    pass: quotesPerSecond >= GOALS.quotesPerSecond,
  };
  return { quotesPerSecond, rounds: rounds.map(Math.round), goal };
}

// ---------------------------------------------------------------------------------------------
// 2. HTTP

type Database = { mode: "pglite" } | { mode: "postgresql"; name: string; url: string; drop(): Promise<void> };

async function benchHttp(timing: ReturnType<typeof timingFromFlags>, database: Database) {
  console.log(`\nStarting Bascule (production build, ${database.mode === "pglite" ? "PGlite" : `PostgreSQL database ${database.name}`}, fresh data directory, demo seed)…`);
  const bascule = await startBascule(database.mode === "postgresql" ? { databaseUrl: database.url } : {});
  try {
    console.log(`ready in ${(bascule.readyMs / 1000).toFixed(1)} s at ${bascule.origin}`);
    const body = new URLSearchParams({
      postcode: "83000",
      startDate: START,
      memberBirthDate: `${year - 42}-03-14`,
      spouseBirthDate: `${year - 40}-11-02`,
      "children[0].birthDate": `${year - 10}-06-21`,
      "children[1].birthDate": `${year - 7}-01-30`,
      priorities: "optique",
      _action: "compute",
      [HONEYPOT_FIELD]: "",
    }).toString();
    const headers = { "Content-Type": "application/x-www-form-urlencoded", Origin: bascule.origin, Accept: "text/html" };
    // The family's F2 total (58 + 58 + 22 + 22 € = 160 €) proves the answer is a real computation.
    const check = await fetch(`${bascule.origin}/devis`, { method: "POST", headers, body });
    const html = (await check.text()).replace(/[\u00a0\u202f]/g, " ");
    if (check.status !== 200 || !html.includes("160,00 €")) throw new Error(`POST /devis answered ${check.status} without the expected F2 total`);

    const scenarios: { id: string; title: string; request: string; target: LoadTarget }[] = [
      { id: "home", title: "public home", request: "GET /", target: { url: `${bascule.origin}/`, connections: CONNECTIONS, isSuccess: (s) => s === 200 } },
      {
        id: "devis",
        title: "/devis submission",
        request: "POST /devis.data (as the browser sends it: family of four, four formulas, nothing saved)",
        target: { url: `${bascule.origin}/devis.data`, connections: CONNECTIONS, method: "POST", headers, body, isSuccess: (s) => s === 200 },
      },
      {
        id: "devis-document",
        title: "/devis without JS",
        request: "POST /devis (no JavaScript: the same computation, whole page rendered)",
        target: { url: `${bascule.origin}/devis`, connections: CONNECTIONS, method: "POST", headers, body, isSuccess: (s) => s === 200 },
      },
    ];
    const runs = new Map<string, RunResult[]>(scenarios.map((s) => [s.id, []]));
    for (let round = 1; round <= HTTP_ROUNDS; round++) {
      for (const scenario of scenarios) {
        const result = await measure(scenario.target, timing);
        bascule.assertAlive();
        runs.get(scenario.id)!.push(result);
        console.log(`round ${round}/${HTTP_ROUNDS}  ${scenario.title.padEnd(18)} ${formatRun(result)}`);
      }
    }
    const homeMedian = median(runs.get("home")!.map((r) => r.reqPerSec));
    const reports = scenarios.map((s) => summarize({ id: s.id, title: s.title, request: s.request, connections: CONNECTIONS }, runs.get(s.id)!, homeMedian));
    const goals = reports
      .filter((r) => r.id !== "home")
      .map(
        (r): GoalReport => ({
          id: `${r.id}-p99-ms`,
          description: `${r.title} p99 ≤ ${GOALS.p99Ms} ms at ${CONNECTIONS} connections`,
          measured: r.median.p99Ms,
          target: GOALS.p99Ms,
          unit: "ms",
          errors: r.errors,
          pass: r.median.p99Ms <= GOALS.p99Ms && r.errors === 0,
        }),
      );
    const home = reports.find((r) => r.id === "home")!;
    return { database: database.mode, readyMs: bascule.readyMs, scenarios: reports, homeP99Ms: home.median.p99Ms, goals };
  } finally {
    await bascule.stop();
    if (database.mode === "postgresql") await database.drop();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const timing = timingFromFlags(flags);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(`Quotes benchmark. ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadavgAtStart.join(" ")}.`);

  const engine = benchEngine();
  console.log(`\nTariff engine: ${engine.quotesPerSecond.toLocaleString("en")} quotes/s (median of ${ENGINE_ROUNDS} rounds; rounds ${Math.min(...engine.rounds).toLocaleString("en")}–${Math.max(...engine.rounds).toLocaleString("en")})`);

  let database: Database = { mode: "pglite" };
  let skipped: string | undefined;
  if (flags.postgres && !flags["engine-only"]) {
    const created = await createBenchDatabase();
    if ("unavailable" in created) {
      skipped = `PostgreSQL unreachable: ${created.unavailable}`;
      console.log(`\n${skipped}; /devis not measured`);
    } else database = { mode: "postgresql", ...created };
  }
  const http = flags["engine-only"] || skipped ? null : await benchHttp(timing, database);
  if (http) {
    console.log("\nmedians over the rounds; latencies in ms; × baseline = median req/s ÷ public home median req/s\n");
    console.log(formatTable(http.scenarios));
    for (const r of http.scenarios.filter((s) => s.id !== "home")) {
      console.log(`${r.title}: ${(r.ratioToBaseline * 100).toFixed(1)} % of the public home page's throughput, p99 ${r.median.p99Ms} ms against the home page's ${http.homeP99Ms} ms`);
    }
  }
  const goals = [engine.goal, ...(http ? http.goals : [])];
  console.log(`\n${formatGoals(goals).replace(/: (\d+)\.0×/, (_, n: string) => `: ${Number(n).toLocaleString("en")} quotes/s`)}`);

  // PostgreSQL figures get their own file so that the PGlite figures (the default) stay side by side.
  const file = await writeResult(flags.postgres ? "quotes-postgresql-latest.json" : "quotes-latest.json", {
    benchmark: "quotes",
    startedAt,
    finishedAt: new Date(),
    git: gitState(),
    machine: { ...machine, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    settings: { engineRounds: ENGINE_ROUNDS, roundMs: ROUND_MS, warmupRounds: WARMUP_ROUNDS, httpRounds: HTTP_ROUNDS, connections: CONNECTIONS, database: database.mode, ...timing },
    ...(skipped ? { skipped } : {}),
    engine: { quotesPerSecond: engine.quotesPerSecond, rounds: engine.rounds, sink },
    http,
    goals,
  });
  console.log(`\nResults written: ${file}`);
}

await runBenchmark(main, "stopping the server");
