import { randomBytes } from "node:crypto";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { authTokens } from "~/platform/db/schema";

/** 256-bit single-use tokens sent by e-mail; only their SHA-256 is stored. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export const TOKEN_LIFETIME_MS = {
  ACTIVATION: 24 * 60 * 60_000,
  PASSWORD_RESET: 30 * 60_000,
} as const;

/** A token that exists, has this purpose, is not used and not expired; otherwise null. */
export async function findUsableToken(tx: DbOrTx, purpose: "ACTIVATION" | "PASSWORD_RESET", token: string, now: Date) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await tx
    .select()
    .from(authTokens)
    .where(
      and(
        eq(authTokens.tokenHash, hashToken(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Marks the token used; returns false if another request used it first. */
export async function consumeToken(tx: DbOrTx, id: string, now: Date): Promise<boolean> {
  const rows = await tx
    .update(authTokens)
    .set({ usedAt: now })
    .where(and(eq(authTokens.id, id), isNull(authTokens.usedAt)))
    .returning({ id: authTokens.id });
  return rows.length === 1;
}
