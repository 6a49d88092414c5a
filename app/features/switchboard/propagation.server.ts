// Over 400 lines: the propagation agent is one state machine (LISTEN, poll, heartbeat) whose parts share its connection and applied version.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { and, asc, eq, gte, isNull, lt, sql } from "drizzle-orm";
import pg from "pg";
import type { Logger } from "pino";
import type { DatabaseHandle, Db } from "~/platform/db/client.server";
import { switchboardInstances } from "~/platform/db/schema";
import { logger as processLogger } from "~/platform/observability/logger.server";
import { currentVersion, ensureServiceRows, loadServiceStatuses } from "./store.server";
import type { SwitchboardSnapshot } from "./types";

/*
 * Propagation of the switchboard to every instance (ADR 005). Each instance holds the snapshot in
 * memory and evaluates it synchronously; the agent keeps it current:
 * - LISTEN on `bascule_switchboard` (a dedicated PostgreSQL connection, re-established with
 *   backoff when it drops; PGlite delivers the same notifications in process). The use-case that
 *   changes services calls pg_notify with the new version, delivered at commit;
 * - a poll of the current version every `pollIntervalMs`, which covers a lost notification or a
 *   broken LISTEN connection, and whose every success confirms that the snapshot is fresh;
 * - a heartbeat and the applied version in `switchboard_instances`, so that whoever made a change
 *   can wait until every live instance enforces it.
 * Loads are serialised and never replace the snapshot with a lower version.
 */

export const SWITCHBOARD_CHANNEL = "bascule_switchboard";
/** An instance whose heartbeat is older than this is no longer counted as live. */
export const LIVE_WITHIN_MS = 15_000;

const DEFAULT_POLL_INTERVAL_MS = 2_000;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
const RECONNECT_BASE_DELAY_MS = 250;
const RECONNECT_MAX_DELAY_MS = 10_000;
/** Rows of instances silent for this long are deleted when an instance starts. */
const FORGET_INSTANCES_AFTER_MS = 7 * 24 * 3_600_000;

export type SwitchboardInstance = typeof switchboardInstances.$inferSelect;

export type SwitchboardAgent = {
  instanceId: string;
  /** The snapshot to enforce: synchronous, no I/O, never throws. */
  snapshot(): SwitchboardSnapshot;
  /** Reloads the snapshot now (after a change made by this instance, in tests). Rejects if the load fails. */
  refresh(): Promise<void>;
  /** Stops listening and polling and marks the instance stopped. Never rejects. */
  stop(): Promise<void>;
};

export type SwitchboardAgentOptions = {
  handle: DatabaseHandle;
  /** Defaults to `<hostname>:<pid>:<random>`. */
  instanceId?: string;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** False: poll only, no LISTEN (comparisons and tests of the fallback). Default true. */
  listen?: boolean;
  logger?: Logger;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** Called synchronously each time a higher version has been applied. */
  onApply?: (snapshot: SwitchboardSnapshot) => void;
};

/** Parses a notification payload; anything but a positive integer means "something changed". */
function announcedVersion(payload: string | undefined): number {
  const version = Number(payload);
  return Number.isSafeInteger(version) && version > 0 ? version : Number.POSITIVE_INFINITY;
}

function errorMessage(err: unknown): string {
  const root = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return root instanceof Error ? root.message : String(root);
}

/**
 * Loads the switchboard, registers this instance and keeps the snapshot current until stop().
 * Rejects if the first load or the registration fails (the instance cannot enforce anything);
 * a LISTEN connection that cannot be opened is retried in the background while polling covers.
 */
