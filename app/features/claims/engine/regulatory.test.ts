import { describe, expect, it } from "vitest";
import { regulatoryFromCatalogue } from "./catalogue-context";
import { periodFor, regulatoryValue, requireRegulatoryValue } from "./regulatory";

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

describe("counting periods", () => {
  it("uses the calendar year for yearly periods and a rolling window otherwise", () => {
    expect(periodFor("2026-07-14", 12)).toEqual({ start: "2026-01-01", end: "2026-12-31" });
    expect(periodFor("2026-07-14", 24)).toEqual({ start: "2024-07-15", end: "2026-07-14" });
  });
});
