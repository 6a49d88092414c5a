import { emailIndex } from "~/platform/crypto/personal-data.server";
import { outboxMails } from "./support/outbox";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_KARIM, DEMO_MARIE } from "~/features/demo/demo-accounts";
import { seedDemoData } from "~/features/demo/seed.server";
import { decryptDocumentContent } from "~/features/claims/member/documents.server";
import { listMemberClaims } from "~/features/claims/member/member-claims.server";
import { claimDocuments, claims, users } from "~/platform/db/schema";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.db, { seed: 7, members: 12, now: new Date("2026-11-20T08:00:00Z") });
}, 120_000);
afterAll(async () => {
  await t?.dispose();
});

async function personOf(email: string) {
  const [u] = await t.db.select({ personId: users.personId }).from(users).where(eq(users.emailBidx, emailIndex(email)));
  return u!.personId!;
}

describe("demo claims", () => {
  it("gives Marie's family claims in the states a member meets, newest first", async () => {
    const list = await listMemberClaims(t.db, await personOf(DEMO_MARIE.email));
    expect(list.length).toBe(4);
    expect(list.map((c) => c.status)).toEqual(expect.arrayContaining(["PAID", "VALUATED", "REVIEW"]));
    expect(new Set(list.map((c) => c.beneficiaryFirstName))).toEqual(new Set(["Marie", "Léa", "Thomas", "Hugo"]));
    const times = list.map((c) => c.receivedAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const paid = list.find((c) => c.status === "PAID")!;
    expect(paid.timeline.map((e) => e.status)).toEqual(["SUBMITTED", "CHECKED", "VALUATED", "PAID"]);
  });

  it("gives Karim a claim waiting for a document", async () => {
    const list = await listMemberClaims(t.db, await personOf(DEMO_KARIM.email));
    expect(list.map((c) => c.status)).toContain("RETURNED");
  });

  it("leaves a few claims in the handlers' queue, stores real PDFs, and e-mails nobody", async () => {
    const review = await t.db.select().from(claims).where(eq(claims.status, "REVIEW"));
    expect(review.length).toBeGreaterThanOrEqual(4);
    expect(review.some((c) => c.reviewReasons.some((r) => r.code === "DATA_ENTRY_REQUIRED"))).toBe(true);
    expect(review.some((c) => c.reviewReasons.some((r) => r.code.startsWith("DUPLICATE")))).toBe(true);
    const [doc] = await t.db.select().from(claimDocuments).limit(1);
    expect(decryptDocumentContent(doc!.contentEnc).subarray(0, 5).toString()).toBe("%PDF-");
    expect(await outboxMails(t.db)).toHaveLength(0);
  });
});
