import { generateTOTP } from "@oslojs/otp";
import { describe, expect, it } from "vitest";
import { matchTotp, timeStep, totpAt, totpKeyFromBase32, totpKeyToBase32 } from "./totp";

const DEMO = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("TOTP", () => {
  it("agrees with the library's clock-based generator", () => {
    const key = totpKeyFromBase32(DEMO);
    expect(totpAt(key, new Date())).toBe(generateTOTP(key, 30, 6));
  });

  it("round-trips base32 keys", () => {
    expect(totpKeyToBase32(totpKeyFromBase32(DEMO))).toBe(DEMO);
  });

  it("accepts the current and previous step, refuses older and malformed codes", () => {
    const key = totpKeyFromBase32(DEMO);
    const now = new Date("2026-11-28T10:00:15Z");
    const previous = new Date(now.getTime() - 30_000);
    const old = new Date(now.getTime() - 90_000);
    expect(matchTotp(key, totpAt(key, now), now)).toBe(timeStep(now));
    expect(matchTotp(key, totpAt(key, previous), now)).toBe(timeStep(now) - 1);
    expect(matchTotp(key, totpAt(key, old), now)).toBeNull();
    expect(matchTotp(key, "12345", now)).toBeNull();
    expect(matchTotp(key, "abcdef", now)).toBeNull();
  });
});
