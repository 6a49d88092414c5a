import { randomInt, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { appendAudit } from "~/platform/audit/audit.server";
import { blockedFor, hit } from "~/platform/auth/throttle.server";
import { blindIndex } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { subscriptionDrafts } from "~/platform/db/schema";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { CODE_LIFETIME_MS, CODE_SENDS_PER_HOUR, CODE_SENDS_PER_IP_PER_HOUR, MAX_ATTEMPTS, attemptsLeftAfterFailure, codeCheck, formatCode } from "./signature-code";
import { completionOf, type ClientInfo, type Draft } from "./subscription-draft.server";
import { submitSubscription } from "./submit-subscription.server";
import { signatureCodeMail } from "./subscription-mail";
import { openDraft } from "./draft-storage.server";

/*
 * E-signature by a 6-digit code e-mailed to the address given in the contact step. The code is
 * stored as an HMAC under the blind-index key (a plain hash of a 6-digit number is reversed in
 * milliseconds), compared in constant time, and every send and attempt is audited. The right code
 * submits the subscription in the same transaction.
 */

const anonymous = { userId: null, label: "anonyme" };

function codeHash(draftId: string, code: string): string {
  return blindIndex("subscription.signature-code", `${draftId}:${code}`);
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function memberFirstName(draft: Draft): string {
  const index = Math.max(0, draft.quote.persons.findIndex((p) => p.role === "MEMBER"));
  return draft.data.persons?.[index]?.firstName ?? "";
}

export type SendResult = { kind: "sent"; expiresAt: Date } | { kind: "throttled"; retryAfterSeconds: number } | { kind: "not-ready" };

/** Sends a new code (any previous one stops working). */
export async function sendSignatureCode(db: Db, draft: Draft, client: ClientInfo, now = new Date()): Promise<SendResult> {
  const done = completionOf(draft);
  if (!(draft.status === "DRAFT" || draft.status === "SIGNING") || !done.documents || !done.banque || !draft.data.address) {
    return { kind: "not-ready" };
  }
  const key = `subscription:code:${draft.id}`;
  // Per IP as well: each draft may send 5 codes, and one client could open many drafts to make
  // Bascule mail addresses that are not theirs.
  const ipKey = `subscription:code:ip:${client.ipHash}`;
  const blocked = Math.max(await blockedFor(db, key, now), await blockedFor(db, ipKey, now));
  if (blocked > 0) {
    await appendAudit(db, {
      actor: anonymous,
      action: "subscription.signature.code-sent",
      outcome: "denied",
      targetType: "subscription",
      targetId: draft.id,
      ipHash: client.ipHash,
      details: { reason: "rate-limited" },
    }, now);
    return { kind: "throttled", retryAfterSeconds: blocked };
  }
  const code = formatCode(randomInt(0, 1_000_000));
  const expiresAt = new Date(now.getTime() + CODE_LIFETIME_MS);
  await db.transaction(async (tx) => {
    await hit(tx, key, { limit: CODE_SENDS_PER_HOUR, windowMs: 60 * 60_000, blockMs: 60 * 60_000 }, now);
    await hit(tx, ipKey, { limit: CODE_SENDS_PER_IP_PER_HOUR, windowMs: 60 * 60_000, blockMs: 60 * 60_000 }, now);
    await tx
      .update(subscriptionDrafts)
      .set({
        status: "SIGNING",
        signatureCodeHash: codeHash(draft.id, code),
        signatureCodeExpiresAt: expiresAt,
        signatureAttempts: 0,
        signatureLockedAt: null,
        currentStep: "signature",
        updatedAt: now,
      })
      .where(eq(subscriptionDrafts.id, draft.id));
    await enqueueMail(tx, signatureCodeMail({ to: draft.data.address!.email, firstName: memberFirstName(draft), code, validMinutes: CODE_LIFETIME_MS / 60_000 }), now);
    await appendAudit(tx, {
      actor: anonymous,
      action: "subscription.signature.code-sent",
      outcome: "success",
      targetType: "subscription",
      targetId: draft.id,
      ipHash: client.ipHash,
    }, now);
  });
  return { kind: "sent", expiresAt };
}

export type VerifyResult =
  | { kind: "signed"; contractNumber: string; memberNumber: string }
  | { kind: "wrong"; attemptsLeft: number }
  | { kind: "locked" }
  | { kind: "expired" }
  | { kind: "no-code" }
  | { kind: "incomplete" };

/** Checks a code; the right one signs and submits. The draft row is locked for the check. */
export async function verifySignatureCode(db: Db, draftId: string, code: string, client: ClientInfo, now = new Date()): Promise<VerifyResult> {
  const normalized = code.replace(/\s/g, "");
  return db.transaction(async (tx) => {
    const [stored] = await tx.select().from(subscriptionDrafts).where(eq(subscriptionDrafts.id, draftId)).for("update");
    const draft = stored ? openDraft(stored) : undefined;
    if (!draft || draft.status !== "SIGNING") return { kind: "no-code" } as const;
    const state = codeCheck(
      { hasCode: draft.signatureCodeHash !== null, expiresAt: draft.signatureCodeExpiresAt, attempts: draft.signatureAttempts, lockedAt: draft.signatureLockedAt },
      now,
    );
    const audit = (outcome: "success" | "failure" | "denied", details: Record<string, unknown>) =>
      appendAudit(tx, {
        actor: anonymous,
        action: "subscription.signature.attempt",
        outcome,
        targetType: "subscription",
        targetId: draft.id,
        ipHash: client.ipHash,
        details,
      }, now);
    if (state !== "open") {
      await audit("denied", { reason: state });
      return { kind: state === "no-code" ? "no-code" : state } as const;
    }
    if (!sameHash(codeHash(draft.id, normalized), draft.signatureCodeHash!)) {
      const left = attemptsLeftAfterFailure(draft.signatureAttempts);
      await tx
        .update(subscriptionDrafts)
        .set({
          signatureAttempts: draft.signatureAttempts + 1,
          ...(left === 0 ? { signatureLockedAt: now, signatureCodeHash: null } : {}),
          updatedAt: now,
        })
        .where(and(eq(subscriptionDrafts.id, draft.id)));
      await audit("failure", { attempt: draft.signatureAttempts + 1, maxAttempts: MAX_ATTEMPTS, locked: left === 0 });
      return left === 0 ? ({ kind: "locked" } as const) : ({ kind: "wrong", attemptsLeft: left } as const);
    }
    await audit("success", { attempt: draft.signatureAttempts + 1 });
    const submitted = await submitSubscription(tx, draft, now);
    if (submitted.kind !== "submitted") {
      await appendAudit(tx, {
        actor: anonymous,
        action: "subscription.submitted",
        outcome: "failure",
        targetType: "subscription",
        targetId: draft.id,
        ipHash: client.ipHash,
        details: { reason: submitted.kind },
      }, now);
      return submitted;
    }
    return { kind: "signed", contractNumber: submitted.contractNumber, memberNumber: submitted.memberNumber } as const;
  });
}
