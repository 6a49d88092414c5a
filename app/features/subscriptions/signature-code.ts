/*
 * Rules of the e-signature code, pure: a 6-digit code is valid 10 minutes, and 5 wrong attempts
 * lock it (a new code can then be requested, within the sending limit).
 */

export const CODE_LIFETIME_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
/** New codes per draft and hour: enough to recover from a lost e-mail, too few to flood a mailbox. */
export const CODE_SENDS_PER_HOUR = 5;
/** New codes per client IP and hour, all drafts together. */
export const CODE_SENDS_PER_IP_PER_HOUR = 20;

export type CodeState = {
  hasCode: boolean;
  expiresAt: Date | null;
  attempts: number;
  lockedAt: Date | null;
};

export type CodeCheck = "no-code" | "locked" | "expired" | "open";

/** Whether an attempt may be made now. */
export function codeCheck(state: CodeState, now: Date): CodeCheck {
  if (state.lockedAt) return "locked";
  if (!state.hasCode || !state.expiresAt) return "no-code";
  if (state.attempts >= MAX_ATTEMPTS) return "locked";
  if (now.getTime() >= state.expiresAt.getTime()) return "expired";
  return "open";
}

/** After a wrong code: how many tries remain, 0 meaning the code is now locked. */
export function attemptsLeftAfterFailure(attemptsBefore: number): number {
  return Math.max(0, MAX_ATTEMPTS - (attemptsBefore + 1));
}

/** A uniformly drawn 6-digit code, leading zeros kept. */
export function formatCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999) throw new RangeError("formatCode: 0..999999");
  return String(n).padStart(6, "0");
}
