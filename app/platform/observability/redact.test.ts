import { describe, expect, it } from "vitest";
import { scrubText } from "./redact";

describe("scrubText", () => {
  it.each([
    ["NIR", "lookup failed for 295109912611193", "lookup failed for [NIR]"],
    ["NIR with spaces", "nir 2 95 10 99 126 111 93 refused", "nir [NIR] refused"],
    ["Corsican NIR", "253072A07300443", "[NIR]"],
    ["IBAN", "iban FR7630006000011234567890189 invalid", "iban [IBAN] invalid"],
    ["IBAN grouped", "FR76 3000 6000 0112 3456 7890 189", "[IBAN]"],
    ["token in URL", "GET /x?token=abcdef&y=1", "GET /x?token=[REDACTED]&y=1"],
  ])("%s", (_name, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it("leaves ordinary text alone", () => {
    expect(scrubText("claim CT-2024-000123 paid 30.00 EUR on 2026-11-28")).toBe("claim CT-2024-000123 paid 30.00 EUR on 2026-11-28");
  });
});
