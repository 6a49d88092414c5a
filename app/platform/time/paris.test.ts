import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatParisDate,
  formatParisDateTime,
  formatParisDateTimeSeconds,
  formatParisDateTimeShort,
  formatParisTime,
  formatParisWeekday,
  formatParisWeekdayTime,
  parisCivilToInstant,
  parisDateOf,
  parisYear,
} from "./paris";

const NNBSP = "\u202f";

describe("Paris civil date of an instant", () => {
  it.each([
    // Midnight in Paris is 23:00 UTC the day before in winter, 22:00 in summer.
    ["2026-01-15T22:59:59Z", "2026-01-15"],
    ["2026-01-15T23:00:00Z", "2026-01-16"],
    ["2026-07-01T21:59:00Z", "2026-07-01"],
    ["2026-07-01T22:00:00Z", "2026-07-02"],
    // Spring change (29 March 2026, 01:00 UTC) and autumn change (25 October 2026, 01:00 UTC).
    ["2026-03-28T23:30:00Z", "2026-03-29"],
    ["2026-03-29T00:59:59Z", "2026-03-29"],
    ["2026-03-29T22:00:00Z", "2026-03-30"],
    ["2026-10-24T21:59:59Z", "2026-10-24"],
    ["2026-10-24T22:00:00Z", "2026-10-25"],
    ["2026-10-25T22:59:59Z", "2026-10-25"],
    ["2026-10-25T23:00:00Z", "2026-10-26"],
    // 29 February, and the turn of the year.
    ["2024-02-28T23:00:00Z", "2024-02-29"],
    ["2024-02-29T22:59:59Z", "2024-02-29"],
    ["2024-02-29T23:00:00Z", "2024-03-01"],
    ["2026-12-31T23:00:00Z", "2027-01-01"],
  ])("%s is %s in Paris", (instant, expected) => {
    expect(parisDateOf(new Date(instant))).toBe(expected);
    expect(parisDateOf(instant)).toBe(expected);
  });

  it("gives the Paris year, which turns an hour before UTC's", () => {
    expect(parisYear(new Date("2026-12-31T22:59:59Z"))).toBe("2026");
    expect(parisYear(new Date("2026-12-31T23:00:00Z"))).toBe("2027");
  });

  it("agrees with Intl on every instant", () => {
    const intl = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        expect(parisDateOf(new Date(ms))).toBe(intl.format(new Date(ms)));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("Paris wall-clock time to instant", () => {
  it.each([
    [Date.UTC(2026, 0, 15, 0, 0), "2026-01-14T23:00:00.000Z"],
    [Date.UTC(2026, 6, 1, 0, 0), "2026-06-30T22:00:00.000Z"],
    // 02:30 does not exist on 29 March 2026: it lands an hour later, at 03:30 summer time.
    [Date.UTC(2026, 2, 29, 2, 30), "2026-03-29T01:30:00.000Z"],
    [Date.UTC(2026, 2, 29, 3, 0), "2026-03-29T01:00:00.000Z"],
    [Date.UTC(2024, 1, 29, 12, 0), "2024-02-29T11:00:00.000Z"],
  ])("Paris civil %i is %s", (civil, expected) => {
    expect(parisCivilToInstant(civil).toISOString()).toBe(expected);
  });
});

describe("French renderings of an instant, in Paris time", () => {
  const summer = new Date("2026-07-02T12:05:09Z");
  const winter = new Date("2026-11-26T13:05:09Z");
  const lateWinterEvening = new Date("2026-02-28T23:30:00Z");

  it.each([
    [formatParisDate, summer, "2 juillet 2026"],
    [formatParisDateTime, summer, "2 juillet 2026 à 14:05"],
    [formatParisDateTimeShort, winter, "26/11/2026 14:05"],
    [formatParisDateTimeSeconds, winter, "26/11/2026 14:05:09"],
    [formatParisWeekday, winter, "jeudi 26 novembre 2026"],
    [formatParisWeekdayTime, winter, "jeudi 26 novembre 2026 à 14:05"],
    [formatParisTime, summer, "14:05"],
    [formatParisDate, lateWinterEvening, "1 mars 2026"],
  ])("%o writes %s as %s", (format, at, expected) => {
    expect(format(at).replaceAll(NNBSP, " ")).toBe(expected);
    expect(format(at.toISOString()).replaceAll(NNBSP, " ")).toBe(expected);
  });
});
