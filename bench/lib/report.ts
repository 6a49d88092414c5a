import type { RunResult } from "./load";

/*
 * Turns the raw runs into what the README promises: medians over the rounds, ratios to the
 * baseline measured in the same run, the goals, and a table for humans.
 */

export type ScenarioReport = {
  id: string;
  title: string;
  request: string;
  connections: number;
  median: { reqPerSec: number; p50Ms: number; p99Ms: number };
  /** Median req/s of this scenario divided by the median req/s of the baseline of the same run. */
  ratioToBaseline: number;
  errors: number;
  runs: RunResult[];
};

export type GoalReport = {
  id: string;
  description: string;
  measured: number;
  target: number;
  /** ratio: shown as a percentage; times: a multiple (10 → "10.0×"). */
  unit: "ratio" | "times" | "ms";
  /** Errors of the scenario the value comes from. */
  errors: number;
  pass: boolean;
};

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function summarize(
  scenario: { id: string; title: string; request: string; connections: number },
  runs: RunResult[],
  baselineReqPerSec: number,
): ScenarioReport {
  const reqPerSec = median(runs.map((r) => r.reqPerSec));
  return {
    id: scenario.id,
    title: scenario.title,
    request: scenario.request,
    connections: scenario.connections,
    median: { reqPerSec: round(reqPerSec, 1), p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: median(runs.map((r) => r.p99Ms)) },
    ratioToBaseline: round(reqPerSec / baselineReqPerSec, 4),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    runs,
  };
}

/** The foundation goals. A figure obtained while the scenario had errors does not count as met. */
export function evaluateGoals(scenarios: readonly ScenarioReport[]): GoalReport[] {
  const home = scenarios.find((s) => s.id === "home")!;
  const dashboard = scenarios.find((s) => s.id === "dashboard")!;
  return [
    {
      id: "home-throughput-ratio",
      description: "public home req/s ≥ 10 % of baseline",
      measured: home.ratioToBaseline,
      target: 0.1,
      unit: "ratio",
      errors: home.errors,
      pass: home.ratioToBaseline >= 0.1 && home.errors === 0,
    },
    {
      id: "dashboard-p99-ms",
      description: `member dashboard p99 ≤ 100 ms at ${dashboard.connections} connections`,
      measured: dashboard.median.p99Ms,
      target: 100,
      unit: "ms",
      errors: dashboard.errors,
      pass: dashboard.median.p99Ms <= 100 && dashboard.errors === 0,
    },
  ];
}

export function formatRun(r: RunResult): string {
  return `${r.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50Ms).padStart(4)} ms  p99 ${String(r.p99Ms).padStart(4)} ms  ${r.errors} errors`;
}

export function formatTable(scenarios: readonly ScenarioReport[]): string {
  const header = ["scenario", "conns", "req/s", "p50 ms", "p99 ms", "× baseline", "errors", "req/s per run"];
  const rows = scenarios.map((s) => [
    s.title,
    String(s.connections),
    s.median.reqPerSec.toFixed(1),
    String(s.median.p50Ms),
    String(s.median.p99Ms),
    s.ratioToBaseline.toFixed(3),
    String(s.errors),
    s.runs.map((r) => r.reqPerSec.toFixed(0)).join(" / "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatGoals(goals: readonly GoalReport[]): string {
  const shown = (g: GoalReport) =>
    g.unit === "ratio" ? `${(g.measured * 100).toFixed(1)} %` : g.unit === "times" ? `${g.measured.toFixed(1)}×` : `${g.measured} ms`;
  return goals
    .map((g) => `${g.pass ? "PASS" : "FAIL"}  ${g.description}: ${shown(g)}${g.errors > 0 ? ` (with ${g.errors} errors)` : ""}`)
    .join("\n");
}
