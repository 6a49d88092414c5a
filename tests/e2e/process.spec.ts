import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

/*
 * The server process itself: a second process on the same embedded database is refused clearly,
 * SIGTERM drains and closes the database, and the data survives a restart.
 */
const PORT = 3190;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bascule-process-"));
test.afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function startServer(port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["server.js"], {
    env: { ...process.env, PORT: String(port), BASCULE_DATA_DIR: dataDir, LOG_LEVEL: "warn", BASCULE_ENV: "demo" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitReady(port: number) {
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not become ready");
}

test("one process per embedded database, clean shutdown on SIGTERM, data kept across restarts", async () => {
  test.setTimeout(180_000);
  const first = startServer(PORT);
  await waitReady(PORT);
  expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(true);

  const second = startServer(PORT + 1);
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain("already open in process");

  first.child.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);

  const again = startServer(PORT);
  await waitReady(PORT);
  const login = await fetch(`http://127.0.0.1:${PORT}/connexion`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: `http://127.0.0.1:${PORT}` },
    body: "email=marie.dupont%40exemple.fr&password=bascule-demo-2026",
    redirect: "manual",
  });
  expect(login.status).toBe(302);
  again.child.kill("SIGTERM");
  expect(await again.exited).toBe(0);
});
