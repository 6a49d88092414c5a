import { and, asc, count, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { claims, persons } from "~/platform/db/schema";
import { AGE_FILTERS, type AgeFilter } from "./staff-schemas";
import type { Channel, ReviewReason } from "../engine/types";
import { isOpen, OPEN_STATUSES, type OpenStatus } from "./review-status";

/*
 * The staff review queue: claims the engine did not settle on its own, oldest first, filtered by
 * status, reason, age and amount, with the count per status.
 */

export type QueueFilters = {
  status?: OpenStatus;
  reason?: string;
  age?: AgeFilter;
  minAmountCents?: number;
  maxAmountCents?: number;
  page: number;
  pageSize: number;
};

export type QueueItem = {
  id: string;
  number: string;
  status: OpenStatus;
  channel: Channel;
  receivedAt: Date;
  realCostCents: number;
  amcCents: number;
  fraudScore: number;
  reasons: ReviewReason[];
  beneficiaryName: string;
};

const HOUR = 3_600_000;

function queueConditions(filters: QueueFilters, now: Date): SQL[] {
  const conditions: SQL[] = [inArray(claims.status, filters.status ? [filters.status] : [...OPEN_STATUSES])];
  if (filters.reason) {
    conditions.push(sql`${claims.reviewReasons} @> ${JSON.stringify([{ code: filters.reason }])}::jsonb`);
  }
  if (filters.age) {
    const { minHours, maxHours } = AGE_FILTERS[filters.age];
    conditions.push(lte(claims.receivedAt, new Date(now.getTime() - minHours * HOUR)));
    if (maxHours !== null) conditions.push(gte(claims.receivedAt, new Date(now.getTime() - maxHours * HOUR)));
  }
  if (filters.minAmountCents !== undefined) conditions.push(gte(claims.realCostCents, filters.minAmountCents));
  if (filters.maxAmountCents !== undefined) conditions.push(lte(claims.realCostCents, filters.maxAmountCents));
  return conditions;
}

/** The queue, oldest first (first in, first decided), one page at a time. */
export async function listReviewQueue(
  db: DbOrTx,
  filters: QueueFilters,
  now: Date,
): Promise<{ items: QueueItem[]; hasNextPage: boolean; total: number; counts: Record<OpenStatus, number> }> {
  const where = and(...queueConditions(filters, now));
  const [rows, [totalRow], perStatus] = await Promise.all([
    db
      .select({
        id: claims.id,
        number: claims.number,
        status: claims.status,
        channel: claims.channel,
        receivedAt: claims.receivedAt,
        realCostCents: claims.realCostCents,
        amcCents: claims.amcCents,
        fraudScore: claims.fraudScore,
        reasons: claims.reviewReasons,
        firstName: persons.firstName,
        lastName: persons.lastName,
      })
      .from(claims)
      .innerJoin(persons, eq(persons.id, claims.beneficiaryId))
      .where(where)
      .orderBy(asc(claims.receivedAt), asc(claims.number))
      .limit(filters.pageSize + 1)
      .offset((filters.page - 1) * filters.pageSize),
    db.select({ n: count() }).from(claims).where(where),
    db
      .select({ status: claims.status, n: count() })
      .from(claims)
      .where(inArray(claims.status, [...OPEN_STATUSES]))
      .groupBy(claims.status),
  ]);
  const counts: Record<OpenStatus, number> = { REVIEW: 0, RETURNED: 0 };
  for (const row of perStatus) if (isOpen(row.status)) counts[row.status] = Number(row.n);
  return {
    items: rows.slice(0, filters.pageSize).map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status as OpenStatus,
      channel: r.channel,
      receivedAt: r.receivedAt,
      realCostCents: r.realCostCents,
      amcCents: r.amcCents,
      fraudScore: r.fraudScore,
      reasons: r.reasons,
      beneficiaryName: `${r.firstName} ${r.lastName}`,
    })),
    hasNextPage: rows.length > filters.pageSize,
    total: Number(totalRow?.n ?? 0),
    counts,
  };
}
