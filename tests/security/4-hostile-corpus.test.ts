import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { HOSTILE_STRINGS } from "../e2e/hostile-strings";
import { ACTORS, postBytes, type RawAnswer } from "./support/client";
import type { FoundForm } from "./support/crawl";
import { Figures } from "./support/figures";
import { patternOf, routeTable } from "./route-access";

/*
 * Hostile input in every field of every form the crawl found (so a new form is covered without
 * being listed): the project's corpus, a deterministic sample of the Big List of Naughty Strings
 * (MIT, shipped in ./corpus), NUL, invalid UTF-8 and a 1 MB value. Each probe posts the form as
 * its page would, with one field replaced. Never a 5xx; a value holding markup is never sent back
 * unescaped in HTML. Forms that sign out are left alone; the switchboard's forms go last, since a
 * well-formed hostile reason may close a service.
 */

const ctx = inject("security");
const figures = new Figures("hostile corpus", ctx.reportDir);

const BLNS: readonly string[] = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "corpus", "blns.json"), "utf8"));
/** Naughty strings per field: the whole list in every field would take too long. */
const BLNS_PER_FIELD = Number(process.env.SECURITY_BLNS_PER_FIELD ?? 4);
/** Probes in flight at once. */
const CONCURRENCY = 4;

/** The portal's forms take 64 KB unless their route says otherwise (uploads). */
const FORM_LIMIT_BYTES = 64 * 1024;

/** A value sent as raw bytes (for invalid UTF-8) or as text. */
type Payload = { label: string; text?: string; bytes?: Buffer };

const FIXED: readonly Payload[] = [
  ...HOSTILE_STRINGS.map((text, i) => ({ label: `corpus #${i}`, text })),
  { label: "NUL inside", text: "avant\u0000après" },
  { label: "invalid UTF-8", bytes: Buffer.from([0x41, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0x42]) },
  { label: "lone surrogate", text: "x\ud800y" },
  { label: "UTF-8-encoded surrogate", bytes: Buffer.from([0x78, 0xed, 0xa0, 0x80, 0x79]) },
  { label: "1 MB", text: "é".repeat(512 * 1024) },
];

/** Deterministic PRNG (mulberry32), so that a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The naughty strings in a fixed shuffled order: fields take consecutive slices of it. */
const SHUFFLED = (() => {
  const random = prng(Number(process.env.SECURITY_SEED ?? 15));
  const list = [...BLNS];
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
})();

/** The naughty strings of the n-th field probed: over all fields, the whole list is sent. */
function naughtyFor(fieldNumber: number, perField: number): string[] {
  return Array.from({ length: Math.min(perField, SHUFFLED.length) }, (_, k) => SHUFFLED[(fieldNumber * perField + k) % SHUFFLED.length]!);
}

/** Percent-encodes every byte but the unreserved ones (a lone surrogate is sent as U+FFFD, as browsers do). */
function encode(value: Payload): Buffer {
  const bytes = value.bytes ?? Buffer.from(value.text!, "utf8");
  return Buffer.from([...bytes].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`)).join(""));
}

function urlencoded(entries: [string, Payload][]): Buffer {
  return Buffer.concat(entries.flatMap(([k, v], i) => [Buffer.from(i ? "&" : ""), encode({ label: "name", text: k }), Buffer.from("="), encode(v)]));
}

function multipart(entries: [string, Payload][], boundary: string): Buffer {
  const parts = entries.map(([k, v]) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`), v.bytes ?? Buffer.from(v.text!), Buffer.from("\r\n")]));
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

const fuzzable = (f: FoundForm) => !f.form.action.startsWith("/deconnexion");
const lastOnes = (f: FoundForm) => (f.form.action.startsWith("/admin/services") ? 1 : 0);
const patterns = routeTable().map((r) => r.pattern);
/**
 * One probe set per form, kind of actor (anonymous, member, staff) and route: the same form on
 * three claims, or the contact form met by every actor, is probed once per kind of actor.
 */
