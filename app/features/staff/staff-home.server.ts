import { and, count, eq, gte, sql } from "drizzle-orm";
import type { Db } from "~/platform/db/client.server";
import { auditLog, contracts, mailOutbox, persons } from "~/platform/db/schema";

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
    db
      .select({ status: mailOutbox.status, n: sql<number>`count(*)::int` })
      .from(mailOutbox)
      .groupBy(mailOutbox.status),
  ]);
  const mailBy = Object.fromEntries(mail.map((m) => [m.status, m.n])) as Partial<Record<"PENDING" | "SENT" | "DEAD", number>>;
  return {
    protectedPersons: people?.n ?? 0,
    activeContracts: activeContracts?.n ?? 0,
    failedLogins24h: failedLogins?.n ?? 0,
    mailPending: mailBy.PENDING ?? 0,
    mailDead: mailBy.DEAD ?? 0,
  };
}
