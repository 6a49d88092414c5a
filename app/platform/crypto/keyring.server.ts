import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Application-level encryption of sensitive fields (NIR, IBAN, ID numbers, TOTP keys, files).
 * AES-256-GCM with a random 96-bit IV; the key id travels with each value so keys can rotate:
 * the first key of BASCULE_ENCRYPTION_KEYS encrypts, all of them decrypt. The field's purpose is
 * bound as additional authenticated data, so a value copied into another column fails to decrypt.
 * Lookups use an HMAC-SHA256 blind index under a separate key.
 */
export type Keyring = {
  activeKeyId: string;
  keys: Map<string, Buffer>;
  blindIndexKey: Buffer;
};

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function parseKeyring(encryptionKeys: string, blindIndexKey: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  for (const part of encryptionKeys.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [id, b64] = part.split(":");
    if (!id || !b64 || !KEY_ID.test(id)) throw new Error("BASCULE_ENCRYPTION_KEYS: expected id:base64key[,id:base64key…]");
    const key = Buffer.from(b64, "base64");
    if (key.length !== 32) throw new Error(`BASCULE_ENCRYPTION_KEYS: key ${id} must be 32 bytes (base64)`);
    if (keys.has(id)) throw new Error(`BASCULE_ENCRYPTION_KEYS: duplicate key id ${id}`);
    keys.set(id, key);
    activeKeyId ??= id;
  }
  if (!activeKeyId) throw new Error("BASCULE_ENCRYPTION_KEYS: no key");
  const bidx = Buffer.from(blindIndexKey, "base64");
  if (bidx.length < 32) throw new Error("BASCULE_BLIND_INDEX_KEY must be at least 32 bytes (base64)");
  return { activeKeyId, keys, blindIndexKey: bidx };
}

/**
 * Demo and test mode only: keys generated once and kept in DATA_DIR/keys.json (mode 0600), so
 * that the demo database stays readable across restarts. Production must pass keys explicitly.
 */
export function loadOrCreateDemoKeyring(dataDir: string): Keyring {
  const file = path.join(dataDir, "keys.json");
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    const content = {
      encryptionKeys: `demo1:${randomBytes(32).toString("base64")}`,
      blindIndexKey: randomBytes(32).toString("base64"),
    };
    try {
      fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const { encryptionKeys, blindIndexKey } = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  return parseKeyring(encryptionKeys!, blindIndexKey!);
}

let current: Keyring | undefined;

export function setKeyring(next: Keyring): void {
  current = next;
}

function keyring(): Keyring {
  if (!current) throw new Error("Keyring not loaded: call setKeyring() at boot");
  return current;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`Encrypted field could not be decrypted: ${reason}`);
    this.name = "DecryptionError";
  }
}

/** Encrypts `plain` for the given purpose (e.g. `persons.nir`). Output: `v1.<kid>.<iv>.<ct+tag>`. */
export function encryptField(purpose: string, plain: string): string {
  const ring = keyring();
  const key = ring.keys.get(ring.activeKeyId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1.${ring.activeKeyId}.${iv.toString("base64url")}.${ct.toString("base64url")}`;
}

export function decryptField(purpose: string, stored: string): string {
  return decryptBytes(purpose, stored).toString("utf8");
}

/** Binary variant, for uploaded files. */
export function encryptBytes(purpose: string, plain: Uint8Array): string {
  const ring = keyring();
  const key = ring.keys.get(ring.activeKeyId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `v1.${ring.activeKeyId}.${iv.toString("base64url")}.${ct.toString("base64url")}`;
}

export function decryptBytes(purpose: string, stored: string): Buffer {
  const parts = stored.split(".");
  if (parts.length !== 4 || parts[0] !== "v1") throw new DecryptionError("unknown format");
  return openSealed(purpose, parts[1]!, Buffer.from(parts[2]!, "base64url"), Buffer.from(parts[3]!, "base64url"));
}

/*
 * Binary envelope, for large values stored in bytea columns (uploaded files): the same AES-256-GCM
 * as the text form without its base64, a quarter smaller and never re-encoded on the way to the
 * database. Layout: 0x01 ‖ length of the key id (1 byte) ‖ key id (UTF-8) ‖ IV (12) ‖ ciphertext ‖ tag (16).
 */
const BINARY_ENVELOPE_V1 = 0x01;

export function encryptBytesBinary(purpose: string, plain: Uint8Array): Buffer {
  const ring = keyring();
  const key = ring.keys.get(ring.activeKeyId)!;
  const kid = Buffer.from(ring.activeKeyId, "utf8");
  if (kid.length > 255) throw new Error("key id too long for the binary envelope");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  return Buffer.concat([Buffer.from([BINARY_ENVELOPE_V1, kid.length]), kid, iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

export function decryptBytesBinary(purpose: string, stored: Uint8Array): Buffer {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes.length < 2 || bytes[0] !== BINARY_ENVELOPE_V1) throw new DecryptionError("unknown format");
  const kidEnd = 2 + bytes[1]!;
  if (bytes.length < kidEnd + 12) throw new DecryptionError("truncated value");
  return openSealed(purpose, bytes.toString("utf8", 2, kidEnd), bytes.subarray(kidEnd, kidEnd + 12), bytes.subarray(kidEnd + 12));
}

/** Key id a binary envelope was encrypted with (for re-encryption after a rotation). */
export function keyIdOfBinary(stored: Uint8Array): string | undefined {
  if (stored.length < 2 || stored[0] !== BINARY_ENVELOPE_V1 || stored.length < 2 + stored[1]!) return undefined;
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString("utf8", 2, 2 + stored[1]!);
}

/** AES-256-GCM decryption of `data` (ciphertext ‖ tag) under key `kid`, bound to `purpose`. */
function openSealed(purpose: string, kid: string, iv: Buffer, data: Buffer): Buffer {
  const key = keyring().keys.get(kid);
  if (!key) throw new DecryptionError(`unknown key id ${kid}`);
  if (iv.length !== 12 || data.length < 16) throw new DecryptionError("truncated value");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(purpose, "utf8"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  } catch {
    throw new DecryptionError("authentication failed");
  }
}

/** Key id a stored value was encrypted with (for re-encryption after a rotation). */
export function keyIdOf(stored: string): string | undefined {
  return stored.split(".")[1];
}

/**
 * Deterministic HMAC-SHA256 of a normalised value, for equality lookups on encrypted columns and
 * for pseudonymising IPs and e-mails in throttling keys and the audit log.
 */
export function blindIndex(purpose: string, value: string): string {
  return createHmac("sha256", keyring().blindIndexKey).update(`${purpose}\u0000${value}`).digest("base64url");
}
