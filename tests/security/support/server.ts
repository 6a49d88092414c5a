import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/*
 * The portal as it runs in production: `node server.js` serving the production build (run
 * `npm run build` first), seeded with the demo data set, its output kept in a log file that the
 * dump check scans afterwards.
 */

export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export type ServerOptions = {
  port: number;
  dataDir: string;
  logFile: string;
  /** PostgreSQL database; without it the embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  env?: Record<string, string>;
};

export type RunningServer = {
  pid: number;
  baseUrl: string;
  logFile: string;
  stop(): Promise<void>;
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const build = path.join(REPO_ROOT, "build", "server", "index.js");
  if (!fs.existsSync(build)) throw new Error(`No production build at ${build}: run \`npm run build\` first.`);
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, "a");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    BASCULE_ENV: "demo",
    LOG_LEVEL: "info",
    PORT: String(options.port),
    HOST: "127.0.0.1",
    PUBLIC_ORIGIN: `http://localhost:${options.port}`,
    BASCULE_DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, ["server.js"], { cwd: REPO_ROOT, env, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://localhost:${options.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`The server exited (${child.exitCode}) before it was ready; see ${options.logFile}:\n${tail(options.logFile)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The server was not ready within 120 s; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    pid: child.pid!,
    baseUrl,
    logFile: options.logFile,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

/** Resident memory of a process, in bytes, read from `/proc/<pid>/status` (VmRSS). */
export function residentBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
