import { and, eq, isNull, lt, or } from "drizzle-orm";
import { appendAudit } from "~/platform/audit/audit.server";
import { isStaff } from "~/platform/auth/permissions";
import { verifyAgainstDummy, verifyPassword } from "~/platform/auth/password.server";
import { createSession, invalidateSession } from "~/platform/auth/session.server";
import { THROTTLE_RULES, blockedFor, hit, reset } from "~/platform/auth/throttle.server";
import { matchTotp, totpKeyFromBase32 } from "~/platform/auth/totp";
import { blindIndex, decryptField } from "~/platform/crypto/keyring.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { sessions, users } from "~/platform/db/schema";
import { normalizeEmail } from "./email";
import { OWN_ACCOUNT_LABEL, auditOwnAccount } from "./own-account-audit.server";
import { emailIndex } from "~/platform/crypto/personal-data.server";

export type ClientInfo = { ipHash: string; userAgent: string | null };

export type LoginResult =
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "invalid" }
  | { kind: "signed-in"; token: string; expiresAt: Date; role: "MEMBER" | "CLAIMS_HANDLER" | "ADMIN" }
  | { kind: "mfa-required"; token: string; expiresAt: Date };

const accountKey = (email: string) => `login:account:${blindIndex("login-account", email)}`;
const ipKey = (ipHash: string) => `login:ip:${ipHash}`;

/**
 * The login's throttle guards every check of an account's password (the login, and the current
 * password asked again in the member's security page): the same counters per account and per IP,
 * so guesses anywhere count towards the same lockout. Seconds until a check is allowed again.
 */
export async function passwordChecksBlockedFor(db: DbOrTx, input: { email: string; ipHash: string }, now: Date): Promise<number> {
  const email = normalizeEmail(input.email);
  return Math.max(await blockedFor(db, accountKey(email), now), await blockedFor(db, ipKey(input.ipHash), now));
}

/** Counts a wrong password against the account and the IP; true when either is now blocked. */
export async function countPasswordFailure(tx: DbOrTx, input: { email: string; ipHash: string }, now: Date): Promise<boolean> {
  const accountBlocked = await hit(tx, accountKey(normalizeEmail(input.email)), THROTTLE_RULES.loginAccount, now);
  const ipBlocked = await hit(tx, ipKey(input.ipHash), THROTTLE_RULES.loginIp, now);
  return accountBlocked || ipBlocked;
}

/** A right password clears the account's failures (not the IP's). */
export async function clearPasswordFailures(tx: DbOrTx, email: string): Promise<void> {
  await reset(tx, accountKey(normalizeEmail(email)));
}

export const PASSWORD_LOCKOUT_SECONDS = Math.ceil(THROTTLE_RULES.loginAccount.blockMs / 1000);

/**
 * Password step of the login. Unknown e-mails, wrong passwords and disabled accounts give the
 * same answer in the same time; failures count against both the account and the IP.
 */
export async function loginWithPassword(
  db: Db,
  input: { email: string; password: string; client: ClientInfo },
  now = new Date(),
): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  const blocked = await passwordChecksBlockedFor(db, { email, ipHash: input.client.ipHash }, now);
  if (blocked > 0) {
    await appendAudit(db, {
      actor: { userId: null, label: "anonyme" },
      action: "auth.login.throttled",
      outcome: "denied",
      ipHash: input.client.ipHash,
      details: { account: blindIndex("audit-email", email) },
    }, now);
    return { kind: "throttled", retryAfterSeconds: blocked };
  }

  const [user] = await db.select().from(users).where(eq(users.emailBidx, emailIndex(email))).limit(1);
  const passwordOk = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password);
  const staffWithoutMfa = user ? isStaff(user.role) && !user.totpEnabled : false;

  if (!user || !passwordOk || user.status !== "ACTIVE" || staffWithoutMfa) {
    return db.transaction(async (tx) => {
      const nowBlocked = await countPasswordFailure(tx, { email, ipHash: input.client.ipHash }, now);
      await appendAudit(tx, {
        actor: user ? { userId: user.id, label: OWN_ACCOUNT_LABEL } : { userId: null, label: "anonyme" },
        action: "auth.login.failed",
        outcome: "failure",
        targetType: user ? "user" : undefined,
        targetId: user?.id,
        ipHash: input.client.ipHash,
        details: {
          reason: !user ? "unknown-account" : !passwordOk ? "bad-password" : user.status !== "ACTIVE" ? "disabled" : "staff-without-mfa",
          ...(user ? {} : { account: blindIndex("audit-email", email) }),
        },
      }, now);
      if (nowBlocked) return { kind: "throttled", retryAfterSeconds: PASSWORD_LOCKOUT_SECONDS } as const;
      return { kind: "invalid" } as const;
    });
  }

  const mfaRequired = user.totpEnabled;
  return db.transaction(async (tx) => {
    await clearPasswordFailures(tx, email);
    const { token, session } = await createSession(
      tx,
      { userId: user.id, role: user.role, mfaVerified: !mfaRequired, ipHash: input.client.ipHash, userAgent: input.client.userAgent },
      now,
    );
    if (!mfaRequired) await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    await auditOwnAccount(tx, { id: user.id }, mfaRequired ? "auth.login.password-accepted" : "auth.login.succeeded", "success", input.client.ipHash, now);
    return mfaRequired
      ? ({ kind: "mfa-required", token, expiresAt: session.expiresAt } as const)
      : ({ kind: "signed-in", token, expiresAt: session.expiresAt, role: user.role } as const);
  });
}

