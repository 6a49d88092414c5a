import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DEMO_MARIE, DEMO_MEMBER_NUMBERS, DEMO_PASSWORD } from "~/features/demo/demo-accounts";
import { logIn } from "./lib/bascule-client";
import { onCleanup, runBenchmark } from "./lib/cleanup";
import { createBenchDatabase } from "./lib/postgres";
import { startBascule } from "./lib/processes";
import { median } from "./lib/report";
import { gitState, writeResult } from "./lib/results";
import { parisDateOf } from "~/platform/time/paris";
import { pdfDocument } from "../tests/support/documents";

/*
 * End-to-end online claim submission: 20 members, each signed in with their own session, file GP
 * claims with a 300 KB PDF invoice (and an 8 KB Sécu statement) through the form's upload endpoint (multipart, the progress-bar
 * path) of the production build on PostgreSQL: body limit, parsing, file inspection, encryption,
 * engine, claim + lines + documents + timeline + audit + e-mail in one transaction. Each member
 * sends one claim after the other (a closed loop), so 20 claims are in flight at any time.
 *
 * Baseline, in the same run and rounds: a bare node:http server receiving the same 300 KB
 * multipart upload and answering a small JSON, i.e. what moving the bytes costs on this machine.
 * Reference: the same submission by one member alone (no queue), the cost of one claim.
 *
 *   npm run build && npx tsx bench/claims-submit.ts             # 3 rounds of 3 s warm-up + 15 s
 *   npx tsx bench/claims-submit.ts --quick                      # 3 rounds of 1 s + 5 s
 */

const MEMBERS = 20;
const ROUNDS = 3;
const INVOICE_BYTES = 300 * 1024;
const GOAL_P99_MS = 200;

async function startBaseline(): Promise<{ origin: string; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), ["--baseline-child"], { stdio: "inherit", execArgv: process.execArgv });
  const stop = onCleanup("baseline server", async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { port: number }));
    child.once("exit", () => reject(new Error("the baseline server exited before listening")));
  });
  return { origin: `http://127.0.0.1:${port}`, stop };
}

/** A well-formed PDF invoice of about 300 KB, unique per claim (its hash must not repeat). */
function invoice(): Uint8Array {
  return pdfDocument(randomUUID(), INVOICE_BYTES);
}

/** The Sécu statement that goes with it: a small PDF (an ameli statement is a few KB). */
function statement(): Uint8Array {
  return pdfDocument(`décompte ${randomUUID()}`, 8 * 1024);
}

type Member = { cookie: string; beneficiaryId: string };

function claimForm(member: Member, sequence: number): FormData {
  const form = new FormData();
  const fields: Record<string, string> = {
    idempotencyKey: randomUUID(),
    intent: "submit",
    beneficiaryId: member.beneficiaryId,
    category: "GP",
    careDate: parisDateOf(new Date(Date.now() - ((sequence % 300) + 1) * 86_400_000)),
    providerName: `Dr Banc ${sequence}`,
    providerOptam: "oui",
    realCost: "30,00",
    secuCovered: "oui",
    secuBase: "30,00",
    secuRate: "70",
    secuPaid: "19,00",
    invoiceNumber: `BENCH-${sequence}`,
  };
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("invoice", new Blob([invoice() as BlobPart], { type: "application/pdf" }), "facture.pdf");
  form.set("secuStatement", new Blob([statement() as BlobPart], { type: "application/pdf" }), "decompte.pdf");
  return form;
}

type Run = { requests: number; errors: number; statusCodes: Record<string, number>; p50Ms: number; p99Ms: number; reqPerSec: number };

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let sequence = 0;

