import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKeyring, setKeyring } from "~/platform/crypto/keyring.server";
import { contentSha256, documentFileHash } from "./documents.server";

setKeyring(parseKeyring(`k1:${Buffer.alloc(32, 1).toString("base64")}`, Buffer.alloc(32, 9).toString("base64")));

describe("document hashes", () => {
  it("computes a buffer's SHA-256 once and gives the same digest for equal contents", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4_096 }), (bytes) => {
        const digest = contentSha256(bytes);
        expect(digest.toString("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
        expect(contentSha256(bytes)).toBe(digest); // the same buffer: not hashed again
        const copy = Uint8Array.from(bytes);
        expect(contentSha256(copy).equals(digest)).toBe(true);
        expect(documentFileHash(copy)).toBe(documentFileHash(bytes));
      }),
    );
  });

  it("keys the file hash: equal files match, different files do not, and the plain SHA-256 is not stored", () => {
    const a = randomBytes(300 * 1024);
    const b = Buffer.from(a);
    b[b.length - 1] = b[b.length - 1]! ^ 1;
    expect(documentFileHash(a)).not.toBe(documentFileHash(b));
    expect(documentFileHash(a)).not.toBe(contentSha256(a).toString("base64url"));
  });
});
