import { describe, expect, it } from "vitest";
import { CODE_LIFETIME_MS, MAX_ATTEMPTS, attemptsLeftAfterFailure, codeCheck, formatCode } from "./signature-code";

const sentAt = new Date("2026-11-29T10:00:00Z");
const open = { hasCode: true, expiresAt: new Date(sentAt.getTime() + CODE_LIFETIME_MS), attempts: 0, lockedAt: null };

describe("signature code rules", () => {
  it("is valid 10 minutes", () => {
    expect(CODE_LIFETIME_MS).toBe(600_000);
    expect(codeCheck(open, new Date(sentAt.getTime() + CODE_LIFETIME_MS - 1))).toBe("open");
    expect(codeCheck(open, new Date(sentAt.getTime() + CODE_LIFETIME_MS))).toBe("expired");
  });

  it("allows 5 attempts, then locks", () => {
    expect(MAX_ATTEMPTS).toBe(5);
    expect([0, 1, 2, 3, 4].map(attemptsLeftAfterFailure)).toEqual([4, 3, 2, 1, 0]);
    expect(codeCheck({ ...open, attempts: 4 }, sentAt)).toBe("open");
    expect(codeCheck({ ...open, attempts: 5 }, sentAt)).toBe("locked");
    expect(codeCheck({ ...open, lockedAt: sentAt }, sentAt)).toBe("locked");
  });

  it("needs a code to have been sent", () => {
    expect(codeCheck({ hasCode: false, expiresAt: null, attempts: 0, lockedAt: null }, sentAt)).toBe("no-code");
  });

  it("keeps leading zeros and refuses out-of-range numbers", () => {
    expect(formatCode(42)).toBe("000042");
    expect(formatCode(999_999)).toBe("999999");
    expect(() => formatCode(1_000_000)).toThrow();
  });
});
