import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, addMonths, ageOn, dayNumber, daysInMonth, formatCivilDate, frenchDate, isLeap } from "./civil-date";

describe("civil dates", () => {
  it.each([
    ["2024-02-28", 1, "2024-02-29"],
    ["2024-02-29", 1, "2024-03-01"],
    ["2026-02-28", 1, "2026-03-01"],
    ["2026-01-01", -1, "2025-12-31"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2026-03-28", 2, "2026-03-30"],
    ["2026-10-24", 2, "2026-10-26"],
    ["2000-02-28", 1, "2000-02-29"],
    ["2100-02-28", 1, "2100-03-01"],
  ])("%s + %i day(s) is %s (leap years and daylight-saving weekends alike)", (iso, days, expected) => {
    expect(addDays(iso, days)).toBe(expected);
  });

  it.each([
    ["2026-01-31", 1, "2026-02-28"],
    ["2024-01-31", 1, "2024-02-29"],
    ["2024-02-29", 12, "2025-02-28"],
    ["2026-08-31", 6, "2027-02-28"],
    ["2026-03-10", -24, "2024-03-10"],
    ["2026-12-15", 1, "2027-01-15"],
  ])("%s + %i month(s) is %s, the day clamped to the month", (iso, months, expected) => {
    expect(addMonths(iso, months)).toBe(expected);
  });

  it.each([
    ["2010-03-10", "2026-03-09", 15],
    ["2010-03-10", "2026-03-10", 16],
    ["2008-02-29", "2026-02-28", 17],
    ["2008-02-29", "2026-03-01", 18],
  ])("someone born on %s is %i on %s", (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it("knows leap years and month lengths", () => {
    expect([1900, 2000, 2024, 2026, 2100].map(isLeap)).toEqual([false, true, true, false, false]);
    expect([daysInMonth(2024, 2), daysInMonth(2026, 2), daysInMonth(2026, 4), daysInMonth(2026, 12)]).toEqual([29, 28, 30, 31]);
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

  it("writes civil dates in French, whatever the machine's time zone", () => {
    expect(frenchDate("2024-02-29")).toBe("29/02/2024");
    expect(formatCivilDate("2027-03-01")).toBe("1 mars 2027");
    expect(formatCivilDate("2026-12-31")).toBe("31 décembre 2026");
  });
});