export type TotpResult =
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "invalid" }
  | { kind: "expired" }
  | { kind: "signed-in"; token: string; expiresAt: Date; role: "MEMBER" | "CLAIMS_HANDLER" | "ADMIN" };

/**
 * Second step: a TOTP code for a session waiting for it. On success the pending session is
 * replaced by a new one (session id rotation at privilege change). A code is accepted once.
 */
export async function completeTotpStep(
  db: Db,
  input: { pendingSessionId: string; code: string; client: ClientInfo },
  now = new Date(),
): Promise<TotpResult> {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, input.pendingSessionId), eq(sessions.mfaVerified, false)))
    .limit(1);
  if (!row || row.session.expiresAt <= now || !row.user.totpKeyEnc || row.user.status !== "ACTIVE") return { kind: "expired" };
  const user = row.user;
  const key = `totp:account:${user.id}`;
  const blocked = await blockedFor(db, key, now);
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };

  const totpKey = totpKeyFromBase32(decryptField("users.totp_key", user.totpKeyEnc!));
  const step = matchTotp(totpKey, input.code.replace(/\s/g, ""), now);

  const refuse = async (tx: DbOrTx, reason: "bad-code" | "code-replayed") => {
    const nowBlocked = await hit(tx, key, THROTTLE_RULES.totpAccount, now);
    await auditOwnAccount(tx, { id: user.id }, "auth.mfa.failed", "failure", input.client.ipHash, now, { reason });
    if (nowBlocked) {
      await invalidateSession(tx, input.pendingSessionId);
      return { kind: "throttled", retryAfterSeconds: Math.ceil(THROTTLE_RULES.totpAccount.blockMs / 1000) } as const;
    }
    return { kind: "invalid" } as const;
  };

  if (step === null) return db.transaction((tx) => refuse(tx, "bad-code"));

  return db.transaction(async (tx) => {
    // Single use, even for simultaneous attempts: the step is claimed by a compare-and-set that
    // only one transaction can win (the others find the step already used once the row is theirs).
    const claimed = await tx
      .update(users)
      .set({ totpLastStep: step, lastLoginAt: now })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    if (claimed.length === 0) return refuse(tx, "code-replayed");
    await invalidateSession(tx, input.pendingSessionId);
    await reset(tx, key);
    const { token, session } = await createSession(
      tx,
      { userId: user.id, role: user.role, mfaVerified: true, ipHash: input.client.ipHash, userAgent: input.client.userAgent },
      now,
    );
    await auditOwnAccount(tx, { id: user.id }, "auth.login.succeeded", "success", input.client.ipHash, now, { mfa: "totp" });
    return { kind: "signed-in", token, expiresAt: session.expiresAt, role: user.role } as const;
  });
}

export async function logout(db: Db, input: { sessionId: string; userId: string; ipHash: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await invalidateSession(tx, input.sessionId);
    await auditOwnAccount(tx, { id: input.userId }, "auth.logout", "success", input.ipHash, new Date());
  });
}
