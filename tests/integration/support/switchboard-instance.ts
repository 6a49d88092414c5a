/*
 * One app instance, as far as the switchboard is concerned: opens the PostgreSQL database of
 * SWITCHBOARD_DATABASE_URL (already migrated by the parent), starts a switchboard agent and
 * prints one JSON line on stdout when it is ready, then one each time it applies a higher
 * version. Used by the propagation test and benchmark (`node --import tsx <this file>`).
 *
 *   {"ready":true,"instanceId":"…","version":3,"pid":1234}
 *   {"version":4,"appliedAtMs":1764370000123.4}
 *
 * `appliedAtMs` is wall-clock time (performance.timeOrigin + performance.now()), comparable with
 * the parent's on the same machine. Settings: SWITCHBOARD_INSTANCE_ID, SWITCHBOARD_POLL_MS,
 * SWITCHBOARD_HEARTBEAT_MS, SWITCHBOARD_LISTEN ("false" for poll only). Stops cleanly on SIGTERM
 * or when its stdin closes (the parent is gone); logs go to stderr.
 */
import pino from "pino";
import { startSwitchboardAgent } from "~/features/switchboard/propagation.server";
import { openDatabase } from "~/platform/db/client.server";

const databaseUrl = process.env.SWITCHBOARD_DATABASE_URL;
if (!databaseUrl) throw new Error("SWITCHBOARD_DATABASE_URL is required");
const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

const handle = await openDatabase({ databaseUrl, poolSize: 3, applicationName: "bascule-switchboard-instance" });
const agent = await startSwitchboardAgent({
  handle,
  ...(process.env.SWITCHBOARD_INSTANCE_ID ? { instanceId: process.env.SWITCHBOARD_INSTANCE_ID } : {}),
  pollIntervalMs: positive("SWITCHBOARD_POLL_MS", 2_000),
  heartbeatIntervalMs: positive("SWITCHBOARD_HEARTBEAT_MS", 5_000),
  listen: process.env.SWITCHBOARD_LISTEN !== "false",
  logger: pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2)),
  onApply(snapshot) {
    process.stdout.write(`${JSON.stringify({ version: snapshot.version, appliedAtMs: performance.timeOrigin + performance.now() })}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ ready: true, instanceId: agent.instanceId, version: agent.snapshot().version, pid: process.pid })}\n`);

// The agent's timers do not keep a process alive: this one does, until asked to stop.
const keepAlive = setInterval(() => undefined, 60_000);
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(keepAlive);
  await agent.stop();
  await handle.close();
}
process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
process.stdin.on("end", () => void stop().then(() => process.exit(0)));
process.stdin.resume();
