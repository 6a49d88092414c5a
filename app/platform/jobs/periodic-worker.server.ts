import type { Logger } from "pino";

export type PeriodicWorker = {
  /** Runs now (e.g. right after work was queued) instead of at the next tick. */
  kick(): void;
  /** Stops the loop and waits for the run in flight (graceful shutdown). */
  stop(): Promise<void>;
};

/**
 * The background loop shared by the outbox dispatchers and the switchboard scheduler: a run at
 * start, then every `intervalMs`. Runs never overlap; a run that reports more work due runs again
 * at once; a kick during a run triggers another one right after it; nothing is thrown out of the
 * loop (failures are logged and the next tick tries again). Timers do not keep a process alive.
 */
export function startPeriodicWorker(options: {
  intervalMs: number;
  logger: Logger;
  /** Logged with the error when a run fails. */
  failureMessage: string;
  /** One unit of work; resolves to true when more is due right away. */
  run: () => Promise<boolean>;
}): PeriodicWorker {
  const { intervalMs, logger, failureMessage, run } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let kickedWhileRunning = false;

  async function drain(): Promise<void> {
    while (!stopped && (await run()));
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    if (stopped || inFlight) return;
    inFlight = drain()
      .catch((err: unknown) => logger.error({ err }, failureMessage))
      .finally(() => {
        inFlight = undefined;
        const again = kickedWhileRunning;
        kickedWhileRunning = false;
        schedule(again ? 0 : intervalMs);
      });
  }

  schedule(0);
  return {
    kick() {
      if (stopped) return;
      if (inFlight) kickedWhileRunning = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
