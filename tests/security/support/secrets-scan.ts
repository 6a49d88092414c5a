import fs from "node:fs";
import path from "node:path";
import { decryptField } from "../../../app/platform/crypto/keyring.server";

/*
 * Finds known secret values in a dump, data files or logs. The values come from what the suite
 * knows (demo accounts, what it typed, the links and codes of the e-mails it received, the bytes
 * of the documents it uploaded) and from every encrypted envelope (`v1.<kid>.<iv>.<ciphertext>`)
 * found in the material itself, decrypted with the server's keys: whatever Bascule thought worth
 * encrypting must not also lie around in clear. Candidates of each shape (e-mail address, digit
 * run, IBAN, phone number, token) are extracted from the material in one regular-expression pass
 * and looked up among the values, so that thousands of values cost one pass over the data.
 */

export type Secret = { label: string; value: string };
export type Kind = "email" | "digits" | "iban" | "phone" | "token" | "text";
export type Hit = { label: string; kind: Kind; where: string };

const SHAPES: readonly { kind: Exclude<Kind, "text">; re: RegExp; normalize: (s: string) => string }[] = [
  { kind: "email", re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, normalize: (s) => s.toLowerCase() },
  { kind: "iban", re: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?/g, normalize: (s) => s.replace(/ /g, "") },
  { kind: "phone", re: /(?<!\d)0\d(?:[ .]?\d\d){4}(?!\d)/g, normalize: (s) => s.replace(/[ .]/g, "") },
  { kind: "digits", re: /\d(?:[ .]?\d){12,}/g, normalize: (s) => s.replace(/[ .]/g, "") },
  { kind: "token", re: /[A-Za-z0-9_-]{16,}/g, normalize: (s) => s },
];

/** Values that are identifiers shown in clear on purpose (member numbers), or too short to mean anything. */
function meaningless(value: string): boolean {
  return value.length < 8 || /^[A-Z]\d{8}$/.test(value);
}

export class SecretIndex {
  private readonly byKind = new Map<Kind, Map<string, string>>();
  private readonly texts: Secret[] = [];

  add(label: string, value: string): void {
    if (meaningless(value)) return;
    let shaped = false;
    // In a stored e-mail, message identifiers look like addresses but name no one.
    const named = value.replace(/^(?:message-id|in-reply-to|references):.*$/gim, "");
    for (const shape of SHAPES) {
      for (const m of named.matchAll(shape.re)) {
        const normalized = shape.normalize(m[0]);
        if (meaningless(normalized)) continue;
        // A digit run stands for what is inside it: NIRs (13 + 2 key digits) and the like.
        this.put(shape.kind, normalized, label);
        shaped = true;
      }
    }
    if (!shaped && value.length >= 12) this.texts.push({ label, value });
  }

  private put(kind: Kind, value: string, label: string): void {
    let map = this.byKind.get(kind);
    if (!map) this.byKind.set(kind, (map = new Map()));
    if (!map.has(value)) map.set(value, label);
  }

  get size(): number {
    return [...this.byKind.values()].reduce((n, m) => n + m.size, 0) + this.texts.length;
  }

  /** Every known value found in `material` (a latin1 view of bytes, or text). */
  scan(material: string, where: string, bytes?: Buffer): Hit[] {
    const hits = new Map<string, Hit>();
    for (const shape of SHAPES) {
      const known = this.byKind.get(shape.kind);
      if (!known) continue;
      for (const m of material.matchAll(shape.re)) {
        const candidate = shape.normalize(m[0]);
        const windows = shape.kind === "digits" ? digitWindows(candidate) : [candidate];
        for (const w of windows) {
          const label = known.get(w);
          if (label) hits.set(`${shape.kind}:${w}`, { label, kind: shape.kind, where });
        }
      }
    }
    for (const { label, value } of this.texts) {
      const found = bytes ? bytes.indexOf(Buffer.from(value, "utf8")) >= 0 : material.includes(value);
      if (found) hits.set(`text:${value}`, { label, kind: "text", where });
    }
    return [...hits.values()];
  }
}

/** The windows of a long digit run that a NIR (15), a NIR without key (13) or a phone number could be. */
function digitWindows(run: string): string[] {
  const out = [run];
  for (const size of [15, 13, 10]) for (let i = 0; i + size <= run.length; i++) out.push(run.slice(i, i + size));
  return out;
}

const ENVELOPE = /v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})/g;

/** The purposes the application encrypts under: every `table.column`-like string literal of its source. */
export function encryptionPurposes(appDir: string): string[] {
  const found = new Set<string>(["files"]);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\./.test(entry.name)) {
        for (const m of fs.readFileSync(full, "utf8").matchAll(/["'`]([a-z][a-z0-9_]*(?:[.:][a-z0-9_]+)+)["'`]/g)) found.add(m[1]!);
      }
    }
  };
  walk(appDir);
  return [...found];
}

/**
 * Decrypts every envelope in `material` with the keyring currently loaded (see setKeyring),
 * trying each purpose; returns the plain values and how many envelopes no purpose opened.
 */
export function decryptEnvelopes(material: string, purposes: string[]): { values: string[]; opened: number; unopened: number } {
  const values = new Set<string>();
  let opened = 0;
  let unopened = 0;
  const order = [...purposes];
  for (const m of material.matchAll(ENVELOPE)) {
    let plain: string | undefined;
    for (let i = 0; i < order.length; i++) {
      try {
        plain = decryptField(order[i]!, m[0]);
        // The purpose that worked is tried first next time (envelopes come by column).
        if (i > 0) order.unshift(...order.splice(i, 1));
        break;
      } catch {
        // another purpose
      }
    }
    if (plain === undefined) unopened++;
    else {
      opened++;
      values.add(plain);
    }
  }
  return { values: [...values], opened, unopened };
}
