import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ClaimFact, computeServiceLevel, formatDuration, formatShare, median, parisWeekStart } from "./service-level";

const NOW = new Date("2026-11-29T12:00:00Z"); // a Sunday
const H = 3_600_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * H);

function fact(overrides: Partial<ClaimFact>): ClaimFact {
  return {
    channel: "ONLINE",
    status: "PAID",
    receivedAt: ago(100),
    decidedAt: null,
    paidAt: null,
    reasonCodes: [],
    ...overrides,
  };
}

describe("computeServiceLevel", () => {
  it("counts paid-within-48h over claims whose outcome is known, leaving recent and rejected ones aside", () => {
    const facts = [
      // paid in 1 h, 47 h and exactly 48 h: hits
      fact({ receivedAt: ago(100), decidedAt: ago(100), paidAt: ago(99) }),
      fact({ receivedAt: ago(100), decidedAt: ago(99), paidAt: ago(53) }),
      fact({ receivedAt: ago(100), decidedAt: ago(80), paidAt: ago(52) }),
      // paid after 60 h: miss
      fact({ receivedAt: ago(100), decidedAt: ago(90), paidAt: ago(40) }),
      // unpaid after 72 h (approved, waiting for a batch): miss
      fact({ status: "VALUATED", receivedAt: ago(72), decidedAt: ago(71) }),
      // unpaid but received 10 h ago: still in time
      fact({
        status: "REVIEW",
        receivedAt: ago(10),
        reasonCodes: ["HIGH_AMOUNT", "DUPLICATE_FILE"],
        channel: "EMAIL",
      }),
      // rejected: not counted at all
      fact({ status: "REJECTED", receivedAt: ago(100), decidedAt: ago(50) }),
    ];
    // Accepted at 0 €: decided, but nothing to pay, so outside the 48-hour share.
    facts.push(
      fact({
        status: "VALUATED",
        receivedAt: ago(100),
        decidedAt: ago(100),
        nothingToPay: true,
      }),
    );
    const report = computeServiceLevel({ period: facts, open: [] }, NOW);
    expect(report.within48h).toEqual({
      counted: 5,
      paidWithin: 3,
      stillInTime: 1,
      share: 0.6,
    });
    expect(report.received).toBe(8);
    expect(report.paid).toBe(4);
    // Decision times: 0, 1, 20, 10, 1, 50, 0 h → median 1 h
    expect(report.medianDecisionMs).toBe(1 * H);
    // Payment times: 1, 47, 48, 60 h → 47.5 h
    expect(report.medianPaymentMs).toBe(47.5 * H);
  });

  it("breaks the backlog down by reason and by channel", () => {
    const open = [
      fact({
        status: "REVIEW",
        channel: "EMAIL",
        reasonCodes: ["DATA_ENTRY_REQUIRED"],
        receivedAt: ago(30),
      }),
      fact({
        status: "REVIEW",
        channel: "ONLINE",
        reasonCodes: ["HIGH_AMOUNT", "DUPLICATE_FILE", "HIGH_AMOUNT"],
        receivedAt: ago(5),
      }),
      fact({
        status: "REVIEW",
        channel: "ONLINE",
        reasonCodes: ["HIGH_AMOUNT"],
        receivedAt: ago(6),
      }),
      fact({
        status: "REVIEW",
        channel: "PAPER",
        reasonCodes: [],
        receivedAt: ago(7),
      }),
      fact({ status: "RETURNED", channel: "ONLINE", receivedAt: ago(200) }),
      fact({ status: "PAID", channel: "NOEMIE", paidAt: ago(1) }),
    ];
    const report = computeServiceLevel({ period: [], open }, NOW);
    expect(report.backlog.total).toBe(5);
    expect(report.backlog.review).toBe(4);
    expect(report.backlog.returned).toBe(1);
    expect(report.backlog.byReason).toEqual([
      { code: "HIGH_AMOUNT", count: 2 },
      { code: "DATA_ENTRY_REQUIRED", count: 1 },
      { code: "DUPLICATE_FILE", count: 1 },
      { code: "RETURNED", count: 1 },
      { code: "UNSPECIFIED", count: 1 },
    ]);
    expect(report.backlog.byChannel).toEqual([
      { channel: "ONLINE", count: 3 },
      { channel: "EMAIL", count: 1 },
      { channel: "NOEMIE", count: 0 },
      { channel: "PAPER", count: 1 },
    ]);
    expect(report.backlog.oldestReceivedAt).toEqual(ago(200));
  });

  it("builds a weekly series of Paris weeks ending with the current one", () => {
    const report = computeServiceLevel(
      {
        open: [],
        period: [
          fact({
            receivedAt: new Date("2026-11-23T00:30:00Z"),
            paidAt: new Date("2026-11-23T02:00:00Z"),
            decidedAt: new Date("2026-11-23T00:30:00Z"),
          }),
          // Sunday 22 November 23:30 UTC is already Monday 23 November in Paris.
          fact({
            receivedAt: new Date("2026-11-22T23:30:00Z"),
            paidAt: new Date("2026-11-26T00:00:00Z"),
          }),
          fact({
            receivedAt: new Date("2026-11-16T10:00:00Z"),
            paidAt: new Date("2026-11-16T12:00:00Z"),
          }),
          fact({
            receivedAt: new Date("2025-01-01T10:00:00Z"),
            paidAt: new Date("2025-01-01T12:00:00Z"),
          }),
        ],
      },
      NOW,
      { weeks: 3 },
    );
    expect(report.weeks.map((w) => w.weekStart)).toEqual(["2026-11-09", "2026-11-16", "2026-11-23"]);
    expect(report.weeks.map((w) => w.received)).toEqual([0, 1, 2]);
    expect(report.weeks[2]!.within48h).toEqual({
      counted: 2,
      paidWithin: 1,
      stillInTime: 0,
      share: 0.5,
    });
    expect(report.weeks[2]!.medianDecisionMs).toBe(0);
    expect(report.weeks[0]!.within48h.share).toBeNull();
  });

  it("has nothing to say about an empty period", () => {
    const report = computeServiceLevel({ period: [], open: [] }, NOW);
    expect(report.within48h.share).toBeNull();
    expect(report.medianDecisionMs).toBeNull();
    expect(report.weeks).toHaveLength(12);
  });

  it("property: the share is a proportion and hits never exceed what is counted", () => {
    const arb = fc.array(
      fc.record({
        receivedH: fc.integer({ min: 0, max: 2000 }),
        paidAfterH: fc.option(fc.integer({ min: 0, max: 500 })),
        rejected: fc.boolean(),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const facts = rows.map((r) =>
          fact({
            status: r.rejected ? "REJECTED" : r.paidAfterH === null ? "VALUATED" : "PAID",
            receivedAt: ago(r.receivedH),
            paidAt: r.paidAfterH === null || r.rejected ? null : new Date(ago(r.receivedH).getTime() + r.paidAfterH * H),
          }),
        );
        const { within48h } = computeServiceLevel({ period: facts, open: [] }, NOW);
        expect(within48h.paidWithin).toBeLessThanOrEqual(within48h.counted);
        expect(within48h.counted + within48h.stillInTime).toBe(rows.filter((r) => !r.rejected).length);
        if (within48h.share !== null) expect(within48h.share).toBeGreaterThanOrEqual(0);
        if (within48h.share !== null) expect(within48h.share).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("helpers", () => {
  it("computes medians", () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("finds the Monday of the Paris week", () => {
    expect(parisWeekStart(new Date("2026-11-29T22:59:00Z"))).toBe("2026-11-23");
    expect(parisWeekStart(new Date("2026-11-29T23:00:00Z"))).toBe("2026-11-30");
    expect(parisWeekStart(new Date("2026-03-29T12:00:00Z"))).toBe("2026-03-23");
  });

  it("formats durations and shares in French", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(12_000)).toBe("12 s");
    expect(formatDuration(35 * 60_000)).toBe("35 min");
    expect(formatDuration(5 * H + 4 * 60_000)).toBe("5 h 04 min");
    expect(formatDuration(76 * H)).toBe("3 j 4 h");
    expect(formatShare(0.934)).toBe("93,4\u00a0%");
    expect(formatShare(null)).toBe("—");
  });
});
