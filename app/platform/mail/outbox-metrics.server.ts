import client from "prom-client";
import { db } from "../db/client.server";
import { onScrape, registry } from "../observability/metrics.server";
import { outboxBacklog } from "./dispatcher.server";

let registered = false;

/** Outbox backlog gauges, read from the database when Prometheus scrapes. */
export function registerOutboxMetrics(): void {
  if (registered) return;
  registered = true;
  const messages = new client.Gauge({
    name: "bascule_mail_outbox_messages",
    help: "Messages in the mail outbox by status",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const oldest = new client.Gauge({
    name: "bascule_mail_outbox_oldest_pending_seconds",
    help: "Age of the oldest message waiting to be sent",
    registers: [registry],
  });
  onScrape(async () => {
    const backlog = await outboxBacklog(db());
    messages.set({ status: "PENDING" }, backlog.pending);
    messages.set({ status: "SENT" }, backlog.sent);
    messages.set({ status: "DEAD" }, backlog.dead);
    oldest.set(backlog.oldestPendingAgeSeconds ?? 0);
  });
}
