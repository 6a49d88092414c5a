/*
 * Retry schedule of the mail outbox. Pure: the caller passes the random draw, so the schedule is
 * tested with fixed values and the dispatcher stays deterministic under test.
 */

export const RETRY_BASE_DELAY_MS = 30_000;
export const RETRY_MAX_DELAY_MS = 60 * 60_000;

/**
 * Failed attempts after which a message is a dead letter, left for an administrator to resend.
 * Ten attempts are nine waits of at most 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h twice, between one and
 * a half and three hours with jitter: a relay outage or a maintenance window of that order is ridden
 * out without anyone having to act.
 */
export const MAX_ATTEMPTS = 10;

/**
 * Delay before the next attempt, once `attempts` attempts (at least one) have failed: 30 s doubled
 * at each failure, capped at one hour, with "equal jitter" — a uniform draw in the upper half of
 * that window — so that messages failed by the same outage do not all come back in one burst.
 *
 * @param random a uniform draw in [0, 1), e.g. `Math.random()`
 */
export function nextRetryDelayMs(attempts: number, random: number): number {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1), got ${random}`);
  // The exponent is clamped before exponentiation so that a large count cannot overflow to Infinity.
  const window = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.min(attempts - 1, 30));
  return Math.round(window / 2 + random * (window / 2));
}