export async function startSwitchboardAgent(options: SwitchboardAgentOptions): Promise<SwitchboardAgent> {
  const { handle } = options;
  const db = handle.db;
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = (options.logger ?? processLogger).child({ component: "switchboard", instanceId });

  await ensureServiceRows(db);
  const loadStartedAt = now();
  const initial = await loadServiceStatuses(db);
  let current: SwitchboardSnapshot = Object.freeze({ version: initial.version, services: initial.services, confirmedAt: loadStartedAt });
  let appliedAtMs = now();

  const startedAt = new Date(appliedAtMs);
  await db.delete(switchboardInstances).where(lt(switchboardInstances.heartbeatAt, new Date(appliedAtMs - FORGET_INSTANCES_AFTER_MS)));
  await writeInstanceRow();

  let stopped = false;
  const background = new Set<Promise<unknown>>();
  /** Keeps track of work to wait for at stop(); its failures are logged, never thrown. */
  function track(work: Promise<unknown>, failure: string): void {
    const tracked = work.catch((err: unknown) => log.warn({ err: { message: errorMessage(err) } }, failure));
    background.add(tracked);
    void tracked.finally(() => background.delete(tracked));
  }

  // Instances write their own row: heartbeat, and the applied version, which only ever grows
  // (a heartbeat and a record of a newer version may reach the database in either order).
  function writeInstanceRow(): Promise<unknown> {
    const values = {
      id: instanceId,
      hostname: os.hostname(),
      pid: process.pid,
      startedAt,
      heartbeatAt: new Date(now()),
      appliedVersion: current.version,
      appliedAt: new Date(appliedAtMs),
    };
    const row = switchboardInstances;
    return db
      .insert(row)
      .values(values)
      .onConflictDoUpdate({
        target: row.id,
        set: {
          heartbeatAt: values.heartbeatAt,
          appliedAt: sql`case when ${values.appliedVersion} > ${row.appliedVersion} then ${values.appliedAt} else ${row.appliedAt} end`,
          appliedVersion: sql`greatest(${row.appliedVersion}, ${values.appliedVersion})`,
        },
      });
  }

  function confirm(askedAt: number): void {
    if (askedAt > current.confirmedAt) current = Object.freeze({ ...current, confirmedAt: askedAt });
  }

  async function load(): Promise<void> {
    const askedAt = now();
    const loaded = await loadServiceStatuses(db);
    if (loaded.version < current.version) {
      // Never roll back. Left unconfirmed, the snapshot goes stale and fail-safes apply.
      log.warn({ databaseVersion: loaded.version, appliedVersion: current.version }, "switchboard database version is lower than the applied snapshot");
      return;
    }
    if (loaded.version === current.version) {
      confirm(askedAt);
      return;
    }
    const previous = current.version;
    current = Object.freeze({ version: loaded.version, services: loaded.services, confirmedAt: Math.max(askedAt, current.confirmedAt) });
    appliedAtMs = now();
    log.info({ version: current.version, previous }, "switchboard snapshot applied");
    try {
      options.onApply?.(current);
    } catch (err) {
      log.warn({ err: { message: errorMessage(err) } }, "switchboard onApply callback failed");
    }
    if (!stopped) track(writeInstanceRow(), "could not record the applied switchboard version");
  }

  // One load at a time; a request made during a load is served by one more load after it.
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  function reload(): Promise<void> {
    if (!running) {
      running = load().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return reload();
      });
    return queued;
  }

  function onAnnounce(payload: string | undefined): void {
    if (stopped || announcedVersion(payload) <= current.version) return;
    track(reload(), "switchboard reload after a notification failed");
  }

  // Poll: never overlaps itself; kickPoll() asks for one as soon as possible (after a reconnection).
  let pollTimer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let kickedWhilePolling = false;
  let pollFailing = false;
  async function poll(): Promise<void> {
    const askedAt = now();
    try {
      const version = await currentVersion(db);
      if (pollFailing) log.info("switchboard poll recovered");
      pollFailing = false;
      if (version > current.version) await reload();
      else if (version === current.version) confirm(askedAt);
    } catch (err) {
      if (!pollFailing) log.warn({ err: { message: errorMessage(err) } }, "switchboard poll failed: the snapshot is no longer confirmed");
      pollFailing = true;
    }
  }
  function schedulePoll(delayMs: number): void {
    if (stopped) return;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => {
      pollTimer = undefined;
      if (stopped || polling) return;
      polling = poll().finally(() => {
        polling = undefined;
        const again = kickedWhilePolling;
        kickedWhilePolling = false;
        schedulePoll(again ? 0 : pollIntervalMs);
      });
    }, delayMs);
    pollTimer.unref();
  }
  function kickPoll(): void {
    if (polling) kickedWhilePolling = true;
    else schedulePoll(0);
  }

  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeatFailing = false;
  function scheduleHeartbeat(): void {
    if (stopped) return;
    heartbeatTimer = setTimeout(() => {
      heartbeatTimer = undefined;
      if (stopped) return;
      const beat = writeInstanceRow().then(
        () => {
          if (heartbeatFailing) log.info("switchboard heartbeat recovered");
          heartbeatFailing = false;
        },
        (err: unknown) => {
          if (!heartbeatFailing) log.warn({ err: { message: errorMessage(err) } }, "switchboard heartbeat failed");
          heartbeatFailing = true;
        },
      );
      track(beat.then(scheduleHeartbeat), "switchboard heartbeat failed");
    }, heartbeatIntervalMs);
    heartbeatTimer.unref();
  }

  let unlisten: () => Promise<void> = async () => undefined;
  if (options.listen ?? true) {
    if (handle.pglite) {
      unlisten = await handle.pglite.listen(SWITCHBOARD_CHANNEL, onAnnounce);
    } else if (handle.pool) {
      const listener = startPostgresListener(handle.pool, { log, onAnnounce, onConnected: kickPoll });
      await listener.ready;
      unlisten = listener.close;
    }
  }

  // The first poll, right away, covers a change committed between the first load and LISTEN.
  schedulePoll(0);
  scheduleHeartbeat();
  log.info({ version: current.version, pollIntervalMs, heartbeatIntervalMs }, "switchboard agent started");

  let stopping: Promise<void> | undefined;
  return {
    instanceId,
    snapshot: () => current,
    refresh: () => reload(),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(pollTimer);
        clearTimeout(heartbeatTimer);
        await unlisten().catch((err: unknown) => log.warn({ err: { message: errorMessage(err) } }, "switchboard unlisten failed"));
        await Promise.allSettled([polling, running, queued]);
        await Promise.allSettled([...background]);
        await db
          .update(switchboardInstances)
          .set({ stoppedAt: new Date(now()) })
          .where(eq(switchboardInstances.id, instanceId))
          .then(
            () => log.info({ version: current.version }, "switchboard agent stopped"),
            (err: unknown) => log.warn({ err: { message: errorMessage(err) } }, "could not mark the switchboard instance stopped"),
          );
      })();
      return stopping;
    },
  };
}

