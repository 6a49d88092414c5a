import { describe, expect, it } from "vitest";
import { parseImapUrl } from "~/platform/mail/imap.server";
import { acknowledgementMail, messageIdOf } from "./email-intake.server";

describe("messageIdOf", () => {
  it.each([
    ["Message-ID: <abc@exemple.fr>\r\nSubject: x\r\n\r\nbody", "abc@exemple.fr"],
    ["Subject: x\r\nmessage-id:   <A.B+c@Exemple.FR>  \r\n\r\n", "A.B+c@Exemple.FR"],
    ["Subject: x\r\nMessage-Id:\r\n <folded@exemple.fr>\r\n\r\n", "folded@exemple.fr"],
    ["Subject: x\nMessage-ID: <lf-only@exemple.fr>\n\nMessage-ID: <in-body@x>", "lf-only@exemple.fr"],
    ["Message-ID: <first@x>\r\nMessage-ID: <second@x>\r\n\r\n", "first@x"],
  ])("reads the header of %j", (raw, expected) => {
    expect(messageIdOf(Buffer.from(raw))).toBe(expected);
  });

  it("ignores a Message-ID that only appears in the body", () => {
    expect(messageIdOf(Buffer.from("Subject: x\r\n\r\nMessage-ID: <body@x>"))).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it("falls back to a hash of the bytes: identical bytes, identical id; different bytes, different id", () => {
    const a = messageIdOf(Buffer.from("Subject: x\r\n\r\nbonjour"));
    expect(a).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(messageIdOf(Buffer.from("Subject: x\r\n\r\nbonjour"))).toBe(a);
    expect(messageIdOf(Buffer.from("Subject: x\r\n\r\nbonjour!"))).not.toBe(a);
    expect(messageIdOf(Buffer.from("Message-ID: <>\r\n\r\nbonjour"))).toMatch(/^sha256-/);
  });

  it("hashes an absurdly long Message-ID", () => {
    const id = messageIdOf(Buffer.from(`Message-ID: <${"x".repeat(5000)}@x>\r\n\r\n`));
    expect(id).toMatch(/^sha256-id-[0-9a-f]{64}$/);
  });

  it("reads a subarray of a larger buffer correctly", () => {
    const big = Buffer.from("JUNKMessage-ID: <sub@x>\r\n\r\n");
    expect(messageIdOf(big.subarray(4))).toBe("sub@x");
  });
});

describe("parseImapUrl", () => {
  it("reads host, port, TLS, credentials and mailbox", () => {
    expect(parseImapUrl("imap://user:p%40ss@127.0.0.1:1143/INBOX")).toEqual({
      host: "127.0.0.1",
      port: 1143,
      secure: false,
      user: "user",
      pass: "p@ss",
      mailbox: "INBOX",
    });
    expect(parseImapUrl("imaps://claims%40bascule.example:secret@imap.bascule.example/Remboursements%20re%C3%A7us")).toMatchObject({
      port: 993,
      secure: true,
      user: "claims@bascule.example",
      mailbox: "Remboursements reçus",
    });
    expect(parseImapUrl("imap://u:p@h").mailbox).toBe("INBOX");
  });

  it.each(["http://u:p@h", "imap://h", "imap://u@h", "pas une url"])("refuses %s without echoing the password", (url) => {
    expect(() => parseImapUrl(url)).toThrow(/IMAP_URL/);
    try {
      parseImapUrl(url);
    } catch (err) {
      expect(String(err)).not.toContain(":p@");
    }
  });
});

describe("acknowledgementMail", () => {
  const base = { claimId: "c", number: "RB-2026-0000042" };

  it("gives the claim number and the link, and says a handler will look at it", () => {
    const mail = acknowledgementMail({ to: "marie@exemple.fr", claim: { ...base, status: "REVIEW", result: null }, origin: "https://www.bascule.example" });
    expect(mail).toMatchObject({ to: "marie@exemple.fr", template: "claims.email-acknowledgement" });
    expect(mail.subject).toBe("Accusé de réception : demande de remboursement RB-2026-0000042");
    expect(mail.text).toContain("https://www.bascule.example/espace/remboursements/RB-2026-0000042");
    expect(mail.text).toContain("Un gestionnaire l’examine");
  });

  it("gives the amount when the claim was settled at once", () => {
    const result = { totals: { realCostCents: 3000, amoPaidCents: 1900, amcCents: 1100, resteAChargeCents: 0 } } as never;
    const mail = acknowledgementMail({ to: "m@exemple.fr", claim: { ...base, status: "VALUATED", result }, origin: "https://x" });
    expect(mail.text).toContain("Bascule vous rembourse 11,00\u00a0€");
  });
});
