import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AuditContent, GENESIS_HASH, canonicalJson, entryHash } from "./chain";

const content: AuditContent = {
  seq: 1,
  at: "2024-03-10T13:05:09.123Z",
  actorUserId: null,
  actorLabel: "system",
  action: "auth.login.succeeded",
  outcome: "success",
  targetType: "user",
  targetId: "42",
  ipHash: null,
  details: { b: [1, { y: 2, x: "é" }], a: true },
};

const CANONICAL =
  '{"action":"auth.login.succeeded","actorLabel":"system","actorUserId":null,"at":"2024-03-10T13:05:09.123Z",' +
  '"details":{"a":true,"b":[1,{"x":"é","y":2}]},"ipHash":null,"outcome":"success","seq":1,"targetId":"42",' +
  '"targetType":"user"}';

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson(content)).toBe(CANONICAL);
  });

  it("does not depend on key insertion order", () => {
    const a = { z: 1, a: { d: [3, 2, 1], c: { f: null, e: "x" } } };
    const b = { a: { c: { e: "x", f: null }, d: [3, 2, 1] }, z: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":{"e":"x","f":null},"d":[3,2,1]},"z":1}');
  });

  it("drops undefined properties as JSON storage does", () => {
    const withUndefined = { a: 1, b: undefined };
    expect(canonicalJson(withUndefined)).toBe('{"a":1}');
    expect(canonicalJson(withUndefined)).toBe(canonicalJson(JSON.parse(JSON.stringify(withUndefined))));
  });

  it("escapes strings exactly as JSON does", () => {
    expect(canonicalJson({ 'k"\n': 'v"\u2028\\' })).toBe(JSON.stringify({ 'k"\n': 'v"\u2028\\' }));
  });
});

describe("entryHash", () => {
  it("is SHA-256 of the previous hash, a newline and the canonical content", () => {
    const expected = createHash("sha256").update(`${GENESIS_HASH}\n${CANONICAL}`, "utf8").digest("hex");
    expect(entryHash(GENESIS_HASH, content)).toBe(expected);
  });

  it("matches the known vector", () => {
    expect(entryHash(GENESIS_HASH, content)).toBe("a8f9d328efbd5b19d6e9bf84a047271f701a362d50f0f5f0d01f581f20aa42c5");
  });

  it("is stable across key order and changes with any field or link", () => {
    const reordered = { ...content, details: { a: true, b: [1, { x: "é", y: 2 }] } };
    expect(entryHash(GENESIS_HASH, reordered)).toBe(entryHash(GENESIS_HASH, content));
    expect(entryHash(GENESIS_HASH, { ...content, outcome: "failure" })).not.toBe(entryHash(GENESIS_HASH, content));
    expect(entryHash(GENESIS_HASH, { ...content, details: { ...content.details, a: false } })).not.toBe(
      entryHash(GENESIS_HASH, content),
    );
    expect(entryHash("f".repeat(64), content)).not.toBe(entryHash(GENESIS_HASH, content));
  });
});