type PostgresListener = { ready: Promise<void>; close(): Promise<void> };

/**
 * LISTEN on a dedicated connection (a pooled one would be handed to other queries). When it
 * breaks, it is reopened after a growing delay (0.25 s doubled up to 10 s, with jitter) for as
 * long as the agent runs; every (re)connection asks for a poll, to catch what was announced while
 * no connection was listening. `ready` settles after the first attempt, successful or not.
 */
function startPostgresListener(
  pool: pg.Pool,
  hooks: { log: Logger; onAnnounce: (payload: string | undefined) => void; onConnected: () => void },
): PostgresListener {
  const { log } = hooks;
  const config: pg.ClientConfig = {
    ...pool.options,
    application_name: `${pool.options.application_name ?? "bascule"}-switchboard`,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  function scheduleReconnect(): void {
    if (closed) return;
    failures++;
    const window = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** Math.min(failures - 1, 10));
    const delay = Math.round(window / 2 + Math.random() * (window / 2));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connecting = connect();
    }, delay);
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    const candidate = new pg.Client(config);
    let broken = false;
    const onBroken = (err: unknown) => {
      if (broken) return;
      broken = true;
      if (client === candidate) client = undefined;
      candidate.end().catch(() => undefined);
      if (closed) return;
      log.warn({ err: { message: errorMessage(err) }, failures: failures + 1 }, "switchboard LISTEN connection lost: polling covers until it is back");
      scheduleReconnect();
    };
    // Without an 'error' listener, a dropped connection would crash the process.
    candidate.on("error", onBroken);
    candidate.on("end", () => onBroken(new Error("connection ended")));
    candidate.on("notification", (message) => {
      if (message.channel === SWITCHBOARD_CHANNEL) hooks.onAnnounce(message.payload);
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${SWITCHBOARD_CHANNEL}`);
    } catch (err) {
      onBroken(err);
      return;
    }
    if (broken) return;
    if (closed) {
      broken = true;
      await candidate.end().catch(() => undefined);
      return;
    }
    if (failures > 0) log.info({ failures }, "switchboard LISTEN connection re-established");
    failures = 0;
    client = candidate;
    hooks.onConnected();
  }

  connecting = connect();
  return {
    ready: connecting,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await connecting;
      const open = client;
      client = undefined;
      if (open) await open.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The agent of this process, for enforcement and loaders.

let processAgent: SwitchboardAgent | undefined;

export function setSwitchboardAgent(agent: SwitchboardAgent | undefined): void {
  processAgent = agent;
}

/** The snapshot of this process's agent. Throws if the agent was not started at boot. */
export function switchboardSnapshot(): SwitchboardSnapshot {
  if (!processAgent) throw new Error("Switchboard agent not started: call startSwitchboardAgent() at boot");
  return processAgent.snapshot();
}

// ---------------------------------------------------------------------------------------------
// Waiting for every live instance.

/** Instances that are running: not stopped, heartbeat within `liveWithinMs` of `now` (epoch ms). */
export async function liveInstances(db: Db, now: number, liveWithinMs: number = LIVE_WITHIN_MS): Promise<SwitchboardInstance[]> {
  return db
    .select()
    .from(switchboardInstances)
    .where(and(isNull(switchboardInstances.stoppedAt), gte(switchboardInstances.heartbeatAt, new Date(now - liveWithinMs))))
    .orderBy(asc(switchboardInstances.startedAt), asc(switchboardInstances.id));
}

export type PropagationResult = {
  applied: SwitchboardInstance[];
  missing: SwitchboardInstance[];
  timedOut: boolean;
};

/**
 * Waits until every live instance has applied `version`. Liveness is re-evaluated at each check:
 * an instance that died (no more heartbeat) is reported missing until its heartbeat is older
 * than `liveWithinMs`, then no longer waited for. With no live instance, resolves at once.
 */
export async function waitForPropagation(
  db: Db,
  options: { version: number; timeoutMs?: number; pollMs?: number; liveWithinMs?: number },
): Promise<PropagationResult> {
  const { version, timeoutMs = 10_000, pollMs = 100, liveWithinMs = LIVE_WITHIN_MS } = options;
  const deadline = Date.now() + timeoutMs;
  const maxChecks = Math.ceil(timeoutMs / pollMs) + 1;
  for (let check = 1; ; check++) {
    const live = await liveInstances(db, Date.now(), liveWithinMs);
    const applied = live.filter((instance) => instance.appliedVersion >= version);
    const missing = live.filter((instance) => instance.appliedVersion < version);
    if (missing.length === 0) return { applied, missing, timedOut: false };
    if (check >= maxChecks || Date.now() + pollMs > deadline) return { applied, missing, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
