import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";

/** Hash of the (virtual) entry before the first one. */
export const GENESIS_HASH = "0".repeat(64);

export type AuditContent = {
  seq: number;
  at: string; // ISO 8601 with milliseconds
  actorUserId: string | null;
  actorLabel: string;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  ipHash: string | null;
  details: Record<string, unknown>;
};

/** JSON with object keys sorted at every depth: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** hash = SHA-256(prevHash ‖ "\n" ‖ canonical content), hex. */
export function entryHash(prevHash: string, content: AuditContent): string {
  const bytes = new TextEncoder().encode(`${prevHash}\n${canonicalJson(content)}`);
  return encodeHexLowerCase(sha256(bytes));
}
