import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, entryHash } from "./chain";
import { EMPTY_CHAIN, type StoredAuditContent, auditContent, chainAfter } from "./sealing";

const row: StoredAuditContent = {
  at: new Date("2024-03-10T13:05:09.123Z"),
  actorUserId: null,
  actorLabel: "system",
  action: "auth.login.succeeded",
  outcome: "success",
  targetType: "user",
  targetId: "42",
  ipHash: null,
  details: { b: [1, { y: 2, x: "é" }], a: true },
};

const storedRow: fc.Arbitrary<StoredAuditContent> = fc.record({
  at: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }),
  actorUserId: fc.option(fc.uuid(), { nil: null }),
  actorLabel: fc.string(),
  action: fc.string(),
  outcome: fc.constantFrom("success", "failure", "denied"),
  targetType: fc.option(fc.string(), { nil: null }),
  targetId: fc.option(fc.string(), { nil: null }),
  ipHash: fc.option(fc.string(), { nil: null }),
  details: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))),
});

const tip = fc.record({ seq: fc.nat({ max: 1_000_000 }), hash: fc.stringMatching(/^[0-9a-f]{64}$/) });

describe("auditContent", () => {
  it("is the hashed content of chain.ts at the given position", () => {
    expect(auditContent(1, row)).toEqual({
      seq: 1,
      at: "2024-03-10T13:05:09.123Z",
      actorUserId: null,
      actorLabel: "system",
      action: "auth.login.succeeded",
      outcome: "success",
      targetType: "user",
      targetId: "42",
      ipHash: null,
      details: { b: [1, { y: 2, x: "é" }], a: true },
    });
  });
});

describe("chainAfter", () => {
  it("starts an empty chain at 1 on the genesis hash, with the hash entries always had", () => {
    const [first] = chainAfter(EMPTY_CHAIN, [row]);
    expect(first).toEqual({
      seq: 1,
      prevHash: GENESIS_HASH,
      // The known vector of chain.test.ts: sealing later hashes exactly what appending used to.
      hash: "a8f9d328efbd5b19d6e9bf84a047271f701a362d50f0f5f0d01f581f20aa42c5",
    });
  });

  it.each([
    [{ seq: 0, hash: GENESIS_HASH }, 0, []],
    [{ seq: 41, hash: "f".repeat(64) }, 3, [42, 43, 44]],
    [{ seq: 9_007_199_254_740, hash: "a".repeat(64) }, 2, [9_007_199_254_741, 9_007_199_254_742]],
  ])("after %j, %i rows get seq %j", (from, n, seqs) => {
    expect(chainAfter(from, Array.from({ length: n }, () => row)).map((l) => l.seq)).toEqual(seqs);
  });

  it("numbers consecutively after the tip and links every entry to the previous hash", () => {
    fc.assert(
      fc.property(tip, fc.array(storedRow, { maxLength: 20 }), (from, rows) => {
        const links = chainAfter(from, rows);
        expect(links).toHaveLength(rows.length);
        links.forEach((link, i) => {
          expect(link.seq).toBe(from.seq + i + 1);
          expect(link.prevHash).toBe(i === 0 ? from.hash : links[i - 1]!.hash);
          expect(link.hash).toBe(entryHash(link.prevHash, auditContent(link.seq, rows[i]!)));
        });
      }),
    );
  });

  it("gives the same chain whether rows are sealed in one batch or several", () => {
    fc.assert(
      fc.property(tip, fc.array(storedRow, { maxLength: 20 }), fc.nat(), (from, rows, cutAt) => {
        const cut = rows.length === 0 ? 0 : cutAt % (rows.length + 1);
        const first = chainAfter(from, rows.slice(0, cut));
        const next = first.at(-1) ?? from;
        expect([...first, ...chainAfter({ seq: next.seq, hash: next.hash }, rows.slice(cut))]).toEqual(chainAfter(from, rows));
      }),
    );
  });

  it("changes the hash of an altered entry and of every entry after it", () => {
    fc.assert(
      fc.property(fc.array(storedRow, { minLength: 1, maxLength: 10 }), fc.nat(), fc.string(), (rows, pick, label) => {
        const i = pick % rows.length;
        fc.pre(rows[i]!.actorLabel !== label);
        const altered = rows.map((r, j) => (j === i ? { ...r, actorLabel: label } : r));
        const before = chainAfter(EMPTY_CHAIN, rows);
        const after = chainAfter(EMPTY_CHAIN, altered);
        before.forEach((link, j) => {
          if (j < i) expect(after[j]).toEqual(link);
          else expect(after[j]!.hash).not.toBe(link.hash);
        });
      }),
    );
  });
});
