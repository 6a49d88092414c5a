import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { ACTORS, signIn } from "./support/client";
import { crawl, type CrawlResult } from "./support/crawl";
import { driveWritePaths, type Written } from "./support/write-paths";
import { REPO_ROOT, startServer } from "./support/server";
import { routeTable } from "./route-access";

/*
 * One production server for the whole security suite, on a fresh PostgreSQL database seeded with
 * the demo data: the actors sign in once, the main write paths are driven once (so that the pages
 * with an id have something to show, and the dump check has secrets to look for), then every page
 * each actor can reach is crawled for its links and forms.
 */

export type SecurityContext = {
  baseUrl: string;
  pid: number;
  logFile: string;
  databaseUrl: string;
  dataDir: string;
  encryptionKeys: string;
  blindIndexKey: string;
  sessions: Record<string, string>;
  crawl: CrawlResult;
  written: Written;
  reportDir: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    security: SecurityContext;
  }
}

export const SECURITY_PORT = Number(process.env.SECURITY_PORT ?? 3307);

export default async function setup(project: TestProject) {
  const started = Date.now();
  const adminUrl = process.env.SECURITY_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `bascule_security_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const reportDir = process.env.CI_REPORT_DIR ?? path.join(REPO_ROOT, ".security-reports");
  fs.mkdirSync(reportDir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(REPO_ROOT, ".security-data-"));
  const encryptionKeys = `sec1:${randomBytes(32).toString("base64")}`;
  const blindIndexKey = randomBytes(32).toString("base64");
  const server = await startServer({
    port: SECURITY_PORT,
    dataDir,
    databaseUrl,
    logFile: path.join(reportDir, "security-server.log"),
    env: { BASCULE_ENCRYPTION_KEYS: encryptionKeys, BASCULE_BLIND_INDEX_KEY: blindIndexKey },
  });

  let result: CrawlResult;
  try {
    const sessions: Record<string, string> = {};
    for (const actor of ACTORS) sessions[actor.name] = (await signIn(server.baseUrl, actor)).cookie;
    const written = await driveWritePaths(server.baseUrl, sessions, dataDir);
    const patterns = routeTable().map((r) => r.pattern);
    result = { urls: {}, forms: [], pages: 0 };
    for (const actor of ACTORS) {
      const kind = actor.role === null ? "anonymous" : actor.role === "MEMBER" ? "member" : "staff";
      await crawl(server.baseUrl, { actor: actor.name, cookie: sessions[actor.name]! }, kind, patterns, result);
    }
    project.provide("security", {
      baseUrl: server.baseUrl,
      pid: server.pid,
      logFile: server.logFile,
      databaseUrl,
      dataDir,
      encryptionKeys,
      blindIndexKey,
      sessions,
      crawl: result,
      written,
      reportDir,
    });
    console.log(`security suite: server ready, ${ACTORS.length} actors signed in, ${result.pages} pages crawled, ${result.forms.length} forms found (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    await server.stop();
    throw error;
  }

  return async () => {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  };
}
