import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseLockedError } from "~/platform/db/lock.server";
import { openDatabase } from "~/platform/db/client.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bascule-lock-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))("embedded database lock", () => {
  it("refuses a second opening of the same data directory, in this process and in another", async () => {
    const dataDir = path.join(dir, "pglite");
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DatabaseLockedError);

    const script = `
      import { openDatabase } from "./app/platform/db/client.server.ts";
      try { await openDatabase({ dataDir: ${JSON.stringify(dataDir)} }); console.log("OPENED"); process.exit(0); }
      catch (e) { console.log(e.name + ": " + e.message); process.exit(3); }
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: process.cwd(),
      encoding: "utf8",
      env: { ...process.env, LOG_LEVEL: "silent" },
    });
    expect(child.status).toBe(3);
    expect(child.stdout).toContain("DatabaseLockedError");
    expect(child.stdout).toContain(`process ${process.pid}`);

    await first.close();
    const again = await openDatabase({ dataDir });
    await again.ping();
    await again.close();
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const dataDir = path.join(dir, "stale");
    fs.writeFileSync(`${dataDir}.lock`, "999999");
    const handle = await openDatabase({ dataDir });
    await handle.close();
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
