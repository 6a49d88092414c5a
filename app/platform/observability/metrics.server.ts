import client from "prom-client";

/** One registry per process; Prometheus scrapes each instance. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: "bascule_" });

export const httpDuration = new client.Histogram({
  name: "bascule_http_request_duration_seconds",
  help: "HTTP request duration by route pattern, method and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Gauges refreshed at scrape time by callbacks registered by features (outbox backlog…). */
const collectors: Array<() => Promise<void>> = [];

export function onScrape(collect: () => Promise<void>): void {
  collectors.push(collect);
}

export async function renderMetrics(): Promise<string> {
  await Promise.all(collectors.map((c) => c().catch(() => undefined)));
  return registry.metrics();
}

export const metricsContentType = registry.contentType;
