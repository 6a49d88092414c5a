import { timingSafeEqual } from "node:crypto";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import { config } from "../config/env.server";
import { db, type DbOrTx } from "../db/client.server";
import { sessions, users } from "../db/schema";
import type { Role } from "./permissions";
import { LAST_SEEN_RESOLUTION_MS, SESSION_POLICY, policyFor, sessionExpiry } from "./session-policy";
import { openUserEmail } from "../crypto/personal-data.server";

/*
 * Sessions as in Lucia's current guide: token = `<id>.<secret>`, both 120 random bits encoded in
 * base32; only SHA-256(secret) is stored and compared in constant time, so a leaked sessions table
 * does not give sessions away.
 */

export type SessionUser = {
  id: string;
  email: string;
  role: Role;
  displayName: string;
  personId: string | null;
  totpEnabled: boolean;
};

export type Session = {
  id: string;
  userId: string;
  mfaVerified: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};

export type ValidatedSession = { session: Session; user: SessionUser };

function randomSecret(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function sessionCookieName(): string {
  return config().secureCookies ? "__Host-bascule_session" : "bascule_session";
}

export async function createSession(
  tx: DbOrTx,
  input: { userId: string; role: Role; mfaVerified: boolean; ipHash: string | null; userAgent: string | null },
  now = new Date(),
): Promise<{ token: string; session: Session }> {
  const id = randomSecret();
  const secret = randomSecret();
  const policy = input.mfaVerified ? policyFor(input.role) : SESSION_POLICY.PENDING_MFA;
  const session: Session = {
    id,
    userId: input.userId,
    mfaVerified: input.mfaVerified,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + policy.absoluteMs),
  };
  await tx.insert(sessions).values({
    ...session,
    secretHash: hashSecret(secret),
    ipHash: input.ipHash,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { token: `${id}.${secret}`, session };
}

/** Returns the session and its user, or null for a missing, forged, expired or revoked token. */
export async function validateSessionToken(token: string, now = new Date()): Promise<ValidatedSession | null> {
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
  const [row] = await db()
    .select({
      session: sessions,
      user: {
        id: users.id,
        emailEnc: users.emailEnc,
        role: users.role,
        status: users.status,
        displayName: users.displayName,
        personId: users.personId,
        totpEnabled: users.totpEnabled,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (!row) return null;
  const expected = Buffer.from(row.session.secretHash, "hex");
  const actual = Buffer.from(hashSecret(secret), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (row.user.status !== "ACTIVE" || sessionExpiry(row.user.role, row.session, now) !== null) {
    await db().delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  if (now.getTime() - row.session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await db().update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
    row.session.lastSeenAt = now;
  }
  const { status: _status, emailEnc, ...rest } = row.user;
  // Decrypted for the pages that show it to its owner (account, contact form prefill), ADR 019.
  const user = { ...rest, email: openUserEmail(emailEnc) };
  return {
    session: {
      id: row.session.id,
      userId: row.session.userId,
      mfaVerified: row.session.mfaVerified,
      createdAt: row.session.createdAt,
      lastSeenAt: row.session.lastSeenAt,
      expiresAt: row.session.expiresAt,
    },
    user,
  };
}

export async function invalidateSession(tx: DbOrTx, sessionId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user (password change or reset, account disabled). */
export async function invalidateUserSessions(tx: DbOrTx, userId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.userId, userId));
}

export function serializeSessionCookie(token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const secure = config().secureCookies ? "; Secure" : "";
  return `${sessionCookieName()}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

export function serializeClearedSessionCookie(): string {
  const secure = config().secureCookies ? "; Secure" : "";
  return `${sessionCookieName()}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
}

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  const name = sessionCookieName();
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=") || null;
  }
  return null;
}
