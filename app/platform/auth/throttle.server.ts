import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.server";
import { throttleBuckets } from "../db/schema";

/**
 * Fixed-window throttling stored in the database, so that neither a restart nor another
 * instance resets an attacker's counter. A key is blocked for `blockMs` once it reaches `limit`
 * events inside `windowMs`.
 */
export type ThrottleRule = { limit: number; windowMs: number; blockMs: number };

export const THROTTLE_RULES = {
  loginAccount: { limit: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  loginIp: { limit: 30, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  totpAccount: { limit: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  emailRequestIp: { limit: 10, windowMs: 60 * 60_000, blockMs: 60 * 60_000 },
  emailRequestTarget: { limit: 3, windowMs: 60 * 60_000, blockMs: 60 * 60_000 },
} satisfies Record<string, ThrottleRule>;

/** Seconds until `key` may be used again, or 0 when it is not blocked. */
export async function blockedFor(tx: DbOrTx, key: string, now: Date): Promise<number> {
  const [row] = await tx
    .select({ blockedUntil: throttleBuckets.blockedUntil })
    .from(throttleBuckets)
    .where(eq(throttleBuckets.key, key));
  if (!row?.blockedUntil || row.blockedUntil <= now) return 0;
  return Math.ceil((row.blockedUntil.getTime() - now.getTime()) / 1000);
}

/** Counts one event for `key`; returns true when the key is now blocked. */
export async function hit(tx: DbOrTx, key: string, rule: ThrottleRule, now: Date): Promise<boolean> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const [row] = await tx
    .insert(throttleBuckets)
    .values({ key, count: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: throttleBuckets.key,
      set: {
        count: sql`case when ${throttleBuckets.windowStartedAt} <= ${windowStart} then 1 else ${throttleBuckets.count} + 1 end`,
        windowStartedAt: sql`case when ${throttleBuckets.windowStartedAt} <= ${windowStart} then ${now} else ${throttleBuckets.windowStartedAt} end`,
      },
    })
    .returning({ count: throttleBuckets.count });
  if ((row?.count ?? 0) < rule.limit) return false;
  await tx
    .update(throttleBuckets)
    .set({ blockedUntil: new Date(now.getTime() + rule.blockMs) })
    .where(eq(throttleBuckets.key, key));
  return true;
}

export async function reset(tx: DbOrTx, key: string): Promise<void> {
  await tx.delete(throttleBuckets).where(eq(throttleBuckets.key, key));
}
