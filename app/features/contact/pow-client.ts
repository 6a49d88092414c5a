import type { PowChallenge, PowSolution } from "./proof-of-work";

/*
 * The browser's solver for the contact form's proof of work, with WebCrypto only (no third-party
 * script, nothing inline: the CSP allows our bundles by nonce). It reproduces ALTCHA v2's SHA-256
 * key derivation: key = SHA-256^cost(salt ‖ nonce ‖ counter as big-endian uint32), truncated to
 * keyLength, and looks for the counter whose key starts with the challenge's prefix. Digests are
 * requested in batches because crypto.subtle is asynchronous: one at a time would spend more
 * time scheduling promises than hashing.
 */

const BATCH = 128;
/** Far beyond any counter we issue: a challenge that is not solved by then is not ours. */
const MAX_COUNTER = 5_000_000;

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

async function deriveKey(subtle: SubtleCrypto, input: Uint8Array<ArrayBuffer>, cost: number, keyLength: number): Promise<Uint8Array> {
  let data: Uint8Array<ArrayBuffer> = input;
  for (let i = 0; i < cost; i++) data = new Uint8Array(await subtle.digest("SHA-256", data));
  return data.slice(0, keyLength);
}

export class PowUnavailableError extends Error {
  constructor() {
    super("WebCrypto is not available in this context");
    this.name = "PowUnavailableError";
  }
}

/** Finds the solution of `challenge`; null when aborted or out of range. */
export async function solvePow(challenge: PowChallenge, signal?: AbortSignal): Promise<PowSolution | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new PowUnavailableError();
  const { salt, nonce, keyPrefix, cost, keyLength } = challenge.parameters;
  const head = new Uint8Array([...hexToBytes(salt), ...hexToBytes(nonce)]);
  // Deterministic challenges carry a whole-byte prefix; an odd one would be compared as text.
  const prefix = hexToBytes(keyPrefix.length % 2 === 0 ? keyPrefix : keyPrefix.slice(0, -1));
  const oddNibble = keyPrefix.length % 2 === 1 ? keyPrefix.slice(-1) : null;
  for (let start = 0; start < MAX_COUNTER; start += BATCH) {
    if (signal?.aborted) return null;
    const keys = await Promise.all(
      Array.from({ length: BATCH }, (_, i) => {
        const input = new Uint8Array(head.length + 4);
        input.set(head);
        new DataView(input.buffer).setUint32(head.length, start + i, false);
        return deriveKey(subtle, input, cost, keyLength);
      }),
    );
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (!startsWith(key, prefix)) continue;
      const keyHex = bytesToHex(key);
      if (oddNibble !== null && keyHex[keyPrefix.length - 1] !== oddNibble) continue;
      return { counter: start + i, derivedKey: keyHex };
    }
  }
  return null;
}
