import { and, eq, ne } from "drizzle-orm";
import { isStaff } from "~/platform/auth/permissions";
import { checkPassword } from "~/platform/auth/password-policy.server";
import type { PasswordProblem } from "~/platform/auth/password-rules";
import { hashPassword, verifyPassword } from "~/platform/auth/password.server";
import { matchTotp, newTotpKey, totpKeyFromBase32, totpKeyToBase32, totpUri } from "~/platform/auth/totp";
import { DecryptionError, decryptField, encryptField } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { sessions, users } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { INSURER } from "~/ui/insurer";
import { auditOwnAccount } from "./own-account-audit.server";
import { openUserEmail } from "~/platform/crypto/personal-data.server";
import { PASSWORD_LOCKOUT_SECONDS, clearPasswordFailures, countPasswordFailure, passwordChecksBlockedFor } from "./login.server";

/*
 * What a signed-in person can change about their own account's security: their password and
 * two-step verification. Every change is audited and notified by e-mail.
 */

export async function getAccountSecurity(db: Db, userId: string) {
  const [user] = await db
    .select({ emailEnc: users.emailEnc, role: users.role, totpEnabled: users.totpEnabled, passwordChangedAt: users.passwordChangedAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new Error("account not found");
  const { emailEnc, ...rest } = user;
  return { ...rest, email: openUserEmail(emailEnc) };
}

/**
 * A new TOTP key to show to the user. Until confirmed with a valid code it is kept nowhere but
 * in the form, sealed (encrypted and bound to this user), so an unfinished enrolment leaves
 * nothing behind.
 */
export function startTotpEnrolment(userId: string, email: string) {
  const key = newTotpKey();
  const base32 = totpKeyToBase32(key);
  return { base32, uri: totpUri(email, key), sealed: encryptField(`totp-enrolment:${userId}`, base32) };
}

/** The same enrolment again (after a wrong code), so the key shown does not change under the user. */
export function resumeTotpEnrolment(userId: string, email: string, sealed: string) {
  try {
    const base32 = decryptField(`totp-enrolment:${userId}`, sealed);
    return { base32, uri: totpUri(email, totpKeyFromBase32(base32)), sealed };
  } catch (err) {
    if (err instanceof DecryptionError) return null;
    throw err;
  }
}

export async function confirmTotpEnrolment(
  db: Db,
  input: { userId: string; email: string; sealed: string; code: string; ipHash: string },
  now = new Date(),
): Promise<"enabled" | "invalid-code" | "invalid-key"> {
  let base32: string;
  try {
    base32 = decryptField(`totp-enrolment:${input.userId}`, input.sealed);
  } catch (err) {
    if (err instanceof DecryptionError) return "invalid-key";
    throw err;
  }
  const step = matchTotp(totpKeyFromBase32(base32), input.code.replace(/\s/g, ""), now);
  if (step === null) return "invalid-code";
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpKeyEnc: encryptField("users.totp_key", base32), totpEnabled: true, totpLastStep: step })
      .where(eq(users.id, input.userId));
    await enqueueMail(tx, {
      to: input.email,
      template: "account.mfa-enabled",
      subject: "Vérification en deux étapes activée sur votre compte Bascule",
      text: `Bonjour,\n\nLa vérification en deux étapes vient d’être activée sur votre compte Bascule. À chaque connexion, un code de votre application d’authentification vous sera demandé.\nSi vous n’êtes pas à l’origine de ce changement, appelez-nous immédiatement au ${INSURER.phone}.\n\nBascule, votre mutuelle santé`,
    });
    await auditOwnAccount(tx, { id: input.userId }, "account.mfa.enabled", "success", input.ipHash, now);
  });
  return "enabled";
}

/** Members may turn two-step verification off (with their password); staff may not. */
export async function disableTotp(
  db: Db,
  input: { userId: string; password: string; ipHash: string },
  now = new Date(),
): Promise<"disabled" | "bad-password" | "forbidden" | { throttled: number }> {
  const [user] = await db.select().from(users).where(eq(users.id, input.userId));
  if (!user || isStaff(user.role)) return "forbidden";
  const throttle = { email: openUserEmail(user.emailEnc), ipHash: input.ipHash };
  const blocked = await passwordChecksBlockedFor(db, throttle, now);
  if (blocked > 0) return { throttled: blocked };
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.password))) {
    const nowBlocked = await db.transaction(async (tx) => {
      await auditOwnAccount(tx, { id: user.id }, "account.mfa.disable-refused", "failure", input.ipHash, now);
      return countPasswordFailure(tx, throttle, now);
    });
    return nowBlocked ? { throttled: PASSWORD_LOCKOUT_SECONDS } : "bad-password";
  }
  await db.transaction(async (tx) => {
    await clearPasswordFailures(tx, throttle.email);
    await tx.update(users).set({ totpKeyEnc: null, totpEnabled: false, totpLastStep: null }).where(eq(users.id, user.id));
    await enqueueMail(tx, {
      to: openUserEmail(user.emailEnc),
      template: "account.mfa-disabled",
      subject: "Vérification en deux étapes désactivée sur votre compte Bascule",
      text: `Bonjour,\n\nLa vérification en deux étapes vient d’être désactivée sur votre compte Bascule.\nSi vous n’êtes pas à l’origine de ce changement, appelez-nous immédiatement au ${INSURER.phone}.\n\nBascule, votre mutuelle santé`,
    });
    await auditOwnAccount(tx, { id: user.id }, "account.mfa.disabled", "success", input.ipHash, now);
  });
  return "disabled";
}

/** Changes the password and ends every other session of the account. */
export async function changePassword(
  db: Db,
  input: { userId: string; sessionId: string; currentPassword: string; newPassword: string; ipHash: string },
  now = new Date(),
): Promise<{ kind: "changed" } | { kind: "bad-password" } | { kind: "throttled"; retryAfterSeconds: number } | { kind: "weak-password"; problem: PasswordProblem }> {
  const [user] = await db.select().from(users).where(eq(users.id, input.userId));
  if (!user) return { kind: "bad-password" };
  const throttle = { email: openUserEmail(user.emailEnc), ipHash: input.ipHash };
  const blocked = await passwordChecksBlockedFor(db, throttle, now);
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    const nowBlocked = await db.transaction(async (tx) => {
      await auditOwnAccount(tx, { id: user.id }, "account.password.change-refused", "failure", input.ipHash, now);
      return countPasswordFailure(tx, throttle, now);
    });
    return nowBlocked ? { kind: "throttled", retryAfterSeconds: PASSWORD_LOCKOUT_SECONDS } : { kind: "bad-password" };
  }
  const email = openUserEmail(user.emailEnc);
  const problem = checkPassword(input.newPassword, [email.split("@")[0] ?? "", ...user.displayName.split(" ")]);
  if (problem) return { kind: "weak-password", problem };
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await clearPasswordFailures(tx, throttle.email);
    await tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.id, input.sessionId)));
    await enqueueMail(tx, {
      to: email,
      template: "auth.password-changed",
      subject: "Votre mot de passe Bascule a été modifié",
      text: `Bonjour ${user.displayName},\n\nLe mot de passe de votre compte Bascule vient d’être modifié ; vos autres sessions ont été fermées.\nSi vous n’êtes pas à l’origine de ce changement, appelez-nous immédiatement au ${INSURER.phone}.\n\nBascule, votre mutuelle santé`,
    });
    await auditOwnAccount(tx, { id: user.id }, "account.password.changed", "success", input.ipHash, now);
  });
  return { kind: "changed" };
}
