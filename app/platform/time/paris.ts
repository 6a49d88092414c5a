import { civilDateFrom, daysInMonth } from "./civil-date";

/*
 * Bascule's civil time is Paris time (members, staff and regulators all reason in it). These
 * helpers convert between Paris wall-clock values and instants, across daylight-saving changes,
 * and write instants in French. Every formatter is created once, here: building an
 * Intl.DateTimeFormat costs far more than using one.
 */

type Instant = Date | string | number;
const toDate = (at: Instant) => (at instanceof Date ? at : new Date(at));

const parisParts = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Paris",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

/** Offset of Paris civil time from UTC at `instant`, in milliseconds. */
function parisOffset(instant: number): number {
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parisParts.formatToParts(instant).find((p) => p.type === type)?.value);
  const civil = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return civil - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which Paris clocks show the given civil date and time, expressed as
 * `Date.UTC(year, month - 1, day, hour, minute, second)`. A time skipped by the spring change lands
 * an hour later.
 */
export function parisCivilToInstant(civilAsUtcMs: number): Date {
  // Second pass in case the first guess fell on the other side of a daylight-saving change.
  const guess = civilAsUtcMs - parisOffset(civilAsUtcMs);
  return new Date(civilAsUtcMs - parisOffset(guess));
}

/** Day of the month of the last Sunday of `month` (1–12) in `year`. */
function lastSunday(year: number, month: number): number {
  const last = daysInMonth(year, month);
  const weekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
  return last - weekday;
}

/** Summer time bounds of the year last asked for: claims arrive in bursts within one year. */
let summer = { year: -1, start: 0, end: 0 };

/**
 * The Paris civil date of an instant ("YYYY-MM-DD"), e.g. today's date with `parisDateOf(now)`.
 * Paris is UTC+1, and UTC+2 from the last Sunday of March to the last Sunday of October at
 * 01:00 UTC (EU rule since 1996): computed rather than asked of Intl, which costs microseconds per
 * call on the claims adjudication path. A property test keeps it identical to Intl.
 */
export function parisDateOf(at: Instant): string {
  const ms = toDate(at).getTime();
  const year = new Date(ms).getUTCFullYear();
  if (summer.year !== year) {
    summer = { year, start: Date.UTC(year, 2, lastSunday(year, 3), 1), end: Date.UTC(year, 9, lastSunday(year, 10), 1) };
  }
  const offsetHours = ms >= summer.start && ms < summer.end ? 2 : 1;
  const local = new Date(ms + offsetHours * 3_600_000);
  return civilDateFrom(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
}

/** The Paris calendar year of an instant, e.g. "2026" (numbering of claims and payment batches). */
export function parisYear(at: Instant): string {
  return parisDateOf(at).slice(0, 4);
}

const fr = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("fr-FR", { ...options, timeZone: "Europe/Paris" });
const dateLong = fr({ dateStyle: "long" });
const dateTimeLong = fr({ dateStyle: "long", timeStyle: "short" });
const dateTimeShort = fr({ dateStyle: "short", timeStyle: "short" });
const dateTimeSeconds = fr({ dateStyle: "short", timeStyle: "medium" });
const weekday = fr({ dateStyle: "full" });
const weekdayTime = fr({ dateStyle: "full", timeStyle: "short" });
const time = fr({ timeStyle: "short" });

/** « 28 novembre 2026 » (Paris time). */
export const formatParisDate = (at: Instant) => dateLong.format(toDate(at));
/** « 28 novembre 2026 à 14:05 » (Paris time). */
export const formatParisDateTime = (at: Instant) => dateTimeLong.format(toDate(at));
/** « 28/11/2026 14:05 » (Paris time): lists and tables. */
export const formatParisDateTimeShort = (at: Instant) => dateTimeShort.format(toDate(at));
/** « 28/11/2026 14:05:09 » (Paris time): logs and audit entries. */
export const formatParisDateTimeSeconds = (at: Instant) => dateTimeSeconds.format(toDate(at));
/** « jeudi 28 novembre 2026 » (Paris time). */
export const formatParisWeekday = (at: Instant) => weekday.format(toDate(at));
/** « jeudi 28 novembre 2026 à 14:05 » (Paris time). */
export const formatParisWeekdayTime = (at: Instant) => weekdayTime.format(toDate(at));
/** « 14:05 » (Paris time). */
export const formatParisTime = (at: Instant) => time.format(toDate(at));
