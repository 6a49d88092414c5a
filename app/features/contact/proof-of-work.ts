import { z } from "zod";

/*
 * The proof of work of the anonymous contact form (ALTCHA v2 format, SHA-256 in deterministic
 * mode). The browser fetches a signed challenge, searches the counter whose key matches the
 * challenge's prefix and sends challenge + solution back in one hidden field, base64-encoded
 * JSON. This module is shared: the browser encodes, the server decodes and checks the shape
 * before any cryptography (proof-of-work.server.ts).
 */

const hex = (max: number) => z.string().regex(/^[0-9a-f]+$/).max(max);

const parametersSchema = z.strictObject({
  algorithm: z.literal("SHA-256"),
  nonce: hex(64),
  salt: hex(64),
  cost: z.number().int().min(1).max(16),
  keyLength: z.number().int().min(16).max(64),
  keyPrefix: hex(128).min(2),
  keySignature: hex(128).optional(),
  expiresAt: z.number().int().positive(),
  data: z.record(z.string().max(40), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])).optional(),
});

export const powChallengeSchema = z.strictObject({
  parameters: parametersSchema,
  signature: hex(128),
});

const powSolutionSchema = z.strictObject({
  counter: z.number().int().min(0).max(0xffffffff),
  derivedKey: hex(128),
});

const payloadSchema = z.strictObject({ challenge: powChallengeSchema, solution: powSolutionSchema });

export type PowChallenge = z.infer<typeof powChallengeSchema>;
export type PowSolution = z.infer<typeof powSolutionSchema>;
export type PowPayload = z.infer<typeof payloadSchema>;

/** What the hidden field carries. JSON of this shape is plain ASCII, so btoa is safe. */
export function encodePowPayload(payload: PowPayload): string {
  return btoa(JSON.stringify(payload));
}

/** The payload, or null when the field is not one of ours (never throws). */
export function decodePowPayload(value: string): PowPayload | null {
  let json: unknown;
  try {
    json = JSON.parse(atob(value));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
