import { spawn } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEMO_STAFF } from "~/features/demo/demo-accounts";
import { onCleanup, runBenchmark } from "./lib/cleanup";
import { type LoadTarget, type RunResult, measure, timingFromFlags } from "./lib/load";
import { createBenchDatabase } from "./lib/postgres";
import { type RunningServer, startBascule, startBaselineServer } from "./lib/processes";
import { type GoalReport, type ScenarioReport, formatGoals, formatRun, formatTable, median, summarize } from "./lib/report";
import { gitState, writeResult } from "./lib/results";

/*
 * Shutter benchmark (issue 3): what a closed service costs under 100 connections. In one run,
 * rounds take turns between a bare node:http server (baseline), the open page of the
 * `activation-compte` service (GET /activation, rendered by React Router) and the same URL once
 * the service is closed with the real ops CLI (the switchboard's 503 shutter). Reopening needs
 * the back office and a second administrator, so the open and the closed page are served by two
 * identical Bascule servers, each on its own fresh PostgreSQL database. See bench/README.md.
 *
 *   npx tsx bench/switchboard-shutter.ts [--quick] [--duration 20]
 */

const ROUNDS = 3;
const CONNECTIONS = 100;
const SERVICE = "activation-compte";
const PAGE_PATH = "/activation";
const OPEN_PAGE_TEXT = "Activer mon espace adhérent";
const CLOSE_REASON = "Banc d’essai";
const CLOSE_MESSAGE = "Fermé pour mesure";
const GOALS = { timesOpenPage: 10, ratioToBaseline: 0.3, p99Ms: 20 };
const CLI_TIMEOUT_MS = 120_000;
/** Longest wait, once the CLI has returned, for the closed server to answer 503. */
const SHUTTER_WAIT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULT_FILE = "switchboard-shutter-latest.json";

/** Sent by every scenario: a browser navigating to a page, for which the shutter is an HTML page. */
const NAVIGATION_HEADERS = { Accept: "text/html,application/xhtml+xml", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };

const ADMIN_EMAIL = DEMO_STAFF.find((staff) => staff.role === "ADMIN")!.email;
const CLOSE_ARGS = ["scripts/services.ts", "close", SERVICE, "--reason", CLOSE_REASON, "--message", CLOSE_MESSAGE, "--by", ADMIN_EMAIL];
const CLOSE_COMMAND = `node --import tsx ${CLOSE_ARGS.map((arg) => (/\s/.test(arg) ? JSON.stringify(arg) : arg)).join(" ")}`;

const { values: flags } = parseArgs({
  options: { duration: { type: "string" }, quick: { type: "boolean", default: false } },
});

type Scenario = { id: string; title: string; request: string; server: RunningServer; target: LoadTarget };

async function fetchPage(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers: NAVIGATION_HEADERS, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: res.status, body: await res.text() };
}

/** Closes the service with the ops CLI, as an operator would, on the database at `databaseUrl`. */
async function closeWithCli(databaseUrl: string): Promise<{ ms: number; output: string }> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", ...CLOSE_ARGS], {
    cwd: REPO_ROOT,
    env: { ...process.env, BASCULE_ENV: "demo", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = onCleanup("services CLI", async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (output += chunk));
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  await stop();
  if (code !== 0) {
    const why = signal === "SIGKILL" ? `killed after ${CLI_TIMEOUT_MS / 1000} s` : `exit code ${code ?? signal}`;
    throw new Error(`${CLOSE_COMMAND} failed (${why}). Output:\n${output.trim() || "(none)"}`);
  }
  return { ms: Math.round(performance.now() - startedAt), output: output.trim() };
}

