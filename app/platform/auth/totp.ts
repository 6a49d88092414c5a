import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from "@oslojs/encoding";

/** RFC 6238 with the usual authenticator-app parameters. */
export const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;

export function newTotpKey(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

export function totpKeyToBase32(key: Uint8Array): string {
  return encodeBase32NoPadding(key);
}

export function totpKeyFromBase32(base32: string): Uint8Array {
  return decodeBase32IgnorePadding(base32.replace(/\s/g, "").toUpperCase());
}

export function totpUri(accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI("Bascule", accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

export function timeStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * Verifies a code against the current time step and the previous one (clock drift), returning
 * the step it matched so that the caller can refuse a replay of the same code. TOTP is HOTP with
 * the time step as counter, which lets us pass `now` instead of reading the clock.
 */
export function matchTotp(key: Uint8Array, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const step = timeStep(now);
  for (const candidate of [step, step - 1]) {
    if (generateHOTP(key, BigInt(candidate), TOTP_DIGITS) === code) return candidate;
  }
  return null;
}

/** The code of `now` (tests and the demo helper). */
export function totpAt(key: Uint8Array, now: Date): string {
  return generateHOTP(key, BigInt(timeStep(now)), TOTP_DIGITS);
}
