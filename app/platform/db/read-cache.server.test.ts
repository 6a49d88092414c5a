import { describe, expect, it } from "vitest";
import type { DbOrTx } from "./client.server";
import { readThroughCache } from "./read-cache.server";

const handle = () => ({}) as unknown as DbOrTx;

describe("readThroughCache", () => {
  it("reads once for callers arriving together, then keeps the value until the time is up", async () => {
    let reads = 0;
    const cached = readThroughCache(1_000, async () => ({ read: ++reads }));
    const db = handle();
    const together = await Promise.all(Array.from({ length: 10 }, () => cached(db, 5_000)));
    expect(reads).toBe(1);
    expect(new Set(together).size).toBe(1);
    expect(await cached(db, 5_999)).toBe(together[0]);
    expect(await cached(db, 6_000)).toEqual({ read: 2 });
    // A clock that went backwards reads again rather than trusting an entry from the future.
    expect(await cached(db, 4_000)).toEqual({ read: 3 });
  });

  it("keeps one value per database handle", async () => {
    const cached = readThroughCache(1_000, async (db) => db);
    const a = handle();
    const b = handle();
    expect(await cached(a, 0)).toBe(a);
    expect(await cached(b, 0)).toBe(b);
  });

  it("does not keep a failed read: the next caller tries again", async () => {
    let calls = 0;
    const cached = readThroughCache(1_000, async () => {
      calls += 1;
      if (calls === 1) throw new Error("base indisponible");
      return "lu";
    });
    const db = handle();
    await expect(cached(db, 0)).rejects.toThrow("base indisponible");
    expect(await cached(db, 1)).toBe("lu");
    expect(calls).toBe(2);
  });
});
