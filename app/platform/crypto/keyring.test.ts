import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { blindIndex, decryptBytes, decryptField, DecryptionError, encryptBytes, encryptField, keyIdOf, parseKeyring, setKeyring } from "./keyring.server";

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
