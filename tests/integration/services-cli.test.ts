import { loadOrCreateDemoKeyring, setKeyring } from "~/platform/crypto/keyring.server";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SwitchboardAgent, startSwitchboardAgent } from "~/features/switchboard/propagation.server";
import { ensureServiceRows } from "~/features/switchboard/store.server";
import { type Db, openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { auditLog, switchboardInstances, switchboardServices } from "~/platform/db/schema";
import { createUser } from "./support/fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

/*
 * `npm run services` as an operator runs it: a child process against the configured database —
 * a fresh PostgreSQL database with TEST_DATABASE_URL (with a switchboard agent running in this
 * process, as a server would), otherwise an embedded PGlite data directory that nothing else
 * holds open (PGlite is single-process).
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bascule-services-cli-"));
const pgliteDir = path.join(dataDir, "pglite");

let database: TestDatabase | undefined;
let agent: SwitchboardAgent | undefined;
let adminEmail = "";
let adminId = "";
let memberEmail = "";

/** Runs `work` on the database the CLI uses; with PGlite, opens it only for that long. */
async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  if (database) return work(database.db);
  const handle = await openDatabase({ dataDir: pgliteDir });
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

type Run = { code: number; stdout: string; stderr: string };

function services(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, BASCULE_DATA_DIR: dataDir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  if (database) env.DATABASE_URL = String(database.pool!.options.connectionString);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/services.ts", ...args],
      { cwd: process.cwd(), env, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 2) : 0, stdout, stderr }),
    );
  });
}

const stateOf = (key: string) =>
  withDb(async (db) => (await db.select().from(switchboardServices).where(eq(switchboardServices.key, key)))[0]!.state);

