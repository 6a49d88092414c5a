import { createChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { describe, expect, it } from "vitest";
import { blindIndex, parseKeyring, setKeyring } from "~/platform/crypto/keyring.server";
import { solvePow } from "./pow-client";
import { decodePowPayload, encodePowPayload, type PowChallenge } from "./proof-of-work";
import { checkProofOfWork, createContactChallenge, POW_TTL_MS } from "./proof-of-work.server";

setKeyring(parseKeyring(`k1:${Buffer.alloc(32, 1).toString("base64")}`, Buffer.alloc(32, 9).toString("base64")));

const EASY = { min: 50, max: 400 };

async function solved(challenge: PowChallenge): Promise<string> {
  const solution = await solvePow(challenge);
  if (!solution) throw new Error("not solved");
  return encodePowPayload({ challenge, solution });
}

describe("contact proof of work", () => {
  it("issues signed challenges that carry nothing about the visitor", async () => {
    const now = new Date();
    const challenge = await createContactChallenge(now);
    expect(challenge.parameters.algorithm).toBe("SHA-256");
    expect(challenge.parameters.data).toEqual({ form: "contact" });
    expect(challenge.parameters.expiresAt).toBe(Math.floor((now.getTime() + POW_TTL_MS) / 1000));
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(challenge.parameters.keySignature).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts the browser solver's answer", async () => {
    const value = await solved(await createContactChallenge(new Date(), EASY));
    const check = await checkProofOfWork(value);
    expect(check.ok).toBe(true);
  });

  it("finds the counter the server chose (the browser solver matches ALTCHA's derivation)", async () => {
    const challenge = await createContactChallenge(new Date(), { min: 1234, max: 1234 });
    const solution = await solvePow(challenge);
    expect(solution?.counter).toBe(1234);
  });

  it("refuses a missing, malformed or wrong answer", async () => {
    expect(await checkProofOfWork(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(await checkProofOfWork("%%%")).toEqual({ ok: false, reason: "malformed" });
    expect(await checkProofOfWork(btoa(JSON.stringify({ challenge: {}, solution: {} })))).toEqual({ ok: false, reason: "malformed" });
    const challenge = await createContactChallenge(new Date(), EASY);
    const value = await solved(challenge);
    const payload = decodePowPayload(value)!;
    const wrongKey = encodePowPayload({ challenge, solution: { ...payload.solution, derivedKey: "00".repeat(32) } });
    expect(await checkProofOfWork(wrongKey)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a challenge whose parameters were changed (an easier prefix, a later expiry)", async () => {
    const challenge = await createContactChallenge(new Date(), EASY);
    const value = await solved(challenge);
    const { solution } = decodePowPayload(value)!;
    for (const parameters of [
      { ...challenge.parameters, keyPrefix: "00" },
      { ...challenge.parameters, expiresAt: challenge.parameters.expiresAt + 3600 },
    ]) {
      expect(await checkProofOfWork(encodePowPayload({ challenge: { ...challenge, parameters }, solution }))).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("refuses an expired challenge", async () => {
    const past = new Date(Date.now() - POW_TTL_MS - 60_000);
    const value = await solved(await createContactChallenge(past, EASY));
    expect(await checkProofOfWork(value)).toEqual({ ok: false, reason: "expired" });
    // Judged against the caller's clock too, so a test or a replay window can be reasoned about.
    const fresh = await solved(await createContactChallenge(new Date(), EASY));
    expect(await checkProofOfWork(fresh, new Date(Date.now() + POW_TTL_MS + 1000))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a challenge signed for another form", async () => {
    const other = (await createChallenge({
      algorithm: "SHA-256",
      cost: 1,
      counter: 100,
      deriveKey,
      data: { form: "newsletter" },
      expiresAt: new Date(Date.now() + 60_000),
      hmacSignatureSecret: blindIndex("altcha.challenge-signature", "contact"),
      hmacKeySignatureSecret: blindIndex("altcha.key-signature", "contact"),
    })) as PowChallenge;
    expect(await checkProofOfWork(await solved(other))).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a challenge signed with another key", async () => {
    const value = await solved(await createContactChallenge(new Date(), EASY));
    setKeyring(parseKeyring(`k1:${Buffer.alloc(32, 1).toString("base64")}`, Buffer.alloc(32, 8).toString("base64")));
    try {
      expect(await checkProofOfWork(value)).toEqual({ ok: false, reason: "invalid" });
    } finally {
      setKeyring(parseKeyring(`k1:${Buffer.alloc(32, 1).toString("base64")}`, Buffer.alloc(32, 9).toString("base64")));
    }
  });
});