function formKey({ actor, form }: FoundForm): string {
  const kind = ACTORS.find((a) => a.name === actor)?.role ?? "anonymous";
  const group = kind === "anonymous" ? kind : kind === "MEMBER" ? "member" : "staff";
  const fields = [...form.fields.map((f) => f.name), ...form.submitters.map((s) => `${s.name}=${s.value}`)].sort().join(",");
  return `${group} ${patternOf(form.action.split("?")[0]!, patterns)} ${fields}`;
}
const targets = [...new Map(ctx.crawl.forms.filter(fuzzable).map((f) => [formKey(f), f] as const)).values()].sort((a, b) => lastOnes(a) - lastOnes(b));

/** Each field's rank among all the fields probed, for its slice of the naughty strings. */
const fieldNumbers = new Map(targets.flatMap((t, i) => t.form.fields.filter((f) => f.kind !== "file").map((f) => `${i}#${f.name}`)).map((key, n) => [key, n] as const));

afterAll(() => figures.write({ forms: targets.length, fields: targets.reduce((n, f) => n + f.form.fields.filter((x) => x.kind !== "file").length, 0), blnsPerField: BLNS_PER_FIELD }));

describe("hostile corpus in every field of every form", () => {
  it("found the forms of every area", () => {
    const actions = targets.map((f) => f.form.action);
    for (const expected of ["/connexion", "/contact", "/espace/remboursements/nouveau", "/admin/services"]) {
      expect(actions.some((a) => a.startsWith(expected)), `no form posting to ${expected}`).toBe(true);
    }
  });

  it.each(targets.map((t, i) => [`${t.actor} ${t.form.action} (${t.form.fields.map((f) => f.name).join(", ")})`, i] as const))("%s", async (_name, index) => {
    const { actor, form } = targets[index]!;
    const problems: string[] = [];
    const submitter = form.submitters[0];
    const fields = form.fields.filter((f) => f.kind !== "file");
    const jobs: (() => Promise<void>)[] = [];
    for (const field of fields) {
      const fieldNumber = fieldNumbers.get(`${index}#${field.name}`)!;
      const payloads: Payload[] = [...FIXED, ...naughtyFor(fieldNumber, BLNS_PER_FIELD).map((text) => ({ label: "naughty string", text }))];
      for (const payload of payloads) {
        jobs.push(async () => {
          const entries: [string, Payload][] = fields.map((f) => [f.name, f === field ? payload : { label: "default", text: f.value }]);
          if (submitter) entries.push([submitter.name, { label: "submitter", text: submitter.value }]);
          const multi = form.enctype === "multipart/form-data";
          const boundary = "----bascule-hostile";
          const shown = payload.text === undefined ? payload.label : JSON.stringify(payload.text.slice(0, 60));
          figures.count();
          const bytes = multi ? multipart(entries, boundary) : urlencoded(entries);
          let answer: RawAnswer;
          try {
            answer = await postBytes(ctx.baseUrl, form.action, ctx.sessions[actor] ?? "", multi ? `multipart/form-data; boundary=${boundary}` : "application/x-www-form-urlencoded", bytes);
          } catch (error) {
            problems.push(`${actor} POST ${form.action} ${field.name}=${shown} (${payload.label}): ${(error as Error).message}`);
            return;
          }
          if ("closed" in answer) {
            // Closing the connection on a body over the form limit is a refusal; on a small one, a crash.
            if (bytes.length <= FORM_LIMIT_BYTES) problems.push(`${actor} POST ${form.action} ${field.name}=${shown}: connection closed without an answer (${answer.closed})`);
            return;
          }
          const { status, contentType, body } = answer;
          if (status >= 500) problems.push(`${actor} POST ${form.action} ${field.name}=${shown}: ${status}`);
          if (payload.text?.includes("<") && contentType.includes("text/html") && body.includes(payload.text)) {
            problems.push(`${actor} POST ${form.action} ${field.name}=${shown}: sent back unescaped in HTML`);
          }
        });
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    }));
    figures.fail(problems);
    expect(problems).toEqual([]);
  });
});
