import client from "prom-client";
import { onScrape, registry } from "~/platform/observability/metrics.server";
import type { SwitchboardSnapshot } from "./types";

/** Requests refused by enforcement (shutter page, problem document or redirect), by service and state. */
export const shutterResponses = new client.Counter({
  name: "bascule_switchboard_shutter_total",
  help: "Requests refused by the service switchboard, by service and state",
  labelNames: ["service", "state"] as const,
  registers: [registry],
});

let registered = false;

/** Snapshot gauges, refreshed from this instance's agent when Prometheus scrapes. */
export function registerSwitchboardMetrics(snapshot: () => SwitchboardSnapshot, now: () => number = Date.now): void {
  if (registered) return;
  registered = true;
  const version = new client.Gauge({
    name: "bascule_switchboard_snapshot_version",
    help: "Switchboard version this instance enforces",
    registers: [registry],
  });
  const age = new client.Gauge({
    name: "bascule_switchboard_snapshot_age_seconds",
    help: "Seconds since this instance last confirmed its switchboard snapshot is current",
    registers: [registry],
  });
  onScrape(async () => {
    const current = snapshot();
    version.set(current.version);
    age.set(Math.max(0, (now() - current.confirmedAt) / 1000));
  });
}
