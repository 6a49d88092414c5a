import type { Logger } from "pino";
import type { Db } from "~/platform/db/client.server";
import { type PeriodicWorker, startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";
import { applyDueReopens } from "./apply-reopen.server";
import { proposeExpectedReturns } from "./propose-reopen.server";

/*
 * The scheduler loop of every instance: due reopenings, then proposals.
 */

export type SwitchboardScheduler = PeriodicWorker;

/**
 * Every `intervalMs`: applies due scheduled reopenings, then proposes reopenings whose expected
 * return has passed. Ticks never overlap and never throw: failures are logged and retried.
 */
export function startSwitchboardScheduler(options: { db: () => Db; intervalMs?: number; logger: Logger }): SwitchboardScheduler {
  const { logger } = options;
  return startPeriodicWorker({
    intervalMs: options.intervalMs ?? 5_000,
    logger,
    failureMessage: "switchboard scheduler failed",
    async run() {
      // Each step is isolated: a failing proposal must not stop due reopenings, nor the reverse.
      try {
        const applied = await applyDueReopens(options.db(), new Date());
        if (applied.length > 0) logger.info({ applied }, "scheduled reopenings applied");
      } catch (err) {
        logger.error({ err }, "scheduled reopenings failed");
      }
      try {
        const proposed = await proposeExpectedReturns(options.db(), new Date());
        if (proposed.length > 0) logger.info({ proposed: proposed.map((r) => r.serviceKey) }, "reopenings proposed");
      } catch (err) {
        logger.error({ err }, "reopening proposals failed");
      }
      return false;
    },
  });
}
