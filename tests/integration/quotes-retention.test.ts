import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reopenQuote, saveQuote } from "~/features/quotes/create-quote.server";
import { QUOTE_KEPT_AFTER_EXPIRY_DAYS, purgeExpiredQuotes } from "~/features/quotes/purge-quotes.server";
import type { SaveQuoteForm } from "~/features/quotes/schemas";
import { quotes } from "~/platform/db/schema";
import { insertQuoteCatalogue } from "./support/quotes-fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await insertQuoteCatalogue(t.db);
});
afterAll(async () => {
  await t?.dispose();
});

const DAY = 24 * 60 * 60_000;
const CREATED = new Date("2027-02-10T10:00:00Z");
const FORM: SaveQuoteForm = {
  postcode: "83000",
  startDate: "2027-03-01",
  memberBirthDate: "1985-04-02",
  children: [],
  priorities: [],
  formula: "F2",
  email: "retention@exemple.fr",
  sendByEmail: false,
};

let ip = 0;
async function saved(at: Date): Promise<string> {
  const outcome = await saveQuote(t.db, FORM, { ipHash: `retention-${++ip}` }, at);
  if (outcome.kind !== "saved") throw new Error(`expected a saved quote, got ${outcome.kind}`);
  return outcome.reference;
}

describe(`saved quotes' retention (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it(`keeps a quote ${QUOTE_KEPT_AFTER_EXPIRY_DAYS} days past its expiry (the prospect is told it expired), then erases it`, async () => {
    const old = await saved(CREATED);
    const recent = await saved(new Date(CREATED.getTime() + 20 * DAY));
    const [row] = await t.db.select({ expiresAt: quotes.expiresAt }).from(quotes).where(eq(quotes.reference, old));
    const expiry = row!.expiresAt.getTime();

    const justBefore = new Date(expiry + QUOTE_KEPT_AFTER_EXPIRY_DAYS * DAY - 1);
    expect(await purgeExpiredQuotes(t.db, justBefore)).toEqual({ erased: 0, more: false });
    expect((await reopenQuote(t.db, { reference: old, email: FORM.email }, { ipHash: "reopen" }, justBefore)).kind).toBe("expired");

    const due = new Date(expiry + QUOTE_KEPT_AFTER_EXPIRY_DAYS * DAY);
    expect(await purgeExpiredQuotes(t.db, due)).toEqual({ erased: 1, more: false });
    expect(await t.db.select().from(quotes).where(eq(quotes.reference, old))).toHaveLength(0);
    expect((await reopenQuote(t.db, { reference: old, email: FORM.email }, { ipHash: "reopen" }, due)).kind).not.toBe("expired");
    // The younger quote is still there, and erased in its turn.
    expect(await t.db.select().from(quotes).where(eq(quotes.reference, recent))).toHaveLength(1);
    expect((await purgeExpiredQuotes(t.db, new Date(due.getTime() + 20 * DAY))).erased).toBe(1);
    expect(await purgeExpiredQuotes(t.db, new Date(due.getTime() + 20 * DAY))).toEqual({ erased: 0, more: false });
  });
});
