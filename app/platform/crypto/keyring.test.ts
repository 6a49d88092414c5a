import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  blindIndex,
  decryptBytes,
  decryptBytesBinary,
  decryptField,
  DecryptionError,
  encryptBytes,
  encryptBytesBinary,
  encryptField,
  keyIdOf,
  keyIdOfBinary,
  parseKeyring,
  setKeyring,
} from "./keyring.server";

const k = (byte: number) => Buffer.alloc(32, byte).toString("base64");
const bidx = k(9);

describe("field encryption", () => {
  setKeyring(parseKeyring(`new:${k(1)},old:${k(2)}`, bidx));

  it("round-trips any text and never stores it in clear", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (plain) => {
        const stored = encryptField("persons.nir", plain);
        expect(decryptField("persons.nir", stored)).toBe(plain);
        if (plain.length >= 4) expect(stored).not.toContain(plain);
      }),
    );
  });

  it("uses a fresh IV for each value", () => {
    expect(encryptField("persons.nir", "295109912611193")).not.toBe(encryptField("persons.nir", "295109912611193"));
  });

  it("binds a value to its purpose", () => {
    const stored = encryptField("persons.nir", "295109912611193");
    expect(() => decryptField("contracts.iban", stored)).toThrow(DecryptionError);
  });

  it("detects tampering", () => {
    const stored = encryptField("persons.nir", "295109912611193");
    const parts = stored.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptField("persons.nir", [...parts.slice(0, 3), body.toString("base64url")].join("."))).toThrow(DecryptionError);
    expect(() => decryptField("persons.nir", "garbage")).toThrow(DecryptionError);
  });

  it("encrypts with the first key and still decrypts values of older keys", () => {
    setKeyring(parseKeyring(`old:${k(2)}`, bidx));
    const legacy = encryptField("persons.nir", "253072A07300443");
    setKeyring(parseKeyring(`new:${k(1)},old:${k(2)}`, bidx));
    expect(keyIdOf(legacy)).toBe("old");
    expect(keyIdOf(encryptField("persons.nir", "x"))).toBe("new");
    expect(decryptField("persons.nir", legacy)).toBe("253072A07300443");
    setKeyring(parseKeyring(`new:${k(1)}`, bidx));
    expect(() => decryptField("persons.nir", legacy)).toThrow(/unknown key id/);
    setKeyring(parseKeyring(`new:${k(1)},old:${k(2)}`, bidx));
  });

  it("handles binary content", () => {
    const bytes = new Uint8Array([0, 255, 1, 2, 3]);
    expect([...decryptBytes("files", encryptBytes("files", bytes))]).toEqual([...bytes]);
  });

  it("computes a deterministic blind index separated by purpose", () => {
    expect(blindIndex("nir", "295109912611193")).toBe(blindIndex("nir", "295109912611193"));
    expect(blindIndex("nir", "295109912611193")).not.toBe(blindIndex("iban", "295109912611193"));
  });

  it.each([
    ["no key", ""],
    ["short key", `a:${Buffer.alloc(16).toString("base64")}`],
    ["bad id", `bad id:${k(1)}`],
    ["duplicate id", `a:${k(1)},a:${k(2)}`],
  ])("rejects a keyring with %s", (_name, keys) => {
    expect(() => parseKeyring(keys, bidx)).toThrow();
  });
});

describe("binary envelope (uploaded files)", () => {
  it("round-trips any bytes, a quarter smaller than the text form, and reads back the text form's ciphertext", () => {
    setKeyring(parseKeyring(`new:${k(1)},old:${k(2)}`, bidx));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (plain) => {
        const stored = encryptBytesBinary("claim_documents.content", plain);
        expect(Buffer.compare(decryptBytesBinary("claim_documents.content", stored), Buffer.from(plain))).toBe(0);
        // Layout: version, key id length, key id, IV (12), ciphertext, tag (16).
        expect(stored.length).toBe(2 + "new".length + 12 + plain.length + 16);
        expect(keyIdOfBinary(stored)).toBe("new");
        // The text form carries the same parts in base64url: converting one into the other decrypts.
        const [, kid, iv, data] = encryptBytes("claim_documents.content", plain).split(".");
        const converted = Buffer.concat([Buffer.from([1, kid!.length]), Buffer.from(kid!), Buffer.from(iv!, "base64url"), Buffer.from(data!, "base64url")]);
        expect(Buffer.compare(decryptBytesBinary("claim_documents.content", converted), Buffer.from(plain))).toBe(0);
      }),
    );
  });

  it("binds a value to its purpose, detects tampering and truncation, and refuses unknown formats and keys", () => {
    setKeyring(parseKeyring(`new:${k(1)},old:${k(2)}`, bidx));
    const stored = encryptBytesBinary("claim_documents.content", Buffer.from("%PDF-1.7 facture"));
    expect(() => decryptBytesBinary("contracts.iban", stored)).toThrow(DecryptionError);
    for (let i = 2 + 3; i < stored.length; i += 1) {
      const flipped = Buffer.from(stored);
      flipped[i] = flipped[i]! ^ 0x80;
      expect(() => decryptBytesBinary("claim_documents.content", flipped)).toThrow(DecryptionError);
    }
    expect(() => decryptBytesBinary("claim_documents.content", stored.subarray(0, 20))).toThrow(DecryptionError);
    expect(() => decryptBytesBinary("claim_documents.content", Buffer.from("v1.new.abc.def"))).toThrow(DecryptionError);
    expect(() => decryptBytesBinary("claim_documents.content", new Uint8Array(0))).toThrow(DecryptionError);
    setKeyring(parseKeyring(`other:${k(3)}`, bidx));
    expect(() => decryptBytesBinary("claim_documents.content", stored)).toThrow(/unknown key id new/);
    expect(keyIdOfBinary(Buffer.from("garbage"))).toBeUndefined();
  });

  it("encrypts with the first key and still decrypts files of older keys", () => {
    setKeyring(parseKeyring(`old:${k(2)}`, bidx));
    const stored = encryptBytesBinary("claim_documents.content", Buffer.from("ancienne facture"));
    setKeyring(parseKeyring(`new:${k(1)},old:${k(2)}`, bidx));
    expect(decryptBytesBinary("claim_documents.content", stored).toString()).toBe("ancienne facture");
    expect(keyIdOfBinary(encryptBytesBinary("claim_documents.content", Buffer.from("x")))).toBe("new");
  });
});
