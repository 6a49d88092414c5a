import { and, count, eq, gte } from "drizzle-orm";
import type { Db } from "~/platform/db/client.server";
import { auditLog, contracts, persons } from "~/platform/db/schema";
import { outboxBacklog } from "~/platform/mail/dispatcher.server";

/** Figures shown on the back-office home page. */
export async function getStaffHome(db: Db, now = new Date()) {
  const since = new Date(now.getTime() - 24 * 60 * 60_000);
  const [[people], [activeContracts], [failedLogins], mail] = await Promise.all([
    db.select({ n: count() }).from(persons),
    db.select({ n: count() }).from(contracts).where(eq(contracts.status, "ACTIVE")),
    db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.login.failed"), gte(auditLog.at, since))),
    outboxBacklog(db, now),
  ]);
  return {
    protectedPersons: people?.n ?? 0,
    activeContracts: activeContracts?.n ?? 0,
    failedLogins24h: failedLogins?.n ?? 0,
    mailPending: mail.pending,
    mailDead: mail.dead,
  };
}
