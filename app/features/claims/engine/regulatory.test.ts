import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { regulatoryFromCatalogue } from "./catalogue-context";
import { addDays, addMonths, ageOn, dayNumber, parisDateOf, periodFor, regulatoryValue, requireRegulatoryValue } from "./regulatory";

const REGULATORY = regulatoryFromCatalogue();

describe("regulatory parameters by care date", () => {
  it.each([
    ["participation-forfaitaire", "2024-05-14", 100],
    ["participation-forfaitaire", "2024-05-15", 200],
    ["forfait-journalier", "2017-12-31", 1_800],
    ["forfait-journalier", "2018-01-01", 2_000],
    ["optics-class-b-cap-1", "2026-01-01", 42_000],
    ["optics-class-b-cap-6", "2026-01-01", 80_000],
    ["hearing-class-1-price-cap", "2026-01-01", 95_000],
    ["hearing-class-1-price-cap-under-20", "2026-01-01", 140_000],
    ["hearing-class-2-cover-cap", "2026-01-01", 170_000],
    ["dental-crown-100-sante-price-cap", "2026-01-01", 50_000],
  ])("%s on %s is %i cents", (key, date, cents) => {
    expect(regulatoryValue(REGULATORY, key, date)).toBe(cents);
  });

  it("has no value before a parameter existed, and says so when one is required", () => {
    expect(regulatoryValue(REGULATORY, "hearing-class-1-price-cap", "2020-12-31")).toBeNull();
    expect(regulatoryValue(REGULATORY, "no-such-key", "2026-01-01")).toBeNull();
    expect(() => requireRegulatoryValue(REGULATORY, "hearing-class-1-price-cap", "2020-12-31")).toThrow(/hearing-class-1-price-cap/);
  });

  it("honours validTo", () => {
    const params = [{ key: "x", valueCents: 1, validFrom: "2020-01-01", validTo: "2020-12-31" }];
    expect(regulatoryValue(params, "x", "2020-12-31")).toBe(1);
    expect(regulatoryValue(params, "x", "2021-01-01")).toBeNull();
  });
});

describe("civil dates", () => {
  it("moves by months with the day clamped, and by days across leap years", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonths("2026-03-10", -24)).toBe("2024-03-10");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });

  it("computes ages on the birthday, not the day after", () => {
    expect(ageOn("2010-03-10", "2026-03-09")).toBe(15);
    expect(ageOn("2010-03-10", "2026-03-10")).toBe(16);
    expect(ageOn("2008-02-29", "2026-02-28")).toBe(17);
  });

  it("uses the calendar year for yearly periods and a rolling window otherwise", () => {
    expect(periodFor("2026-07-14", 12)).toEqual({ start: "2026-01-01", end: "2026-12-31" });
    expect(periodFor("2026-07-14", 24)).toEqual({ start: "2024-07-15", end: "2026-07-14" });
  });

  it("agrees with the Date object on day numbers", () => {
    fc.assert(
      fc.property(fc.integer({ min: -20_000, max: 40_000 }), (days) => {
        const iso = new Date(days * 86_400_000).toISOString().slice(0, 10);
        expect(dayNumber(iso)).toBe(days);
        expect(addDays(iso, 1)).toBe(new Date((days + 1) * 86_400_000).toISOString().slice(0, 10));
      }),
    );
  });

  it("gives the Paris civil date of an instant, as Intl does, across daylight-saving changes", () => {
    const paris = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });
    expect(parisDateOf(new Date("2026-03-28T23:30:00Z"))).toBe("2026-03-29");
    expect(parisDateOf(new Date("2026-07-01T21:59:00Z"))).toBe("2026-07-01");
    expect(parisDateOf(new Date("2026-07-01T22:00:00Z"))).toBe("2026-07-02");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        expect(parisDateOf(new Date(ms))).toBe(paris.format(new Date(ms)));
      }),
      { numRuns: 2_000 },
    );
  });
});
