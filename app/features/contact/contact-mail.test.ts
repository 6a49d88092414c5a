import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { acknowledgementMail, formatReference, REFERENCE_FORMAT } from "./contact-mail";

describe("acknowledgement e-mail", () => {
  it("carries the reference and the category, in French", () => {
    const mail = acknowledgementMail({ reference: "MSG-ABCD-2345", category: "PERSONAL_DATA" });
    expect(mail.subject).toContain("MSG-ABCD-2345");
    expect(mail.text).toContain("MSG-ABCD-2345");
    expect(mail.text).toContain("« Données personnelles (RGPD) »");
    expect(mail.text).toContain("04 94 00 00 00");
  });

  it("has no room for anything the sender typed", () => {
    // The builder only accepts the reference and a category key: the text is fixed otherwise.
    const a = acknowledgementMail({ reference: "MSG-ABCD-2345", category: "OTHER" });
    const b = acknowledgementMail({ reference: "MSG-ABCD-2345", category: "OTHER" });
    expect(a).toEqual(b);
    expect(a.text).not.toMatch(/https?:\/\//);
  });
});

describe("message references", () => {
  it("are MSG-XXXX-XXXX without ambiguous characters", () => {
    for (let i = 0; i < 500; i++) expect(formatReference(randomBytes(8))).toMatch(REFERENCE_FORMAT);
    expect(formatReference(new Uint8Array(8))).toBe("MSG-2222-2222");
    expect(formatReference(new Uint8Array(8).fill(31))).toBe("MSG-ZZZZ-ZZZZ");
  });

  it("need 8 random bytes", () => {
    expect(() => formatReference(new Uint8Array(4))).toThrow(RangeError);
  });
});
