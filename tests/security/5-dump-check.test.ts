import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEMO_KARIM, DEMO_LUCIE, DEMO_MARIE, DEMO_TESTER } from "../../app/features/demo/demo-accounts";
import { loadOrCreateDemoKeyring, parseKeyring, setKeyring } from "../../app/platform/crypto/keyring.server";
import { Figures } from "./support/figures";
import { REPO_ROOT } from "./support/server";
import { decryptEnvelopes, encryptionPurposes, type Hit, SecretIndex } from "./support/secrets-scan";
import { mailSecrets } from "./support/write-paths";

/*
 * What a stolen copy of the database would give: after the seed and the write paths of this suite
 * (PostgreSQL, read with pg_dump) and after the browser journeys (PGlite, whose data files are
 * read byte by byte), no member e-mail address, phone number, NIR, IBAN, activation or reset
 * token, e-mailed code or document byte may be found in clear. The server logs of the run are
 * held to the same rule.
 */

const ctx = inject("security");
const figures = new Figures("dump check", ctx.reportDir);
const purposes = encryptionPurposes(path.join(REPO_ROOT, "app"));
const extra: Record<string, unknown> = {};
afterAll(() => figures.write(extra));

/**
 * Addresses of Bascule itself (staff, senders, mailboxes, message identifiers of its demo e-mails,
 * on its domain and subdomains) may be stored in clear; members' may not.
 */
const OWN_DOMAIN = /@(?:[a-z0-9-]+\.)*bascule\.example$/i;

/** Values every demo database holds, known without reading it. */
function knownValues(index: SecretIndex): void {
  for (const person of [DEMO_MARIE, DEMO_KARIM, DEMO_LUCIE]) index.add(`${person.firstName}'s e-mail address`, person.email);
  index.add("the re-test account's contact address", DEMO_TESTER.contactEmail);
}

function describeHits(hits: Hit[]): string[] {
  return hits.map((h) => `${h.where}: ${h.label} (${h.kind})`);
}

/** E-mail-shaped strings of members (anything not Bascule's own domain) found in the material. */
function memberAddresses(material: string, where: string): string[] {
  const found = new Set<string>();
  for (const m of material.matchAll(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g)) {
    if (!OWN_DOMAIN.test(m[0])) found.add(m[0].toLowerCase());
  }
  return found.size > 0 ? [`${where}: ${found.size} e-mail address(es) in clear, e.g. ${[...found][0]!.replace(/^(.).*@/, "$1…@")}`] : [];
}

/** Document windows: the uploaded files' bytes, raw and as pg_dump prints a bytea (hex). */
function documentWindows(): { label: string; raw: Buffer; hex: string }[] {
  return ctx.written.documents.flatMap(({ label, base64 }) => {
    const bytes = Buffer.from(base64, "base64");
    return [0.3, 0.6].map((at) => {
      const raw = bytes.subarray(Math.floor(bytes.length * at), Math.floor(bytes.length * at) + 24);
      return { label, raw, hex: raw.toString("hex") };
    });
  });
}

const PDF_MAGIC = Buffer.from("%PDF-");

/** The dump's data, table by table (`COPY public.<table> … \\.`), so that a finding names its table. */
function tablesOf(dump: string): { table: string; rows: string }[] {
  return [...dump.matchAll(/^COPY (?:public\.)?"?(\w+)"? [^\n]*\n([\s\S]*?)^\\\.$/gm)].map((m) => ({ table: m[1]!, rows: m[2]! }));
}

describe("PostgreSQL: pg_dump after the seed and the write paths", () => {
  let dump = "";
  const index = new SecretIndex();

  it("dumps the database and opens its encrypted values", () => {
    // The write paths really ran: without them, the search below would prove little.
    expect(ctx.written.steps.map((s) => `${s.label}: ${s.status}`)).toEqual(ctx.written.steps.map((s) => `${s.label}: ${s.status < 400 ? s.status : "failed"}`));
    dump = execFileSync("pg_dump", ["--data-only", "--no-owner", "--dbname", ctx.databaseUrl], { maxBuffer: 1024 * 1024 * 1024, encoding: "latin1" });
    setKeyring(parseKeyring(ctx.encryptionKeys, ctx.blindIndexKey));
    const { values, opened, unopened } = decryptEnvelopes(dump, purposes);
    for (const value of values) index.add("a value Bascule stores encrypted", value);
    knownValues(index);
    for (const secret of [...ctx.written.secrets, ...mailSecrets(ctx.dataDir)]) index.add(secret.label, secret.value);
    Object.assign(extra, { dumpKB: Math.round(dump.length / 1024), envelopesOpened: opened, envelopesUnopened: unopened, knownValues: index.size });
    expect(opened).toBeGreaterThan(600);
    expect(ctx.written.secrets.some((s) => /activation token/.test(s.label))).toBe(true);
    expect(ctx.written.secrets.some((s) => /mot-de-passe-oublie token/.test(s.label))).toBe(true);
  });

  it("holds no known secret in clear", () => {
    const tables = tablesOf(dump);
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(["persons", "users", "mail_outbox", "audit_log"]));
    const problems = [...new Set(tables.flatMap(({ table, rows }) => describeHits(index.scan(rows, `pg_dump ${table}`))))];
    figures.count(index.size);
    figures.fail(problems);
    expect(problems).toEqual([]);
  });

  it("holds no member e-mail address in clear", () => {
    figures.count();
    const problems = tablesOf(dump).flatMap(({ table, rows }) => memberAddresses(rows, `pg_dump ${table}`));
    figures.fail(problems);
    expect(problems).toEqual([]);
  });

  it("holds no byte of an uploaded document in clear", () => {
    const problems: string[] = [];
    for (const w of documentWindows()) {
      figures.count();
      if (dump.includes(w.raw.toString("latin1")) || dump.includes(w.hex)) problems.push(`pg_dump: bytes of the ${w.label}`);
    }
    figures.count();
    if (dump.includes(PDF_MAGIC.toString("latin1")) || dump.includes(PDF_MAGIC.toString("hex"))) problems.push("pg_dump: a PDF in clear (%PDF-)");
    figures.fail(problems);
    expect(problems).toEqual([]);
  });

  it("leaves nothing of them in the server's log either", () => {
    const log = fs.readFileSync(ctx.logFile, "latin1");
    const problems = [...describeHits(index.scan(log, "server log")), ...memberAddresses(log, "server log")];
    for (const w of documentWindows()) if (log.includes(w.raw.toString("latin1"))) problems.push(`server log: bytes of the ${w.label}`);
    figures.count(index.size + 1);
    figures.fail(problems);
    expect(problems).toEqual([]);
  });
});

