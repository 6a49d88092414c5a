import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS, nextRetryDelayMs } from "./backoff";

describe("nextRetryDelayMs", () => {
  it.each([
    [1, 15_000, 30_000],
    [2, 30_000, 60_000],
    [3, 60_000, 120_000],
    [7, 960_000, 1_920_000],
    [8, 1_800_000, 3_600_000],
    [9, 1_800_000, 3_600_000],
    [1_000, 1_800_000, 3_600_000],
  ])("after %i failed attempt(s) waits between %i and %i ms", (attempts, low, high) => {
    expect(nextRetryDelayMs(attempts, 0)).toBe(low);
    expect(nextRetryDelayMs(attempts, 0.999_999_999)).toBe(high);
    const mid = nextRetryDelayMs(attempts, 0.5);
    expect(mid).toBeGreaterThan(low);
    expect(mid).toBeLessThan(high);
  });

  it("never exceeds the cap nor drops below half the base delay", () => {
    for (let attempts = 1; attempts <= 64; attempts++) {
      for (const random of [0, 0.1, 0.5, 0.9, 0.999]) {
        const delay = nextRetryDelayMs(attempts, random);
        expect(delay).toBeGreaterThanOrEqual(RETRY_BASE_DELAY_MS / 2);
        expect(delay).toBeLessThanOrEqual(RETRY_MAX_DELAY_MS);
      }
    }
  });

  it("grows monotonically with the number of failures for a given draw", () => {
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => nextRetryDelayMs(i + 1, 0.3));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
  });

  it("rejects inputs outside its domain", () => {
    expect(() => nextRetryDelayMs(0, 0.5)).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1.5, 0.5)).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1, 1)).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1, -0.1)).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1, Number.NaN)).toThrow(RangeError);
  });
});
