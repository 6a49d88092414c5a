import { describe, expect, it } from "vitest";
import { formatClaimNumber, isClaimNumber } from "./claim-number";

describe("claim numbers", () => {
  it("pads the sequence to 7 digits and uses the Paris civil year", () => {
    expect(formatClaimNumber(new Date("2026-06-01T10:00:00Z"), 123)).toBe("RB-2026-0000123");
    // 31 December 23:30 UTC is already New Year's Day in Paris.
    expect(formatClaimNumber(new Date("2026-12-31T23:30:00Z"), 1)).toBe("RB-2027-0000001");
    expect(formatClaimNumber(new Date("2026-01-01T00:00:00Z"), 12_345_678)).toBe("RB-2026-12345678");
  });

  it("refuses a sequence that is not a positive integer", () => {
    expect(() => formatClaimNumber(new Date(), 0)).toThrow(RangeError);
    expect(() => formatClaimNumber(new Date(), 1.5)).toThrow(RangeError);
  });

  it.each([
    ["RB-2026-0000123", true],
    ["RB-2026-12345678", true],
    ["rb-2026-0000123", false],
    ["RB-2026-123", false],
    ["RB-2026-0000123/../x", false],
    ["<script>", false],
  ])("isClaimNumber(%j) is %s", (value, expected) => {
    expect(isClaimNumber(value)).toBe(expected);
  });
});
