// Sums the JSON reports of every Vitest and Playwright run of CI into one closing line, and names
// what failed: the failing tests with the first lines of their messages, and every step that
// ended in error (with the end of its log when it left no report to explain it). CI output is
// often read from its tail only, so everything needed to diagnose a red run is printed here.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

const firstLines = (text, n = 6) =>
  String(text ?? "")
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .slice(0, n)
    .map((line) => `      ${line}`)
    .join("\n");

function walkPlaywright(suite, file) {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status === "unexpected" || test.status === "flaky") {
        const result = (test.results ?? []).find((r) => r.status !== "passed") ?? {};
        failures.push(`${spec.file ?? file}: ${spec.title} (${test.status})\n${firstLines(result.error?.message)}`);
      }
    }
  }
  for (const child of suite.suites ?? []) walkPlaywright(child, suite.file ?? file);
}

const reports = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
for (const file of reports) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  if (file.startsWith("vitest-")) {
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const suite of report.testResults ?? []) {
      const rel = path.relative(process.cwd(), suite.name ?? "");
      for (const test of suite.assertionResults ?? []) {
        if (test.status === "failed") failures.push(`${file}: ${rel} › ${test.fullName}\n${firstLines(test.failureMessages?.[0])}`);
      }
      // A file that failed to load has no assertion results, only a message.
      if (suite.status === "failed" && !(suite.assertionResults ?? []).some((t) => t.status === "failed")) {
        failed += 1;
        failures.push(`${file}: ${rel} (file failed)\n${firstLines(suite.message)}`);
      }
    }
  } else if (report.stats) {
    passed += report.stats.expected ?? 0;
    failed += (report.stats.unexpected ?? 0) + (report.stats.flaky ?? 0);
    skipped += report.stats.skipped ?? 0;
    for (const suite of report.suites ?? []) walkPlaywright(suite, suite.file);
  }
}

// Steps recorded by .ci/run: "<exit code>\t<name>\t<log file>" per line.
const stepsFile = path.join(dir, "steps.tsv");
const failedSteps = fs.existsSync(stepsFile)
  ? fs
      .readFileSync(stepsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t"))
      .filter(([code]) => code !== "0")
  : [];

if (failures.length > 0) {
  console.log(`Failed tests (${failures.length}):`);
  for (const failure of failures) console.log(`  - ${failure}`);
}
for (const [code, name, log] of failedSteps) {
  console.log(`Step failed: ${name} (exit ${code})`);
  if (failures.length === 0 && log && fs.existsSync(log)) {
    const lines = fs.readFileSync(log, "utf8").split("\n");
    console.log(firstLines(lines.slice(-40).join("\n"), 40));
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
