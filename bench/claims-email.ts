import { randomBytes } from "node:crypto";
import { openPersonContact } from "~/platform/crypto/personal-data.server";
import os from "node:os";
import { parseArgs } from "node:util";
import { and, count, countDistinct, eq, isNotNull, sql } from "drizzle-orm";
import MailComposer from "nodemailer/lib/mail-composer";
import { pollClaimsMailbox } from "~/features/claims/email/email-intake.server";
import { seedDemoData } from "~/features/demo/seed.server";
import { parseKeyring, setKeyring } from "~/platform/crypto/keyring.server";
import { type DatabaseHandle, openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { claims, inboundClaimEmails, mailOutbox, persons } from "~/platform/db/schema";
import { claimsMailboxOpener, createImapClient, parseImapUrl, PROCESSED_KEYWORD } from "~/platform/mail/imap.server";
import { onCleanup, runBenchmark } from "./lib/cleanup";
import { createBenchDatabase } from "./lib/postgres";
import { median } from "./lib/report";
import { gitState, writeResult } from "./lib/results";
import { pdfDocument } from "../tests/support/documents";

/*
 * E-mail fallback: 1,000 messages in the claims mailbox, ingested with 0 loss and 0 duplicates
 * (issue 4). Against a real Dovecot (scripts/dovecot-test-server.sh) and PostgreSQL by default.
 *
 *   scripts/dovecot-test-server.sh start && export $(scripts/dovecot-test-server.sh env)
 *   npx tsx bench/claims-email.ts [--messages 1000] [--pollers 1] [--concurrency 4] [--pglite]
 *
 * The mailbox (a folder of its own on the IMAP server) receives, in random order: matched claims
 * with a ~60 KB PDF invoice (half of them with every figure in the body, so the engine values
 * them), unmatched messages (unknown sender, no reference, no attachment, HTML disguised as PDF)
 * and exact re-deliveries of matched messages (same Message-ID). Then:
 *  - baseline: FETCH every message's full source in UID order, by the ingestion's batch size, on
 *    one connection, with nothing else — what reading the mailbox alone costs (3 runs, median);
 *  - ingestion: the real poller (SEARCH, FETCH, parse, match, one transaction per message, mark
 *    processed), until the mailbox has nothing unprocessed.
 * Verified afterwards: every distinct message is in the database exactly once, as a claim or in
 * triage (0 loss); claims = matched distinct messages and one acknowledgement each (0 duplicates);
 * nothing is left unmarked on the server.
 */

const { values: flags } = parseArgs({
  options: {
    messages: { type: "string", default: "1000" },
    pollers: { type: "string", default: "1" },
    pglite: { type: "boolean", default: false },
    concurrency: { type: "string" },
  },
});
const TOTAL = Number(flags.messages);
const POLLERS = Number(flags.pollers);
if (!Number.isInteger(TOTAL) || TOTAL < 20) throw new Error("--messages must be a whole number ≥ 20");
if (!Number.isInteger(POLLERS) || POLLERS < 1 || POLLERS > 8) throw new Error("--pollers must be between 1 and 8");
/** Messages ingested at once per poller: 4 on PostgreSQL (what the server uses), 1 on PGlite. */
const CONCURRENCY = Number(flags.concurrency ?? (flags.pglite ? 1 : 4));
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || CONCURRENCY > 16) throw new Error("--concurrency must be between 1 and 16");
const BATCH_SIZE = 50;
const BASELINE_RUNS = 3;
/** Shares of the mix: 80 % matched, 10 % unmatched, 10 % re-deliveries of matched ones. */
const UNMATCHED = Math.round(TOTAL * 0.1);
const DUPLICATES = Math.round(TOTAL * 0.1);
const MATCHED = TOTAL - UNMATCHED - DUPLICATES;
const ORIGIN = "https://www.bascule.example";

const IMAP_URL = process.env.BENCH_IMAP_URL || process.env.IMAP_TEST_URL;

type Member = { email: string; memberNumber: string };

function pdfInvoice(): Buffer {
  return Buffer.from(pdfDocument(`facture ${randomBytes(8).toString("hex")}`, 60 * 1024));
}

