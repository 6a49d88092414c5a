import { gte, inArray } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { claims } from "~/platform/db/schema";
import { parisCivilToInstant } from "~/platform/time/paris";
import { type ClaimFact, computeServiceLevel, parisWeekStart, type ServiceLevelReport } from "./service-level";

/*
 * The service level dashboard's data: claims received over the last weeks (for the 48-hour share,
 * the medians and the weekly series) and every open claim whatever its age (the backlog). Only
 * the few columns the computation needs are read: a quarter of claims is tens of thousands of
 * small rows, which one query and one pass in memory handle; past that, the weekly figures would
 * move into SQL aggregates.
 */

const WEEKS = 12;

function toFact(r: {
  channel: ClaimFact["channel"];
  status: ClaimFact["status"];
  receivedAt: Date;
  decidedAt: Date | null;
  paidAt: Date | null;
  reviewReasons?: { code: string }[];
  amcCents: number;
}): ClaimFact {
  return {
    channel: r.channel,
    status: r.status,
    receivedAt: r.receivedAt,
    decidedAt: r.decidedAt,
    paidAt: r.paidAt,
    reasonCodes: r.reviewReasons?.map((reason) => reason.code) ?? [],
    nothingToPay: (r.status === "VALUATED" || r.status === "PAID") && r.amcCents === 0,
  };
}

export async function loadServiceLevel(db: DbOrTx, now: Date): Promise<ServiceLevelReport & { since: Date }> {
  // From Paris midnight on the Monday WEEKS - 1 weeks before this one: exactly the weeks shown.
  const [y, m, d] = parisWeekStart(now).split("-").map(Number) as [number, number, number];
  const since = parisCivilToInstant(Date.UTC(y, m - 1, d - 7 * (WEEKS - 1)));
  const columns = {
    channel: claims.channel,
    status: claims.status,
    receivedAt: claims.receivedAt,
    decidedAt: claims.decidedAt,
    paidAt: claims.paidAt,
    amcCents: claims.amcCents,
  };
  // Reasons matter for the backlog only: the period's many rows are read without their JSON.
  const [period, open] = await Promise.all([
    db.select(columns).from(claims).where(gte(claims.receivedAt, since)),
    db
      .select({ ...columns, reviewReasons: claims.reviewReasons })
      .from(claims)
      .where(inArray(claims.status, ["REVIEW", "RETURNED"])),
  ]);
  return { ...computeServiceLevel({ period: period.map(toFact), open: open.map(toFact) }, now, { weeks: WEEKS }), since };
}
