import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildMandate, isMandateReference, isValidCreditorIdentifier, mandateReference } from "./sepa-mandate";

/** The demo configuration's creditor identifier (synthetic, correct check digits). */
const DEMO_CREDITOR_IDENTIFIER = "FR15ZZZ832000";

describe("SEPA mandate reference (RUM)", () => {
  it("has the BSC-date-random format, within SEPA's 35 characters", () => {
    const rum = mandateReference("2026-11-29", new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 31]));
    expect(rum).toBe("BSC-20261129-ABCDEFGHJ9");
    expect(rum.length).toBeLessThanOrEqual(35);
    expect(isMandateReference(rum)).toBe(true);
  });

  it("is always well-formed, whatever the random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), (bytes) => {
        const rum = mandateReference("2027-01-31", bytes);
        expect(isMandateReference(rum)).toBe(true);
        expect(rum).toMatch(/^[A-Z0-9-]+$/);
      }),
    );
  });

  it("does not repeat over 100,000 draws of the same day", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(mandateReference("2026-11-29", randomBytes(10)));
    expect(seen.size).toBe(100_000);
    // 100,000 draws take about a second alone; a shared CI machine may be several times slower.
  }, 60_000);

  it("refuses a malformed date or too few random bytes", () => {
    expect(() => mandateReference("29/11/2026", randomBytes(10))).toThrow();
    expect(() => mandateReference("2026-11-29", randomBytes(4))).toThrow();
    expect(isMandateReference("BSC-20261129-ABCDEFGHI1")).toBe(false); // I and 1 are not in the alphabet
  });
});

describe("SEPA creditor identifier", () => {
  it("ships a well-formed demo ICS", () => {
    expect(isValidCreditorIdentifier(DEMO_CREDITOR_IDENTIFIER)).toBe(true);
  });

  it("rejects a wrong check digit", () => {
    expect(isValidCreditorIdentifier(DEMO_CREDITOR_IDENTIFIER.replace("FR15", "FR16"))).toBe(false);
  });

  it("builds the mandate with the creditor, the debtor and the text version", () => {
    const m = buildMandate({ reference: "BSC-20261129-ABCDEFGHJK", creditorIdentifier: DEMO_CREDITOR_IDENTIFIER, debtorName: "Camille Martin", debtorAddress: "1 rue A, 83000 Toulon", iban: "FR7630006000011234567890189", bic: null, city: "Toulon", signedAt: null });
    expect(m.creditorIdentifier).toBe(DEMO_CREDITOR_IDENTIFIER);
    expect(m.debtor.iban).toBe("FR7630006000011234567890189");
    expect(m.text.length).toBeGreaterThan(0);
  });
});