// Each run is a new Node process compiling the CLI and opening the database: seconds apiece.
describe(`npm run services (${onPostgres ? "PostgreSQL" : "PGlite, server stopped"})`, { timeout: 180_000 }, () => {
  beforeAll(async () => {
    if (onPostgres) {
      database = await createTestDatabase();
    } else {
      const handle = await openDatabase({ dataDir: pgliteDir });
      await applyMigrations(handle, afterMigrate);
      await handle.close();
    }
    // The CLI reads the demo keys of its data directory: addresses are written under the same ones.
    setKeyring(loadOrCreateDemoKeyring(dataDir));
    await withDb(async (db) => {
      await ensureServiceRows(db);
      const admin = await createUser(db, { role: "ADMIN" });
      adminEmail = admin.email;
      adminId = admin.id;
      memberEmail = (await createUser(db, { role: "CLAIMS_HANDLER" })).email;
    });
    if (database) agent = await startSwitchboardAgent({ handle: database, logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await agent?.stop();
    await database?.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("closes a service and its dependents, audited as cli:<admin>, and waits for the instances", async () => {
    const run = await services("close", "devis-en-ligne", "--reason", "Incident tarif", "--by", adminEmail, "--until", "2099-01-01T12:00:00Z");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/devis-en-ligne\s+ouvert → fermé/);
    expect(run.stdout).toMatch(/adhesion-en-ligne\s+ouvert → fermé\s+\(dépend de devis-en-ligne\)/);
    expect(run.stdout).toContain("Les services « Devis en ligne » et « Adhésion en ligne » sont temporairement fermés.");
    if (onPostgres) expect(run.stdout).toContain("Appliqué sur 1/1 instances.");
    else expect(run.stdout).toContain("Aucune instance en service");

    expect(await stateOf("devis-en-ligne")).toBe("CLOSED");
    expect(await stateOf("adhesion-en-ligne")).toBe("CLOSED");
    const entries = await withDb((db) => db.select().from(auditLog).where(eq(auditLog.actorUserId, adminId)));
    expect(entries.map((e) => e.targetId)).toEqual(expect.arrayContaining(["devis-en-ligne", "adhesion-en-ligne"]));
    expect(entries.every((e) => e.actorUserId !== null)).toBe(true);
    // The CLI seals what it recorded before exiting: no server may be running to do it.
    expect(entries.every((e) => e.seq !== null && e.hash !== null)).toBe(true);
  });

  it("shows services and instances with status", async () => {
    const run = await services("status");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/clé\s+état\s+depuis\s+version\s+message\s+retour prévu/);
    expect(run.stdout).toMatch(/devis-en-ligne\s+fermé/);
    expect(run.stdout).toMatch(/formulaire-contact\s+ouvert/);
    if (onPostgres) expect(run.stdout).toContain(agent!.instanceId);
  });

  it("refuses to reopen, whatever the form, and audits the refusal", async () => {
    for (const args of [["reopen", "devis-en-ligne", "--by", adminEmail], ["rouvrir"]]) {
      const run = await services(...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("/admin/services");
      expect(run.stderr).toContain("second administrateur");
    }
    expect(await stateOf("devis-en-ligne")).toBe("CLOSED");
    const refusals = await withDb((db) =>
      db.select().from(auditLog).where(and(eq(auditLog.action, "switchboard.cli.reopen-refused"), eq(auditLog.outcome, "denied"))),
    );
    expect(refusals).toHaveLength(2);
    // The actor is the account (id and name), never its address.
    expect(refusals[0]).toMatchObject({ actorUserId: adminId, actorLabel: "cli:Camille Testeur", targetType: "service", targetId: "devis-en-ligne" });
    expect(refusals.every((e) => e.seq !== null)).toBe(true);
  });

  it("refuses a --by that is not an active administrator, and changes nothing", async () => {
    const member = await services("close", "formulaire-contact", "--reason", "Spam", "--by", memberEmail);
    expect(member.code).toBe(1);
    expect(member.stderr).toContain("n’est pas l’adresse d’un administrateur actif");
    const missing = await services("close", "formulaire-contact", "--reason", "Spam");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("--by est obligatoire");
    expect(await stateOf("formulaire-contact")).toBe("OPEN");
  });

  it("explains in French what the state machine refuses", async () => {
    const run = await services("fallback", "documents", "--reason", "Test", "--by", adminEmail);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("n’a pas de mode de secours");
    expect(await stateOf("documents")).toBe("OPEN");
  });

  it("applies a profile and exits 3, naming the instance that did not confirm in time", async () => {
    await withDb((db) =>
      db.insert(switchboardInstances).values({
        id: "instance-muette",
        hostname: "ailleurs",
        pid: 4242,
        startedAt: new Date(),
        heartbeatAt: new Date(Date.now() + 60_000),
        appliedVersion: 0,
        appliedAt: new Date(),
      }),
    );
    try {
      const run = await services("profile", "fraude-rib", "--reason", "Fraude suspectée", "--by", adminEmail, "--timeout", "1");
      expect(run.code).toBe(3);
      expect(run.stdout).toContain("Suspicion de fraude aux coordonnées bancaires");
      expect(run.stdout).toContain(`Appliqué sur ${onPostgres ? 1 : 0}/${onPostgres ? 2 : 1} instances.`);
      expect(run.stdout).toMatch(/Sans confirmation après 1 s :[\s\S]*instance-muette\s+ailleurs\s+4242/);
      expect(await stateOf("coordonnees-bancaires")).toBe("CLOSED");
      expect(await stateOf("remboursements-en-ligne")).toBe("FALLBACK");
    } finally {
      await withDb((db) => db.update(switchboardInstances).set({ stoppedAt: new Date() }).where(eq(switchboardInstances.id, "instance-muette")));
    }
  });

  it.skipIf(onPostgres)("says to stop the server when the embedded database is held by another process", async () => {
    const handle = await openDatabase({ dataDir: pgliteDir });
    try {
      const run = await services("status");
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("ne fonctionne que serveur arrêté");
      expect(run.stderr).toContain("DATABASE_URL");
    } finally {
      await handle.close();
    }
  });
});
