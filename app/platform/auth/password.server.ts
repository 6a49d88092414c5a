import { hash, verify } from "@node-rs/argon2";

/** argon2id with the OWASP-recommended minimum: m = 19 MiB, t = 2, p = 1. */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification when the account does not exist, so that the
 * response time does not reveal whether an e-mail address is registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("bascule-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
  return false;
}
