import { createHash } from "node:crypto";
import { createChallenge, randomInt, verifySolution } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { lt } from "drizzle-orm";
import { blindIndex } from "~/platform/crypto/keyring.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { contactPowSpent } from "~/platform/db/schema";
import { decodePowPayload, type PowChallenge } from "./proof-of-work";

/*
 * Server side of the contact form's proof of work (ALTCHA, altcha-lib v2). Challenges are
 * stateless and say nothing about who asked: no IP, no cookie, no identifier — only a random
 * nonce and salt, an expiry and an HMAC signature. The counter is chosen at random by the
 * server (deterministic mode), so verifying costs one HMAC while solving costs, on average, half
 * the range of SHA-256 computations. A redeemed challenge is remembered until it expires, so a
 * solution cannot be replayed.
 */

export const POW_TTL_MS = 5 * 60_000;
/*
 * Counter range: 50,000 SHA-256 on average. WebCrypto computes about 60,000 a second on one core
 * (measured with pow-client in Node 20), so a visitor waits about a second, once per message.
 */
const POW_DIFFICULTY = { min: 20_000, max: 80_000 } as const;
/** Bound into the signed challenge, so a challenge for another form would not be accepted here. */
const PURPOSE = "contact";

/*
 * Both HMAC secrets are derived from the application's blind-index key (a secret kept outside
 * the database, see platform/crypto): no new secret to provision, and rotating that key
 * invalidates outstanding challenges, which only costs a visitor one retry.
 */
function secrets(): { signature: string; key: string } {
  return {
    signature: blindIndex("altcha.challenge-signature", PURPOSE),
    key: blindIndex("altcha.key-signature", PURPOSE),
  };
}

export async function createContactChallenge(now = new Date(), difficulty: { min: number; max: number } = POW_DIFFICULTY): Promise<PowChallenge> {
  const { signature, key } = secrets();
  const challenge = await createChallenge({
    algorithm: "SHA-256",
    cost: 1,
    counter: randomInt(difficulty.max, difficulty.min),
    deriveKey,
    data: { form: PURPOSE },
    expiresAt: new Date(now.getTime() + POW_TTL_MS),
    hmacSignatureSecret: signature,
    hmacKeySignatureSecret: key,
  });
  return challenge as PowChallenge;
}

export type PowCheck =
  | { ok: true; challengeHash: string; expiresAt: Date }
  | { ok: false; reason: "missing" | "malformed" | "expired" | "invalid" };

/** Checks the hidden field's content; does not redeem it (see spendProofOfWork). */
export async function checkProofOfWork(value: string | undefined, now = new Date()): Promise<PowCheck> {
  if (!value) return { ok: false, reason: "missing" };
  const payload = decodePowPayload(value);
  if (!payload) return { ok: false, reason: "malformed" };
  const { challenge, solution } = payload;
  const expiresAt = new Date(challenge.parameters.expiresAt * 1000);
  if (expiresAt <= now) return { ok: false, reason: "expired" };
  const { signature, key } = secrets();
  const result = await verifySolution({
    challenge,
    solution,
    deriveKey,
    hmacSignatureSecret: signature,
    hmacKeySignatureSecret: key,
  });
  if (result.expired) return { ok: false, reason: "expired" };
  // A challenge signed for another purpose, or one without the key signature (which would make
  // verification re-derive instead of compare), is not one this form issued.
  if (!result.verified || challenge.parameters.data?.form !== PURPOSE || !challenge.parameters.keySignature) {
    return { ok: false, reason: "invalid" };
  }
  return { ok: true, challengeHash: createHash("sha256").update(challenge.signature).digest("base64url"), expiresAt };
}

/**
 * Redeems a verified challenge: true the first time, false on any replay. Call it in the
 * transaction that records the message, so a failed write does not burn the visitor's work.
 */
export async function spendProofOfWork(tx: DbOrTx, check: { challengeHash: string; expiresAt: Date }, now = new Date()): Promise<boolean> {
  await tx.delete(contactPowSpent).where(lt(contactPowSpent.expiresAt, now));
  const inserted = await tx
    .insert(contactPowSpent)
    .values({ challengeHash: check.challengeHash, expiresAt: check.expiresAt })
    .onConflictDoNothing()
    .returning({ hash: contactPowSpent.challengeHash });
  return inserted.length === 1;
}
