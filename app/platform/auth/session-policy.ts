import type { Role } from "./permissions";

/** Inactivity and absolute limits, shorter for staff whose sessions can do more harm. */
export const SESSION_POLICY = {
  MEMBER: { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 },
  STAFF: { idleMs: 15 * 60_000, absoluteMs: 8 * 60 * 60_000 },
  /** A login waiting for its TOTP step must finish quickly. */
  PENDING_MFA: { idleMs: 5 * 60_000, absoluteMs: 5 * 60_000 },
} as const;

/** `lastSeenAt` is written at most this often, not on every request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export function policyFor(role: Role) {
  return role === "MEMBER" ? SESSION_POLICY.MEMBER : SESSION_POLICY.STAFF;
}

export type SessionTimes = { createdAt: Date; lastSeenAt: Date; expiresAt: Date; mfaVerified: boolean };

/** Why a session is no longer valid at `now`, or null when it still is. */
export function sessionExpiry(role: Role, s: SessionTimes, now: Date): "absolute" | "idle" | null {
  const policy = s.mfaVerified ? policyFor(role) : SESSION_POLICY.PENDING_MFA;
  if (now.getTime() >= s.expiresAt.getTime()) return "absolute";
  if (now.getTime() - s.lastSeenAt.getTime() >= policy.idleMs) return "idle";
  return null;
}
