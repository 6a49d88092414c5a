import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEuros } from "./euros";

const intl = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

describe("formatEuros", () => {
  it.each([
    [0, "0,00\u00a0€"],
    [5, "0,05\u00a0€"],
    [4000, "40,00\u00a0€"],
    [4050, "40,50\u00a0€"],
    [99_999, "999,99\u00a0€"],
    [100_000, "1\u202f000,00\u00a0€"],
    [123_450, "1\u202f234,50\u00a0€"],
    [123_456_789, "1\u202f234\u202f567,89\u00a0€"],
    [-4000, "-40,00\u00a0€"],
  ])("writes %i cents as %s", (cents, expected) => {
    expect(formatEuros(cents)).toBe(expected);
  });

  it("writes exactly what Intl writes for fr-FR euros", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (cents) => {
        expect(formatEuros(cents)).toBe(intl.format(cents / 100));
      }),
      { numRuns: 5_000 },
    );
  });
});