/** 20 closed loops for `seconds`: each waits for its answer before sending the next claim. */
async function load(url: string, members: readonly Member[], seconds: number, expected: number): Promise<Run> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    members.map(async (member) => {
      while (performance.now() < until) {
        const body = claimForm(member, sequence++);
        const started = performance.now();
        try {
          const res = await fetch(url, { method: "POST", body, headers: { Cookie: member.cookie, Origin: new URL(url).origin, Accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
          await res.arrayBuffer();
          latencies.push(performance.now() - started);
          statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
          if (res.status !== expected) errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    statusCodes,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    reqPerSec: Number((latencies.length / seconds).toFixed(1)),
  };
}

/** Gives 20 seeded members without an account one (Marie's password hash) and signs each of them in. */
async function prepareMembers(databaseUrl: string, origin: string): Promise<Member[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; email: string }>(
      `insert into users (email, role, display_name, person_id, password_hash, password_changed_at)
       select lower('banc.' || p.member_number || '@exemple.fr'), 'MEMBER', p.first_name || ' ' || p.last_name, p.id,
              (select password_hash from users where email = $1), now()
         from persons p
        where p.role = 'MEMBER' and p.member_number <> all($3) and not exists (select 1 from users u where u.person_id = p.id)
        order by p.member_number
        limit $2
       returning person_id as id, email`,
      [DEMO_MARIE.email, MEMBERS, Object.values(DEMO_MEMBER_NUMBERS)],
    );
    if (rows.length < MEMBERS) throw new Error(`only ${rows.length} members without an account in the seed`);
    const members: Member[] = [];
    for (const row of rows) members.push({ cookie: await logIn(origin, { email: row.email, password: DEMO_PASSWORD }), beneficiaryId: row.id });
    return members;
  } finally {
    await client.end();
  }
}

async function outcomes(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: number }>(`select status, count(*)::int as n from claims where invoice_number like 'BENCH-%' group by status`);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    await client.end();
  }
}

async function main(quick: boolean): Promise<void> {
  const startedAt = new Date();
  const timing = quick ? { warmupSeconds: 1, durationSeconds: 5 } : { warmupSeconds: 3, durationSeconds: 15 };
  const machine = { cpus: os.cpus().length, node: process.version, loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))) };
  console.log(`Claims submission benchmark: ${MEMBERS} members, ${INVOICE_BYTES / 1024} KB invoice, ${ROUNDS} rounds × (${timing.warmupSeconds} s + ${timing.durationSeconds} s). ${machine.cpus} CPUs, load ${machine.loadavgAtStart.join(" ")}.`);

  const database = await createBenchDatabase();
  if ("unavailable" in database) {
    console.log(`PostgreSQL unreachable, skipped: ${database.unavailable}`);
    await writeResult("claims-submit-latest.json", { benchmark: "claims-submit", startedAt, machine, skipped: database.unavailable });
    return;
  }
  const baseline = await startBaseline();
  const bascule = await startBascule({ databaseUrl: database.url });
  console.log(`Bascule ready on PostgreSQL in ${(bascule.readyMs / 1000).toFixed(1)} s`);
  const members = await prepareMembers(database.url, bascule.origin);
  console.log(`${members.length} members signed in`);

  const submitUrl = `${bascule.origin}/espace/remboursements/nouveau/envoi`;
  const targets = [
    { id: "baseline", title: "baseline: node:http receives the upload", url: `${baseline.origin}/upload`, expected: 201, members },
    { id: "submit", title: "claim filed (POST /espace/remboursements/nouveau/envoi)", url: submitUrl, expected: 201, members },
    // One member alone: what a claim costs when nothing waits in line (reference, not the goal).
    { id: "single", title: "claim filed, 1 member alone", url: submitUrl, expected: 201, members: members.slice(0, 1) },
  ];
  const runs = new Map<string, Run[]>(targets.map((t) => [t.id, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) {
      await load(target.url, target.members, timing.warmupSeconds, target.expected);
      const run = await load(target.url, target.members, timing.durationSeconds, target.expected);
      bascule.assertAlive();
      runs.get(target.id)!.push(run);
      console.log(`round ${round}/${ROUNDS}  ${target.id.padEnd(8)}  ${run.reqPerSec} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  ${run.errors} errors  ${JSON.stringify(run.statusCodes)}`);
    }
  }
  const statuses = await outcomes(database.url);
  await bascule.stop();
  await baseline.stop();
  await database.drop();

  const summary = targets.map((t) => {
    const r = runs.get(t.id)!;
    return {
      id: t.id,
      title: t.title,
      concurrentMembers: t.members.length,
      median: { reqPerSec: median(r.map((x) => x.reqPerSec)), p50Ms: median(r.map((x) => x.p50Ms)), p99Ms: median(r.map((x) => x.p99Ms)) },
      errors: r.reduce((s, x) => s + x.errors, 0),
      runs: r,
    };
  });
  const submit = summary.find((s) => s.id === "submit")!;
  const base = summary.find((s) => s.id === "baseline")!;
  const goal = { description: `p99 ≤ ${GOAL_P99_MS} ms at ${MEMBERS} concurrent members`, measured: submit.median.p99Ms, pass: submit.median.p99Ms <= GOAL_P99_MS && submit.errors === 0 };
  console.log("\nmedians over the rounds");
  for (const s of summary) console.log(`  ${s.title.padEnd(58)} ${String(s.median.reqPerSec).padStart(7)} req/s  p50 ${s.median.p50Ms} ms  p99 ${s.median.p99Ms} ms  ${s.errors} errors`);
  console.log(`  submit p50 ÷ baseline p50: ${(submit.median.p50Ms / base.median.p50Ms).toFixed(1)}×`);
  console.log(`  claims filed by the benchmark, by status: ${JSON.stringify(statuses)}`);
  console.log(`\n${goal.pass ? "PASS" : "FAIL"}  ${goal.description}: ${goal.measured} ms${submit.errors ? ` (with ${submit.errors} errors)` : ""}`);
  const file = await writeResult("claims-submit-latest.json", {
    benchmark: "claims-submit",
    startedAt,
    finishedAt: new Date(),
    git: gitState(),
    machine: { ...machine, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    settings: { members: MEMBERS, invoiceBytes: INVOICE_BYTES, rounds: ROUNDS, ...timing, database: "postgresql" },
    readyMs: bascule.readyMs,
    scenarios: summary,
    claimsByStatus: statuses,
    goal,
  });
  console.log(`Result written: ${file}`);
}

if (process.argv.includes("--baseline-child")) {
  // The baseline server: reads the whole upload, then answers like the endpoint does.
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => {
      const body = JSON.stringify({ kind: "filed", bytes });
      res.writeHead(201, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as { port: number }).port }));
  process.on("disconnect", () => process.exit(0));
} else {
  const { values: flags } = parseArgs({ options: { quick: { type: "boolean", default: false }, "baseline-child": { type: "boolean", default: false } } });
  await runBenchmark(() => main(Boolean(flags.quick)), "stopping the servers and dropping the bench database");
}