/** Polls the closed server until the page is the shutter (503 with the public message). */
async function waitForShutter(url: string): Promise<{ bytes: number }> {
  const deadline = Date.now() + SHUTTER_WAIT_MS;
  for (;;) {
    const page = await fetchPage(url);
    if (page.status === 503) {
      if (!page.body.includes(CLOSE_MESSAGE)) throw new Error(`the shutter at ${url} does not show the public message "${CLOSE_MESSAGE}"`);
      return { bytes: Buffer.byteLength(page.body) };
    }
    if (Date.now() > deadline) throw new Error(`GET ${url} still answers ${page.status}, not 503, ${SHUTTER_WAIT_MS / 1000} s after the CLI returned`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function checkOpenPage(url: string): Promise<{ bytes: number }> {
  const page = await fetchPage(url);
  if (page.status !== 200) throw new Error(`GET ${url} answered ${page.status} instead of 200`);
  if (!page.body.includes(OPEN_PAGE_TEXT)) throw new Error(`GET ${url} does not contain "${OPEN_PAGE_TEXT}"`);
  return { bytes: Buffer.byteLength(page.body) };
}

/**
 * Only the shutter's errors disqualify a goal: the open page and the baseline are references, and
 * the open page's timeouts (it saturates at 100 connections) are already counted against the
 * shutter in `timesOpenPage`.
 */
function evaluateGoals(shutter: ScenarioReport, timesOpenPage: number): GoalReport[] {
  return [
    {
      id: "shutter-times-open-page",
      description: `shutter req/s ≥ ${GOALS.timesOpenPage}× the open page`,
      measured: timesOpenPage,
      target: GOALS.timesOpenPage,
      unit: "times",
      errors: shutter.errors,
      pass: timesOpenPage >= GOALS.timesOpenPage && shutter.errors === 0,
    },
    {
      id: "shutter-throughput-ratio",
      description: `shutter req/s ≥ ${GOALS.ratioToBaseline * 100} % of baseline`,
      measured: shutter.ratioToBaseline,
      target: GOALS.ratioToBaseline,
      unit: "ratio",
      errors: shutter.errors,
      pass: shutter.ratioToBaseline >= GOALS.ratioToBaseline && shutter.errors === 0,
    },
    {
      id: "shutter-p99-ms",
      description: `shutter p99 ≤ ${GOALS.p99Ms} ms at ${CONNECTIONS} connections`,
      measured: shutter.median.p99Ms,
      target: GOALS.p99Ms,
      unit: "ms",
      errors: shutter.errors,
      pass: shutter.median.p99Ms <= GOALS.p99Ms && shutter.errors === 0,
    },
  ];
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const timing = timingFromFlags(flags);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const settings = {
    ...timing,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    order: "each round: baseline, open page, shutter",
    service: SERVICE,
    path: PAGE_PATH,
    requestHeaders: NAVIGATION_HEADERS,
    closedWith: CLOSE_COMMAND,
  };
  const git = gitState();
  const estimate = ROUNDS * 3 * (timing.warmupSeconds + timing.durationSeconds);
  console.log(
    `Switchboard shutter benchmark: ${ROUNDS} rounds × 3 runs × (${timing.warmupSeconds} s warm-up + ${timing.durationSeconds} s) at ${CONNECTIONS} connections, ` +
      `about ${(estimate / 60).toFixed(1)} min of load plus boots. ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadavgAtStart.join(" ")}.`,
  );

  const skip = async (reason: string) => {
    console.log(`PostgreSQL unavailable, benchmark skipped: ${reason}`);
    console.log(`Result written: ${await writeResult(RESULT_FILE, { benchmark: "switchboard-shutter", startedAt, git, machine, settings, skipped: reason })}`);
  };
  const openDatabase = await createBenchDatabase();
  if ("unavailable" in openDatabase) return skip(openDatabase.unavailable);
  const closedDatabase = await createBenchDatabase();
  if ("unavailable" in closedDatabase) return skip(closedDatabase.unavailable);

  const baseline = await startBaselineServer();
  console.log(`\nstarting two Bascule servers on PostgreSQL (${openDatabase.name}, ${closedDatabase.name}): migrations, demo seed…`);
  const [open, closed] = await Promise.all([startBascule({ databaseUrl: openDatabase.url }), startBascule({ databaseUrl: closedDatabase.url })]);
  console.log(`ready in ${(open.readyMs / 1000).toFixed(1)} s and ${(closed.readyMs / 1000).toFixed(1)} s`);
  const openUrl = `${open.origin}${PAGE_PATH}`;
  const closedUrl = `${closed.origin}${PAGE_PATH}`;
  await checkOpenPage(closedUrl);
  const openPage = await checkOpenPage(openUrl);

  console.log(`closing ${SERVICE} on ${closedDatabase.name} with the ops CLI…`);
  const cli = await closeWithCli(closedDatabase.url);
  const cliReturnedAt = performance.now();
  const shutterPage = await waitForShutter(closedUrl);
  const shutterSeenMs = Math.round(performance.now() - cliReturnedAt);
  console.log(`${cli.output.split("\n").map((line) => `  | ${line}`).join("\n")}`);
  console.log(`CLI done in ${(cli.ms / 1000).toFixed(1)} s; GET ${PAGE_PATH} answered 503 ${shutterSeenMs} ms after it returned`);
  // The other server, on its own database, must still serve the open page.
  await checkOpenPage(openUrl);

  const target = (url: string, success: number): LoadTarget => ({
    url,
    connections: CONNECTIONS,
    headers: NAVIGATION_HEADERS,
    isSuccess: (status) => status === success,
  });
  const scenarios: Scenario[] = [
    {
      id: "baseline",
      title: "baseline (node:http)",
      request: `GET / (static ${(baseline.pageBytes / 1024).toFixed(1)} KB page)`,
      server: baseline,
      target: target(`${baseline.origin}/`, 200),
    },
    { id: "open", title: "open page", request: `GET ${PAGE_PATH} (service open: 200)`, server: open, target: target(openUrl, 200) },
    { id: "shutter", title: "shutter", request: `GET ${PAGE_PATH} (service closed: 503)`, server: closed, target: target(closedUrl, 503) },
  ];
  const runs = new Map<string, RunResult[]>(scenarios.map((s) => [s.id, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      const result = await measure(scenario.target, timing);
      scenario.server.assertAlive();
      runs.get(scenario.id)!.push(result);
      console.log(`round ${round}/${ROUNDS}  ${scenario.title.padEnd(20)} ${formatRun(result)}`);
    }
  }
  await Promise.all([open.stop(), closed.stop(), baseline.stop()]);

  const baselineMedian = median(runs.get("baseline")!.map((r) => r.reqPerSec));
  const [baselineReport, openReport, shutterReport] = scenarios.map((s) =>
    summarize({ id: s.id, title: s.title, request: s.request, connections: s.target.connections }, runs.get(s.id)!, baselineMedian),
  ) as [ScenarioReport, ScenarioReport, ScenarioReport];
  // Requests to the open page that timed out are counted as if they had been answered within the
  // run: that can only raise the open page's req/s, hence only lower the shutter's multiple.
  const openReqPerSecWithTimeouts = median(runs.get("open")!.map((r) => r.reqPerSec + r.timeouts / timing.durationSeconds));
  const timesOpenPage = Number((shutterReport.median.reqPerSec / openReqPerSecWithTimeouts).toFixed(2));
  const goals = evaluateGoals(shutterReport, timesOpenPage);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

  console.log(`\npage sizes: baseline ${kb(baseline.pageBytes)}, open page ${kb(openPage.bytes)}, shutter ${kb(shutterPage.bytes)}`);
  console.log("medians over the rounds; latencies in ms; × baseline = median req/s ÷ baseline median req/s\n");
  console.log(formatTable([baselineReport, openReport, shutterReport]));
  console.log(
    `\nshutter ÷ open page: ${timesOpenPage.toFixed(1)}× (median req/s; the open page's ${openReport.runs.reduce((sum, r) => sum + r.timeouts, 0)} ` +
      `timed-out requests counted as answered: ${openReqPerSecWithTimeouts.toFixed(1)} req/s)`,
  );
  console.log(`\n${formatGoals(goals)}`);

  const file = await writeResult(RESULT_FILE, {
    benchmark: "switchboard-shutter",
    startedAt,
    finishedAt: new Date(),
    git,
    machine: { ...machine, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    settings,
    servers: {
      open: { database: openDatabase.name, readyMs: open.readyMs },
      closed: { database: closedDatabase.name, readyMs: closed.readyMs, cliMs: cli.ms, shutterSeenMsAfterCli: shutterSeenMs },
    },
    pageBytes: { baseline: baseline.pageBytes, open: openPage.bytes, shutter: shutterPage.bytes },
    scenarios: [baselineReport, openReport, shutterReport],
    openReqPerSecWithTimeouts: Number(openReqPerSecWithTimeouts.toFixed(1)),
    shutterTimesOpenPage: timesOpenPage,
    goals,
  });
  console.log(`\nResults written: ${file}`);
  console.log(`Total time: ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
}

await runBenchmark(main, "stopping the servers and dropping the bench databases");