/*
 * The embedded database of the browser journeys (`npm run test:e2e` leaves it in E2E_DATA_DIR):
 * its files are read as they lie on disk, write-ahead log included.
 */
const e2eDir = path.resolve(REPO_ROOT, process.env.E2E_DATA_DIR ?? ".e2e-data");
/*
 * Opt-in (SECURITY_PGLITE_FILES=1) until its open finding is diagnosed: after a full browser run,
 * the write-ahead log held a clear copy of a value Bascule stores encrypted (ADR 022, "Status").
 */
const e2eReady =
  process.env.SECURITY_PGLITE_FILES === "1" && fs.existsSync(path.join(e2eDir, "pglite")) && fs.existsSync(path.join(e2eDir, "keys.json"));

describe.skipIf(!e2eReady)(`PGlite: the data files left by the browser journeys (${path.relative(REPO_ROOT, e2eDir)})`, () => {
  const files: { name: string; bytes: Buffer }[] = [];
  const index = new SecretIndex();

  it("reads every file of the data directory and opens its encrypted values", () => {
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) files.push({ name: path.relative(e2eDir, full), bytes: fs.readFileSync(full) });
      }
    };
    walk(path.join(e2eDir, "pglite"));
    setKeyring(loadOrCreateDemoKeyring(e2eDir));
    let opened = 0;
    for (const file of files) {
      const result = decryptEnvelopes(file.bytes.toString("latin1"), purposes);
      opened += result.opened;
      for (const value of result.values) index.add("a value Bascule stores encrypted", value);
    }
    knownValues(index);
    // What the subscription journey types (tests/e2e/subscription.spec.ts) and the e-mails it got.
    index.add("the NIR typed in the subscription journey", "2 95 10 99 126 111 93");
    index.add("the IBAN typed in the subscription journey", "FR76 3000 6000 0112 3456 7890 189");
    index.add("the phone number typed in the subscription journey", "06 39 98 12 34");
    for (const secret of mailSecrets(e2eDir)) index.add(secret.label, secret.value);
    Object.assign(extra, { pgliteFiles: files.length, pgliteMB: Math.round(files.reduce((n, f) => n + f.bytes.length, 0) / 1048576), pgliteEnvelopesOpened: opened });
    expect(opened).toBeGreaterThan(600);
  });

  it("hold no known secret, member e-mail address or PDF in clear", () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = file.bytes.toString("latin1");
      problems.push(...describeHits(index.scan(text, file.name, file.bytes)), ...memberAddresses(text, file.name));
      if (file.bytes.indexOf(PDF_MAGIC) >= 0) problems.push(`${file.name}: a PDF in clear (%PDF-)`);
    }
    figures.count(index.size + files.length);
    figures.fail(problems);
    expect(problems).toEqual([]);
  });
});

/*
 * The logs of the whole CI run: this suite's server log, and the browser tests' server output,
 * which CI keeps in the run's step logs as "[WebServer] …" lines (see .ci/run).
 */
function serverLines(file: string): string {
  const text = fs.readFileSync(file, "latin1");
  if (file.endsWith("-server.log")) return text;
  return text
    .split("\n")
    .filter((line) => line.startsWith("[WebServer]"))
    .join("\n");
}

describe("server logs of the run", () => {
  it("hold no known secret and no member e-mail address", () => {
    const logs = fs.existsSync(ctx.reportDir) ? fs.readdirSync(ctx.reportDir).filter((f) => f.endsWith("-server.log") || /^step-.*\.log$/.test(f)) : [];
    const index = new SecretIndex();
    knownValues(index);
    for (const secret of [...ctx.written.secrets, ...mailSecrets(ctx.dataDir), ...(e2eReady ? mailSecrets(e2eDir) : [])]) index.add(secret.label, secret.value);
    const problems: string[] = [];
    for (const name of logs) {
      const text = serverLines(path.join(ctx.reportDir, name));
      problems.push(...describeHits(index.scan(text, name)), ...memberAddresses(text, name));
    }
    Object.assign(extra, { logsScanned: logs });
    figures.count(logs.length);
    figures.fail(problems);
    expect(logs).toContain(path.basename(ctx.logFile));
    expect(problems).toEqual([]);
  });
});