async function compose(mail: { from: string; subject: string; text: string; attachments: { filename: string; content: Buffer }[] }): Promise<Buffer> {
  return new MailComposer({
    ...mail,
    to: "remboursements@bascule.example",
    messageId: `<${randomBytes(10).toString("hex")}@bench.exemple.fr>`,
  })
    .compile()
    .build();
}

const FIGURES = [
  "Date des soins : 03/03/2026",
  "Catégorie : médecin généraliste",
  "Montant payé : 30 €",
  "Remboursé par la Sécurité sociale : 19 €",
  "Base de remboursement : 30 €",
  "Taux : 70 %",
  "Médecin : Dr Martin",
].join("\n");

async function buildMailbox(members: readonly Member[]): Promise<{ raws: Buffer[]; distinct: number }> {
  const matched: Buffer[] = [];
  for (let i = 0; i < MATCHED; i += 1) {
    const m = members[i % members.length]!;
    matched.push(
      await compose({
        from: m.email,
        subject: `BAS-${m.memberNumber}`,
        text: i % 2 === 0 ? `Bonjour,\n${FIGURES}\nMerci` : "Bonjour, voici ma facture.",
        attachments: [{ filename: `facture-${i}.pdf`, content: pdfInvoice() }],
      }),
    );
  }
  const unmatched: Buffer[] = [];
  for (let i = 0; i < UNMATCHED; i += 1) {
    const m = members[i % members.length]!;
    const kind = i % 4;
    unmatched.push(
      await compose({
        from: kind === 0 ? `inconnu${i}@exemple.org` : m.email,
        subject: kind === 1 ? "Ma facture" : `BAS-${m.memberNumber}`,
        text: "Bonjour",
        attachments:
          kind === 2 ? [] : [{ filename: "facture.pdf", content: kind === 3 ? Buffer.from("<html><script>alert(1)</script></html>") : pdfInvoice() }],
      }),
    );
  }
  const duplicates = Array.from({ length: DUPLICATES }, (_, i) => matched[(i * 7) % matched.length]!);
  const raws = [...matched, ...unmatched, ...duplicates];
  // A fixed shuffle: duplicates arrive anywhere, sometimes before their original.
  for (let i = raws.length - 1; i > 0; i -= 1) {
    const j = (i * 7919 + 13) % (i + 1);
    [raws[i], raws[j]] = [raws[j]!, raws[i]!];
  }
  return { raws, distinct: MATCHED + UNMATCHED };
}

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; label: string }> {
  if (flags.pglite) {
    const handle = await openDatabase({ inMemory: true });
    onCleanup("PGlite", () => handle.close());
    return { handle, label: "PGlite (in memory)" };
  }
  const created = await createBenchDatabase();
  if ("unavailable" in created) throw new Error(`PostgreSQL unavailable (${created.unavailable}); run with --pglite`);
  const handle = await openDatabase({ databaseUrl: created.url, poolSize: 10 });
  onCleanup("pool", () => handle.close());
  return { handle, label: `PostgreSQL (${created.name})` };
}

