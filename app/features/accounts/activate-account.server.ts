import { and, eq, isNull } from "drizzle-orm";
import { appendAudit } from "~/platform/audit/audit.server";
import { checkPassword } from "~/platform/auth/password-policy.server";
import type { PasswordProblem } from "~/platform/auth/password-rules";
import { hashPassword } from "~/platform/auth/password.server";
import { createSession } from "~/platform/auth/session.server";
import { THROTTLE_RULES, blockedFor, hit } from "~/platform/auth/throttle.server";
import { config } from "~/platform/config/env.server";
import { blindIndex } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { authTokens, persons, users } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import type { ClientInfo } from "./login.server";
import { TOKEN_LIFETIME_MS, consumeToken, findUsableToken, newToken } from "./tokens.server";
import { auditOwnAccount } from "./own-account-audit.server";
import { openPersonContact, openTokenEmail, sealTokenEmail, sealUserEmail } from "~/platform/crypto/personal-data.server";

/**
 * Account activation for people who are already members: member number + birth date prove
 * membership, the e-mail address on file proves control of the mailbox, then a password is
 * chosen. Step one must not be an oracle: the answer, its status and the throttling are the same
 * whether or not the member number and birth date match. Every attempt counts against the
 * per-IP key and against a per-member-number key (a blind index of the number as typed, so the
 * throttle table holds no member number), before the lookup; a lockout therefore cannot be
 * aimed at a member by knowing their birth date, nor does it reveal one. Residual: a match also
 * writes the token and the outbox row in the same transaction, a few milliseconds more than a
 * non-match's audit entry (see ADR 011).
 */
export async function requestActivation(
  db: Db,
  input: { memberNumber: string; birthDate: string; client: ClientInfo },
  now = new Date(),
): Promise<{ kind: "accepted" } | { kind: "throttled"; retryAfterSeconds: number }> {
  const ipKey = `activation:ip:${input.client.ipHash}`;
  const targetKey = `activation:member:${blindIndex("activation-member-number", input.memberNumber.trim().toUpperCase())}`;
  const blocked = Math.max(await blockedFor(db, ipKey, now), await blockedFor(db, targetKey, now));
  if (blocked > 0) return { kind: "throttled", retryAfterSeconds: blocked };

  return db.transaction(async (tx) => {
    await hit(tx, ipKey, THROTTLE_RULES.emailRequestIp, now);
    await hit(tx, targetKey, THROTTLE_RULES.emailRequestTarget, now);
    const [person] = await tx
      .select({ id: persons.id, emailEnc: persons.emailEnc, phoneEnc: persons.phoneEnc, firstName: persons.firstName, userId: users.id })
      .from(persons)
      .leftJoin(users, eq(users.personId, persons.id))
      .where(and(eq(persons.memberNumber, input.memberNumber), eq(persons.birthDate, input.birthDate), eq(persons.role, "MEMBER")))
      .limit(1);
    const email = person ? openPersonContact(person).email : null;
    if (!person || !email) {
      await appendAudit(tx, {
        actor: { userId: null, label: "anonyme" },
        action: "account.activation.requested",
        outcome: "failure",
        ipHash: input.client.ipHash,
        details: { reason: person ? "no-email-on-file" : "no-match" },
      }, now);
      return { kind: "accepted" } as const;
    }
    const origin = config().publicOrigin;
    if (person.userId) {
      await enqueueMail(tx, {
        to: email,
        template: "account.already-active",
        subject: "Votre espace adhérent Bascule est déjà activé",
        text: `Bonjour ${person.firstName},\n\nUne demande d’activation de votre espace adhérent a été faite, mais votre espace est déjà activé.\nSi vous avez oublié votre mot de passe, vous pouvez le réinitialiser ici : ${origin}/mot-de-passe-oublie\n\nSi vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer ce message.\n\nBascule, votre mutuelle santé`,
      });
    } else {
      const { token, hash } = newToken();
      await tx.insert(authTokens).values({
        purpose: "ACTIVATION",
        tokenHash: hash,
        personId: person.id,
        ...sealTokenEmail(email),
        expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS.ACTIVATION),
      });
      await enqueueMail(tx, {
        to: email,
        template: "account.activation",
        subject: "Activez votre espace adhérent Bascule",
        text: `Bonjour ${person.firstName},\n\nPour activer votre espace adhérent, choisissez votre mot de passe en suivant ce lien (valable 24 heures, utilisable une seule fois) :\n${origin}/activation/${token}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne sera activé.\n\nBascule, votre mutuelle santé`,
      });
    }
    await appendAudit(tx, {
      actor: { userId: null, label: "anonyme" },
      action: "account.activation.requested",
      outcome: "success",
      targetType: "person",
      targetId: person.id,
      ipHash: input.client.ipHash,
      details: { alreadyActive: Boolean(person.userId) },
    }, now);
    return { kind: "accepted" } as const;
  });
}

export async function activationTokenIsUsable(db: Db, token: string, now = new Date()): Promise<boolean> {
  return (await findUsableToken(db, "ACTIVATION", token, now)) !== null;
}

export type CompleteActivationResult =
  | { kind: "invalid-token" }
  | { kind: "weak-password"; problem: PasswordProblem }
  | { kind: "activated"; token: string; expiresAt: Date };

/** Second step: the e-mailed link plus a password create the account and sign the member in. */
export async function completeActivation(
  db: Db,
  input: { token: string; password: string; client: ClientInfo },
  now = new Date(),
): Promise<CompleteActivationResult> {
  const found = await findUsableToken(db, "ACTIVATION", input.token, now);
  if (!found?.personId) return { kind: "invalid-token" };
  const [person] = await db
    .select({ firstName: persons.firstName, lastName: persons.lastName })
    .from(persons)
    .where(eq(persons.id, found.personId));
  if (!person) return { kind: "invalid-token" };
  const email = openTokenEmail(found);
  const problem = checkPassword(input.password, [email.split("@")[0] ?? "", person.firstName, person.lastName]);
  if (problem) return { kind: "weak-password", problem };
  const passwordHash = await hashPassword(input.password);

  return db.transaction(async (tx) => {
    if (!(await consumeToken(tx, found.id, now))) return { kind: "invalid-token" } as const;
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.personId, found.personId!));
    const sealed = sealUserEmail(email);
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.emailBidx, sealed.emailBidx));
    if (existing || taken) return { kind: "invalid-token" } as const;
    const [user] = await tx
      .insert(users)
      .values({
        ...sealed,
        role: "MEMBER",
        displayName: `${person.firstName} ${person.lastName}`,
        personId: found.personId,
        passwordHash,
        passwordChangedAt: now,
        lastLoginAt: now,
      })
      .returning({ id: users.id });
    await tx.update(authTokens).set({ usedAt: now }).where(and(eq(authTokens.personId, found.personId!), isNull(authTokens.usedAt)));
    const { token, session } = await createSession(
      tx,
      { userId: user!.id, role: "MEMBER", mfaVerified: true, ipHash: input.client.ipHash, userAgent: input.client.userAgent },
      now,
    );
    await auditOwnAccount(tx, { id: user!.id }, "account.activated", "success", input.client.ipHash, now);
    return { kind: "activated", token, expiresAt: session.expiresAt } as const;
  });
}
