import { type ChildProcess, fork, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup } from "./cleanup";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;
const LOG_TAIL_LINES = 40;
const LOG_LINE_MAX_CHARS = 2_000;

export type RunningServer = {
  origin: string;
  /** Throws, with the end of the server's output, if the process is no longer running. */
  assertAlive(): void;
  stop(): Promise<void>;
};

/** A loopback port that was free a moment ago (the server binds it right after). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address() as net.AddressInfo;
  probe.close();
  await once(probe, "close");
  return address.port;
}

/** SIGTERM, then SIGKILL if the process has not exited in time (a shutdown bug worth knowing about). */
async function stopChild(child: ChildProcess, name: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    console.warn(`${name} did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM: killing it`);
    child.kill("SIGKILL");
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Forks the bare node:http baseline server and waits for the port it reports. */
export async function startBaselineServer(): Promise<RunningServer & { pageBytes: number }> {
  const child = fork(fileURLToPath(new URL("./baseline-server.ts", import.meta.url)), { stdio: "inherit" });
  const stop = onCleanup("baseline server", () => stopChild(child, "the baseline server"));
  const message = await new Promise<{ port: number; pageBytes: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { port: number; pageBytes: number }));
    child.once("exit", () => reject(new Error("the baseline server exited before listening")));
  });
  return {
    origin: `http://127.0.0.1:${message.port}`,
    pageBytes: message.pageBytes,
    assertAlive() {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error("the baseline server has exited");
    },
    stop,
  };
}

/**
 * Starts the production build (`node server.js`) on a fresh data directory and waits until
 * /readyz answers 200, which happens after migrations and the demo seed.
 */
export async function startBascule(options: { databaseUrl?: string }): Promise<RunningServer & { readyMs: number }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "bascule-bench-"));
  const removeDataDir = onCleanup("temporary data directory", () => fs.rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    BASCULE_ENV: "demo",
    SEED_ON_EMPTY: "true",
    PORT: String(port),
    HOST: "127.0.0.1",
    BASCULE_DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  // Inherited settings that would change what is measured (another database, HTTPS cookies, mail relay).
  for (const name of ["DATABASE_URL", "PUBLIC_ORIGIN", "TRUST_PROXY", "SMTP_URL", "DATABASE_POOL_SIZE"]) delete env[name];
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;

  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile (.cpuprofile) there when it exits.
  const cpuProfDir = process.env.BENCH_CPU_PROF;
  const nodeArgs = cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(cpuProfDir)] : [];
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, "server.js"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const stopServer = onCleanup("Bascule server", () => stopChild(child, "Bascule"));

  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      tail.push(...lines.filter((line) => line.length > 0).map((line) => line.slice(0, LOG_LINE_MAX_CHARS)));
      tail.splice(0, Math.max(0, tail.length - LOG_TAIL_LINES));
    });
    stream.on("end", () => {
      if (partial.length > 0) tail.push(partial.slice(0, LOG_LINE_MAX_CHARS));
    });
  }
  // Exit code 0 is server.js's clean shutdown: only a SIGTERM or SIGINT from outside leads there.
  const exitedError = () =>
    new Error(
      `Bascule exited (${child.exitCode === 0 ? "code 0: another process sent it SIGTERM or SIGINT" : `code ${child.exitCode ?? child.signalCode}`}). ` +
        `Last output:\n${tail.join("\n") || "(none)"}`,
    );

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw exitedError();
    if (Date.now() > deadline) throw new Error(`Bascule not ready after ${READY_TIMEOUT_MS / 1000} s. Last output:\n${tail.join("\n")}`);
    const status = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
      () => 0,
    );
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    origin,
    readyMs: Math.round(performance.now() - startedAt),
    assertAlive() {
      if (child.exitCode !== null || child.signalCode !== null) throw exitedError();
    },
    async stop() {
      await stopServer();
      await removeDataDir();
    },
  };
}