async function main(): Promise<void> {
  if (!IMAP_URL) {
    console.log("claims-email: skipped, no IMAP server. Run scripts/dovecot-test-server.sh start and export $(scripts/dovecot-test-server.sh env).");
    await writeResult("claims-email-latest.json", { benchmark: "claims-email", skipped: "IMAP_TEST_URL (or BENCH_IMAP_URL) not set", at: new Date().toISOString() });
    return;
  }
  const loadavgAtStart = os.loadavg();
  setKeyring(parseKeyring(`bench:${randomBytes(32).toString("base64")}`, randomBytes(32).toString("base64")));
  const { handle, label } = await openBenchDatabase();
  await applyMigrations(handle, afterMigrate);
  const db = handle.db;
  console.log(`database: ${label}; seeding demo members…`);
  await seedDemoData(db, { members: 300, log: () => {} });
  const members = (
    await db
      .select({ emailEnc: persons.emailEnc, phoneEnc: persons.phoneEnc, memberNumber: persons.memberNumber })
      .from(persons)
      .where(and(eq(persons.role, "MEMBER"), isNotNull(persons.emailEnc), isNotNull(persons.memberNumber)))
  ).map((m) => ({ email: openPersonContact(m).email!, memberNumber: m.memberNumber! }));

  const path = `Bench-${randomBytes(4).toString("hex")}`;
  const url = new URL(IMAP_URL);
  url.pathname = `/${path}`;
  const client = createImapClient(parseImapUrl(url.toString()));
  client.on("error", () => {});
  await client.connect();
  await client.mailboxCreate(path);
  onCleanup(`mailbox ${path}`, async () => {
    await client.logout().catch(() => client.close());
    // Its own connection: the one above may have timed out while the ingestion ran.
    const cleaner = createImapClient(parseImapUrl(url.toString()));
    cleaner.on("error", () => {});
    await cleaner.connect();
    await cleaner.mailboxDelete(path).catch(() => undefined);
    await cleaner.logout().catch(() => cleaner.close());
  });

  console.log(`building ${TOTAL} messages (${MATCHED} matched, ${UNMATCHED} unmatched, ${DUPLICATES} re-deliveries)…`);
  const { raws, distinct } = await buildMailbox(members);
  const appendStarted = performance.now();
  for (const raw of raws) await client.append(path, raw);
  const appendMs = performance.now() - appendStarted;
  const mailboxBytes = raws.reduce((s, r) => s + r.length, 0);
  console.log(`appended in ${(appendMs / 1000).toFixed(1)} s (${(mailboxBytes / 1024 / 1024).toFixed(1)} MB)`);

  // Baseline: reading every message once, as the poller does, and nothing else.
  const baselineMs: number[] = [];
  for (let run = 0; run < BASELINE_RUNS; run += 1) {
    const lock = await client.getMailboxLock(path);
    try {
      const started = performance.now();
      const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
      let bytes = 0;
      for (let i = 0; i < uids.length; i += BATCH_SIZE) {
        const rows = await client.fetchAll(uids.slice(i, i + BATCH_SIZE), { uid: true, source: true, size: true, internalDate: true, envelope: true }, { uid: true });
        for (const r of rows) bytes += r.source?.length ?? 0;
      }
      baselineMs.push(performance.now() - started);
      if (bytes < mailboxBytes * 0.9) throw new Error(`baseline read ${bytes} bytes of ${mailboxBytes}`);
    } finally {
      lock.release();
    }
  }

  // The demo data may hold e-mail claims of its own: only the new ones are counted.
  const emailClaims = async () => Number((await db.select({ n: count() }).from(claims).where(eq(claims.channel, "EMAIL")))[0]!.n);
  const claimsBefore = await emailClaims();
  const open = claimsMailboxOpener({ url: url.toString() });
  const started = performance.now();
  const reports = await Promise.all(Array.from({ length: POLLERS }, () => pollClaimsMailbox(db, open, { origin: ORIGIN, batchSize: BATCH_SIZE, concurrency: CONCURRENCY })));
  // A message whose poller failed stays unprocessed: a last poll shows whether anything was left.
  const ingestMs = performance.now() - started;
  console.log(`ingested in ${(ingestMs / 1000).toFixed(1)} s`);
  const leftover = await pollClaimsMailbox(db, open, { origin: ORIGIN, batchSize: BATCH_SIZE });

  const total = reports.reduce(
    (a, r) => ({ fetched: a.fetched + r.fetched, claims: a.claims + r.claims, triaged: a.triaged + r.triaged, alreadyKnown: a.alreadyKnown + r.alreadyKnown, failed: a.failed + r.failed }),
    { fetched: 0, claims: 0, triaged: 0, alreadyKnown: 0, failed: 0 },
  );
  const [rows] = await db
    .select({
      rows: count(),
      distinctIds: countDistinct(inboundClaimEmails.messageId),
      claimCreated: sql<number>`count(*) filter (where ${inboundClaimEmails.status} = 'CLAIM_CREATED')`,
      triage: sql<number>`count(*) filter (where ${inboundClaimEmails.status} = 'TRIAGE')`,
      marked: sql<number>`count(*) filter (where ${inboundClaimEmails.serverMarkedAt} is not null)`,
    })
    .from(inboundClaimEmails)
    // The demo data seeds a few messages of its own (mailbox INBOX).
    .where(eq(inboundClaimEmails.mailbox, path));
  const newClaims = (await emailClaims()) - claimsBefore;
  const [linked] = await db.select({ n: countDistinct(inboundClaimEmails.claimId) }).from(inboundClaimEmails).where(eq(inboundClaimEmails.mailbox, path));
  const [acks] = await db.select({ n: count() }).from(mailOutbox).where(eq(mailOutbox.template, "claims.email-acknowledgement"));
  // A fresh connection: the first one sat idle during the ingestion.
  const checker = createImapClient(parseImapUrl(url.toString()));
  checker.on("error", () => {});
  await checker.connect();
  let unmarked: number;
  try {
    const lock = await checker.getMailboxLock(path);
    try {
      unmarked = ((await checker.search({ unKeyword: PROCESSED_KEYWORD }, { uid: true })) || []).length;
    } finally {
      lock.release();
    }
  } finally {
    await checker.logout().catch(() => checker.close());
  }

  const recorded = Number(rows!.rows);
  const loss = distinct - recorded;
  const duplicateClaims = newClaims - MATCHED;
  const checks = {
    distinctMessages: distinct,
    recorded,
    loss,
    claims: newClaims,
    claimsLinkedToMessages: Number(linked!.n),
    expectedClaims: MATCHED,
    duplicateClaims,
    claimRows: Number(rows!.claimCreated),
    triage: Number(rows!.triage),
    expectedTriage: UNMATCHED,
    acknowledgements: Number(acks!.n),
    markedInDatabase: Number(rows!.marked),
    unmarkedOnServer: unmarked,
    leftoverPoll: leftover,
  };
  const baseline = median(baselineMs);
  const perSecond = TOTAL / (ingestMs / 1000);
  const ok =
    loss === 0 &&
    duplicateClaims === 0 &&
    Number(linked!.n) === MATCHED &&
    Number(rows!.distinctIds) === recorded &&
    Number(acks!.n) === MATCHED &&
    Number(rows!.triage) === UNMATCHED &&
    unmarked === 0 &&
    leftover.fetched === 0 &&
    total.failed === 0;

  console.log("");
  console.log(`E-mail fallback — ${TOTAL} messages, ${POLLERS} poller(s) × ${CONCURRENCY} at once, batches of ${BATCH_SIZE}, ${label}`);
  console.log(`  baseline FETCH of every message: median ${(baseline / 1000).toFixed(2)} s (${baselineMs.map((m) => (m / 1000).toFixed(2)).join(" / ")}) — ${(TOTAL / (baseline / 1000)).toFixed(0)} messages/s`);
  console.log(`  ingestion: ${(ingestMs / 1000).toFixed(2)} s — ${perSecond.toFixed(1)} messages/s — ${(ingestMs / baseline).toFixed(1)} × the baseline`);
  console.log(`  outcome: ${total.claims} claims, ${total.triaged} to triage, ${total.alreadyKnown} re-deliveries recognised, ${total.failed} failures`);
  console.log(`  loss: ${loss}; duplicate claims: ${duplicateClaims}; acknowledgements: ${acks!.n}/${MATCHED}; unmarked on the server: ${unmarked}`);
  console.log(`  goal (0 loss, 0 duplicates, everything marked): ${ok ? "PASS" : "FAIL"}`);

  const file = await writeResult("claims-email-latest.json", {
    benchmark: "claims-email",
    at: new Date().toISOString(),
    git: gitState(),
    machine: { cpus: os.cpus().length, loadavgAtStart, loadavgAtEnd: os.loadavg() },
    settings: { messages: TOTAL, matched: MATCHED, unmatched: UNMATCHED, duplicates: DUPLICATES, pollers: POLLERS, concurrency: CONCURRENCY, batchSize: BATCH_SIZE, database: label, mailboxBytes },
    appendMs,
    baseline: { runsMs: baselineMs, medianMs: baseline, messagesPerSecond: TOTAL / (baseline / 1000) },
    ingestion: { ms: ingestMs, messagesPerSecond: perSecond, timesBaseline: ingestMs / baseline, reports },
    checks,
    goal: { description: "0 loss, 0 duplicates, every message marked processed", pass: ok },
  });
  console.log(`\nresults: ${file}`);
  if (!ok) process.exitCode = 1;
}

await runBenchmark(main, "removing the bench mailbox and database");
