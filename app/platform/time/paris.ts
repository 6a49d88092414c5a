/*
 * Bascule's civil time is Paris time (members, staff and regulators all reason in it). These
 * helpers convert between Paris wall-clock values and instants, across daylight-saving changes.
 */

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
