/*
 * Whether the database can be reached, as far as this instance knows. A failure that says the
 * connection itself is gone (the server shut down or restarted, the connection was terminated,
 * refused or timed out) marks the database unavailable: requests are then answered 503 at once,
 * and a probe pings it until it answers again. Any other failure (a constraint, a bug) says
 * nothing about reachability and changes nothing.
 */

/** SQLSTATEs of a connection that is gone or refused (class 08, and the shutdown codes of 57P0x). */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** node-postgres reports some losses with a message and no code. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /cannot use a pool after calling end/i,
];

/** True when `error`, or one of its causes (Drizzle wraps driver errors), says the database cannot be reached. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (typeof current !== "object") return false;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08") || UNAVAILABLE_ERRNOS.has(code))) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (current instanceof AggregateError && current.errors.some((e) => isDatabaseUnavailableError(e))) return true;
    current = cause;
  }
  return false;
}

export type DatabaseAvailability = {
  isAvailable(): boolean;
  /**
   * Records a failed query or connection. A connectivity failure marks the database unavailable
   * until a probe succeeds; returns whether it was one.
   */
  reportFailure(error: unknown): boolean;
  /** When the database was last seen unreachable (epoch ms), null if never: a request compares it with its own start. */
  lastFailureAt(): number | null;
  stop(): void;
};

type Log = {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
};

/**
 * The tracker of one database handle. `ping` is tried every `probeIntervalMs` while the database
 * is marked unavailable; its first success makes it available again.
 */
export function createDatabaseAvailability(options: {
  ping: () => Promise<void>;
  probeIntervalMs?: number;
  logger?: Log;
  now?: () => number;
}): DatabaseAvailability {
  const { ping, probeIntervalMs = 500, logger, now = Date.now } = options;
  let available = true;
  let downSince: number | null = null;
  let lastFailure: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  /** A probe is waiting or under way: never two at once. */
  let probing = false;
  let stopped = false;

  function scheduleProbe(): void {
    if (stopped || probing) return;
    probing = true;
    timer = setTimeout(() => {
      timer = undefined;
      ping().then(
        () => {
          probing = false;
          if (stopped || available) return;
          available = true;
          logger?.info({ unavailableMs: downSince === null ? null : now() - downSince }, "database reachable again");
          downSince = null;
        },
        (err: unknown) => {
          probing = false;
          if (stopped) return;
          if (!isDatabaseUnavailableError(err)) {
            // It answered, with an error that is not about the connection: it is reachable.
            available = true;
            downSince = null;
            return;
          }
          lastFailure = now();
          scheduleProbe();
        },
      );
    }, probeIntervalMs);
    timer.unref();
  }

  return {
    isAvailable: () => available,
    lastFailureAt: () => lastFailure,
    reportFailure(error) {
      if (!isDatabaseUnavailableError(error)) return false;
      lastFailure = now();
      if (available) {
        available = false;
        downSince = lastFailure;
        const code = typeof error === "object" && error && "code" in error ? String((error as { code: unknown }).code) : undefined;
        logger?.warn({ code }, "database unreachable: requests answered 503 until it is back");
      }
      scheduleProbe();
      return true;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      probing = false;
    },
  };
}

/** A database that cannot lose its connection (embedded PGlite): always available. */
export const ALWAYS_AVAILABLE: DatabaseAvailability = Object.freeze({
  isAvailable: () => true,
  reportFailure: (error: unknown) => isDatabaseUnavailableError(error),
  lastFailureAt: () => null,
  stop: () => {},
});
