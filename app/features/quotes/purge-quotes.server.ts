import { inArray, lte } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { quotes } from "~/platform/db/schema";

/*
 * A saved quote holds a prospect's e-mail address, postcode and the birth dates of their family.
 * It is valid 30 days; for 30 more days whoever holds its reference and e-mail is told that it has
 * expired (and can ask for a new one); then it is erased. A subscription started from a quote keeps
 * its own snapshot of it (subscription_drafts.quote), so erasing the quote takes nothing from it.
 */
export const QUOTE_KEPT_AFTER_EXPIRY_DAYS = 30;

const DAY_MS = 24 * 60 * 60_000;
const BATCH = 500;

/** Erases up to one batch of quotes expired for more than QUOTE_KEPT_AFTER_EXPIRY_DAYS; returns how many. */
export async function purgeExpiredQuotes(db: DbOrTx, now = new Date()): Promise<{ erased: number; more: boolean }> {
  const cutoff = new Date(now.getTime() - QUOTE_KEPT_AFTER_EXPIRY_DAYS * DAY_MS);
  const due = db.select({ id: quotes.id }).from(quotes).where(lte(quotes.expiresAt, cutoff)).orderBy(quotes.expiresAt).limit(BATCH);
  const erased = await db.delete(quotes).where(inArray(quotes.id, due)).returning({ id: quotes.id });
  return { erased: erased.length, more: erased.length === BATCH };
}
