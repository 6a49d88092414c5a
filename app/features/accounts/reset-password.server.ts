import { and, eq, isNull } from "drizzle-orm";
import { checkPassword } from "~/platform/auth/password-policy.server";
import type { PasswordProblem } from "~/platform/auth/password-rules";
import { hashPassword } from "~/platform/auth/password.server";
import { invalidateUserSessions } from "~/platform/auth/session.server";
import { THROTTLE_RULES, blockedFor, hit } from "~/platform/auth/throttle.server";
import { blindIndex } from "~/platform/crypto/keyring.server";
import { config } from "~/platform/config/env.server";
import type { Db } from "~/platform/db/client.server";
import { authTokens, users } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { normalizeEmail } from "./email";
import type { ClientInfo } from "./login.server";
import { TOKEN_LIFETIME_MS, consumeToken, findUsableToken, newToken } from "./tokens.server";
import { INSURER } from "~/ui/insurer";
import { appendAudit } from "~/platform/audit/audit.server";
import { OWN_ACCOUNT_LABEL, auditOwnAccount } from "./own-account-audit.server";
import { emailIndex, openTokenEmail, openUserEmail, sealTokenEmail } from "~/platform/crypto/personal-data.server";

/**
 * "Forgotten password": the same answer whether or not the address has an account; a single-use
 * 256-bit token valid 30 minutes is e-mailed when it does.
 */
export async function requestPasswordReset(
  db: Db,
  input: { email: string; client: ClientInfo },
  now = new Date(),
): Promise<{ kind: "accepted" } | { kind: "throttled"; retryAfterSeconds: number }> {
  const email = normalizeEmail(input.email);
  const ipKey = `reset:ip:${input.client.ipHash}`;
  const targetKey = `reset:account:${blindIndex("login-account", email)}`;
  const blocked = Math.max(await blockedFor(db, ipKey, now), await blockedFor(db, targetKey, now));
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };

  return db.transaction(async (tx) => {
    await hit(tx, ipKey, THROTTLE_RULES.emailRequestIp, now);
    await hit(tx, targetKey, THROTTLE_RULES.emailRequestTarget, now);
    const [user] = await tx
      .select({ id: users.id, emailEnc: users.emailEnc, displayName: users.displayName, status: users.status })
      .from(users)
      .where(eq(users.emailBidx, emailIndex(email)))
      .limit(1);
    if (!user || user.status !== "ACTIVE") {
      await appendAudit(tx, {
        actor: { userId: null, label: "anonyme" },
        action: "auth.password-reset.requested",
        outcome: "failure",
        ipHash: input.client.ipHash,
        details: { reason: user ? "disabled" : "unknown-account", account: blindIndex("audit-email", email) },
      }, now);
      return { kind: "accepted" } as const;
    }
    // Only the newest link works.
    await tx
      .update(authTokens)
      .set({ usedAt: now })
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, "PASSWORD_RESET"), isNull(authTokens.usedAt)));
    const { token, hash } = newToken();
    await tx.insert(authTokens).values({
      purpose: "PASSWORD_RESET",
      tokenHash: hash,
      userId: user.id,
      ...sealTokenEmail(email),
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS.PASSWORD_RESET),
    });
    await enqueueMail(tx, {
      to: openUserEmail(user.emailEnc),
      template: "auth.password-reset",
      subject: "Réinitialisation de votre mot de passe Bascule",
      text: `Bonjour ${user.displayName},\n\nPour choisir un nouveau mot de passe, suivez ce lien (valable 30 minutes, utilisable une seule fois) :\n${config().publicOrigin}/mot-de-passe-oublie/${token}\n\nToutes vos sessions ouvertes seront fermées.\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.\n\nBascule, votre mutuelle santé`,
    });
    await auditOwnAccount(tx, { id: user.id }, "auth.password-reset.requested", "success", input.client.ipHash, now);
    return { kind: "accepted" } as const;
  });
}

export async function resetTokenIsUsable(db: Db, token: string, now = new Date()): Promise<boolean> {
  return (await findUsableToken(db, "PASSWORD_RESET", token, now)) !== null;
}

export type ResetResult = { kind: "invalid-token" } | { kind: "weak-password"; problem: PasswordProblem } | { kind: "reset" };

/** Sets the new password, consumes the token and ends every session of the account. */
export async function completePasswordReset(
  db: Db,
  input: { token: string; password: string; client: ClientInfo },
  now = new Date(),
): Promise<ResetResult> {
  const found = await findUsableToken(db, "PASSWORD_RESET", input.token, now);
  if (!found?.userId) return { kind: "invalid-token" };
  const [user] = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, found.userId));
  if (!user) return { kind: "invalid-token" };
  const email = openTokenEmail(found);
  const problem = checkPassword(input.password, [email.split("@")[0] ?? "", ...user.displayName.split(" ")]);
  if (problem) return { kind: "weak-password", problem };
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (!(await consumeToken(tx, found.id, now))) return { kind: "invalid-token" } as const;
    await tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, found.userId!));
    await invalidateUserSessions(tx, found.userId!);
    await enqueueMail(tx, {
      to: email,
      template: "auth.password-changed",
      subject: "Votre mot de passe Bascule a été modifié",
      text: `Bonjour ${user.displayName},\n\nLe mot de passe de votre compte Bascule vient d’être modifié et toutes vos sessions ont été fermées.\nSi vous n’êtes pas à l’origine de ce changement, appelez-nous immédiatement au ${INSURER.phone}.\n\nBascule, votre mutuelle santé`,
    });
    await appendAudit(tx, {
      actor: { userId: found.userId, label: OWN_ACCOUNT_LABEL },
      action: "auth.password-reset.completed",
      outcome: "success",
      targetType: "user",
      targetId: found.userId!,
      ipHash: input.client.ipHash,
    }, now);
    return { kind: "reset" } as const;
  });
}
