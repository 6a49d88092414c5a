import client from "prom-client";
import { db } from "../db/client.server";
import { onScrape, registry } from "../observability/metrics.server";
import { auditSealBacklog } from "./seal.server";

let registered = false;

/** Sealing backlog gauges, read from the database when Prometheus scrapes (ADR 014). */
export function registerAuditMetrics(): void {
  if (registered) return;
  registered = true;
  const unsealed = new client.Gauge({
    name: "bascule_audit_unsealed_entries",
    help: "Committed audit entries not sealed into the hash chain yet",
    registers: [registry],
  });
  const oldest = new client.Gauge({
    name: "bascule_audit_oldest_unsealed_seconds",
    help: "Age of the oldest unsealed audit entry (from its action time); alert above 60",
    registers: [registry],
  });
  onScrape(async () => {
    const backlog = await auditSealBacklog(db());
    unsealed.set(backlog.unsealed);
    oldest.set(backlog.oldestAgeSeconds ?? 0);
  });
}
