// Over 400 lines: one reader of the PDF syntax (tokens, objects, cross-references, object streams) whose parts share its limits and checks.
import { constants, inflateSync } from "node:zlib";

/*
 * A strict structural reader of uploaded PDFs (ISO 32000), for refusing what a member's invoice
 * never needs and an attacker does. The whole file is read from its first byte to its last as a
 * sequence of PDF constructs — the header, indirect objects (with their streams), cross-reference
 * sections, trailers, `startxref` and `%%EOF` — so that nothing else (an HTML page before the
 * header, between objects or after the end: a polyglot) can hide in it. Cross-reference offsets
 * must point at the objects they name. Every dictionary, including those packed in compressed
 * object streams, is then checked: encryption, JavaScript, automatic actions (OpenAction, AA),
 * launch and submit actions, embedded files and rich media are refused. Names are compared after
 * their `#xx` escapes are decoded (`/J#61vaScript` is `/JavaScript`).
 *
 * Nothing is rendered or executed: the reader only tokenises. Its work is bounded (objects,
 * nesting, decompressed bytes), so a hostile file costs at most a few hundred milliseconds.
 */

export type PdfRefusal = "malformed" | "encrypted" | "active-content" | "embedded-file";
export type PdfVerdict = { ok: true; objects: number } | { ok: false; reason: PdfRefusal; detail: string };

const MAX_OBJECTS = 100_000;
const MAX_DEPTH = 64;
/** Decompressed object and cross-reference streams, in total. */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** Keys whose mere presence refuses the file, and why. */
const REFUSED_KEYS: ReadonlyMap<string, PdfRefusal> = new Map([
  ["Encrypt", "encrypted"],
  ["JS", "active-content"],
  ["JavaScript", "active-content"],
  ["AA", "active-content"],
  ["Launch", "active-content"],
  ["XFA", "active-content"],
  ["RichMedia", "active-content"],
  ["EmbeddedFile", "embedded-file"],
  ["EmbeddedFiles", "embedded-file"],
  ["EF", "embedded-file"],
]);

/** Name values (action types, annotation subtypes) that refuse the file. */
const REFUSED_NAMES: ReadonlyMap<string, PdfRefusal> = new Map([
  ["JavaScript", "active-content"],
  ["Launch", "active-content"],
  ["SubmitForm", "active-content"],
  ["ImportData", "active-content"],
  ["GoToR", "active-content"],
  ["Rendition", "active-content"],
  ["RichMedia", "active-content"],
  ["EmbeddedFile", "embedded-file"],
  ["FileAttachment", "embedded-file"],
  ["GoToE", "embedded-file"],
]);

class Malformed extends Error {}
class Refused extends Error {
  constructor(
    readonly reason: PdfRefusal,
    detail: string,
  ) {
    super(detail);
  }
}

type Ref = { kind: "ref"; num: number; gen: number };
type Name = { kind: "name"; value: string };
type Dict = { kind: "dict"; entries: Map<string, Value> };
type Value = null | boolean | number | string | Name | Ref | Value[] | Dict | { kind: "string" };

const isDict = (v: Value | undefined): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "dict";
const isName = (v: Value | undefined, name?: string): v is Name =>
  typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "name" && (name === undefined || v.value === name);
const isRef = (v: Value | undefined): v is Ref => typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "ref";

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isRegular = (b: number | undefined) => b !== undefined && !WHITESPACE.has(b) && !DELIMITERS.has(b);
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

const latin1 = (bytes: Uint8Array, start: number, end: number) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");

/** A tokeniser over one buffer (the file, or a decompressed object stream). */
class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    private readonly visit: (value: Dict | Name) => void,
    /** Sees every comment's text (without the `%`). */
    private readonly onComment: (text: string, start: number) => void = () => undefined,
  ) {}

  fail(what: string): never {
    throw new Malformed(`${what} at byte ${this.pos}`);
  }

  get done() {
    return this.pos >= this.bytes.length;
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WHITESPACE.has(c)) {
        this.pos++;
      } else if (c === 0x25) {
        const start = this.pos;
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
        this.onComment(latin1(b, start + 1, this.pos), start);
      } else {
        return;
      }
    }
  }

  /** Skips whitespace only (a comment is content here). */
  skipWhite(): void {
    while (this.pos < this.bytes.length && WHITESPACE.has(this.bytes[this.pos]!)) this.pos++;
  }

  /** True (and consumed) when the next bytes are `keyword` followed by a non-regular byte. */
  keyword(keyword: string): boolean {
    const b = this.bytes;
    for (let i = 0; i < keyword.length; i++) if (b[this.pos + i] !== keyword.charCodeAt(i)) return false;
    if (isRegular(b[this.pos + keyword.length])) return false;
    this.pos += keyword.length;
    return true;
  }

  expectKeyword(keyword: string): void {
    this.skipSpace();
    if (!this.keyword(keyword)) this.fail(`"${keyword}" expected`);
  }

  /** An unsigned integer, or null (nothing consumed) when there is none. */
  integer(): number | null {
    const b = this.bytes;
    const start = this.pos;
    let end = start;
    while (isDigit(b[end])) end++;
    if (end === start || end - start > 15 || isRegular(b[end])) return null;
    this.pos = end;
    return Number(latin1(b, start, end));
  }

  value(depth = 0): Value {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    this.skipSpace();
    const b = this.bytes;
    const c = b[this.pos];
    if (c === undefined) this.fail("unexpected end");
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literalString();
    if (c === 0x3c && b[this.pos + 1] === 0x3c) return this.dictionary(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x5b) {
      this.pos++;
      const items: Value[] = [];
      for (;;) {
        this.skipSpace();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        items.push(this.value(depth + 1));
      }
    }
    if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) return this.numberOrRef();
    if (this.keyword("true")) return true;
    if (this.keyword("false")) return false;
    if (this.keyword("null")) return null;
    return this.fail("unexpected token");
  }

  private name(): Name {
    const b = this.bytes;
    this.pos++;
    let out = "";
    while (isRegular(b[this.pos])) {
      const ch = b[this.pos]!;
      if (ch === 0x23) {
        const hex = latin1(b, this.pos + 1, this.pos + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail("bad name escape");
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 3;
      } else {
        out += String.fromCharCode(ch);
        this.pos++;
      }
    }
    const name: Name = { kind: "name", value: out };
    this.visit(name);
    return name;
  }

  private literalString(): Value {
    const b = this.bytes;
    this.pos++;
    let depth = 1;
    while (this.pos < b.length) {
      const ch = b[this.pos++]!;
      if (ch === 0x5c) this.pos++;
      else if (ch === 0x28) depth++;
      else if (ch === 0x29 && --depth === 0) return { kind: "string" };
    }
    return this.fail("unterminated string");
  }

  private hexString(): Value {
    const b = this.bytes;
    this.pos++;
    while (this.pos < b.length) {
      const ch = b[this.pos++]!;
      if (ch === 0x3e) return { kind: "string" };
      if (!WHITESPACE.has(ch) && !/[0-9a-fA-F]/.test(String.fromCharCode(ch))) this.fail("bad hex string");
    }
    return this.fail("unterminated hex string");
  }

  private dictionary(depth: number): Dict {
    const b = this.bytes;
    this.pos += 2;
    const entries = new Map<string, Value>();
    for (;;) {
      this.skipSpace();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        const dict: Dict = { kind: "dict", entries };
        this.visit(dict);
        return dict;
      }
      if (b[this.pos] !== 0x2f) this.fail("dictionary key expected");
      const key = this.name().value;
      entries.set(key, this.value(depth + 1));
    }
  }

  private numberOrRef(): Value {
    const b = this.bytes;
    const start = this.pos;
    const first = this.integer();
    if (first !== null) {
      // `num gen R`: look ahead without consuming unless it is one.
      const after = this.pos;
      this.skipSpace();
      const gen = this.integer();
      if (gen !== null) {
        this.skipSpace();
        if (this.keyword("R")) return { kind: "ref", num: first, gen };
      }
      this.pos = after;
      return first;
    }
    this.pos = start;
    let end = start;
    if (b[end] === 0x2b || b[end] === 0x2d) end++;
    while (isDigit(b[end]) || b[end] === 0x2e) end++;
    const text = latin1(b, start, end);
    if (isRegular(b[end]) || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) this.fail("bad number");
    this.pos = end;
    return Number(text);
  }
}

type ParsedObject = { num: number; gen: number; offset: number; value: Value; stream: { start: number; end: number } | null };

/** Reads `bytes` as a PDF and returns its verdict; never throws. */
export function inspectPdfStructure(bytes: Uint8Array): PdfVerdict {
  try {
    return read(bytes);
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: err.reason, detail: err.message };
    if (err instanceof Malformed) return { ok: false, reason: "malformed", detail: err.message };
    if (err instanceof RangeError || err instanceof Error) return { ok: false, reason: "malformed", detail: err.message };
    return { ok: false, reason: "malformed", detail: String(err) };
  }
}

function read(bytes: Uint8Array): PdfVerdict {
  const visit = (v: Dict | Name) => {
    if (v.kind === "name") {
      const reason = REFUSED_NAMES.get(v.value);
      if (reason) throw new Refused(reason, `/${v.value}`);
      return;
    }
    for (const [key, value] of v.entries) {
      const reason = REFUSED_KEYS.get(key);
      if (reason) throw new Refused(reason, `/${key}`);
      // Checked once every object is read: a destination to open at is harmless, an action is not.
      if (key === "OpenAction") openActions.push(value);
    }
  };
  const openActions: Value[] = [];
  const packed = new Map<number, Value>();
  // Comments are PDF's only free text outside strings: one holding markup is a polyglot's hiding place.
  const onComment = (text: string, start: number) => {
    if (/<\s*[a-zA-Z!?/]/.test(text)) throw new Malformed(`markup in a comment at byte ${start}`);
  };
  const r = new Reader(bytes, visit, onComment);
  const header = latin1(bytes, 0, Math.min(bytes.length, 16));
  if (!/^%PDF-(1\.[0-7]|2\.0)[\r\n %]/.test(header)) r.fail("no PDF header at the first byte");
  r.skipSpace();

  const objects = new Map<string, ParsedObject>();
  const xrefTables: { offset: number; entries: { num: number; offset: number; gen: number }[] }[] = [];
  const trailers: Dict[] = [];
  const lengthChecks: { ref: Ref; length: number; slack: number }[] = [];
  let lastStartxref: number | null = null;
  /** Where the last `%%EOF` ended: only whitespace may follow it at the end of the file. */
  let eofEnd = -1;
  let inflated = 0;

  while (!r.done) {
    const at = r.pos;
    if (isDigit(bytes[r.pos])) {
      if (objects.size >= MAX_OBJECTS) r.fail("too many objects");
      const obj = readIndirectObject(r, lengthChecks);
      const key = `${obj.num} ${obj.gen}`;
      objects.set(key, obj);
    } else if (r.keyword("xref")) {
      xrefTables.push({ offset: at, entries: readXrefTable(r) });
    } else if (r.keyword("trailer")) {
      const trailer = r.value();
      if (!isDict(trailer)) throw new Malformed("trailer dictionary expected");
      trailers.push(trailer);
    } else if (r.keyword("startxref")) {
      r.skipSpace();
      lastStartxref = r.integer();
      if (lastStartxref === null) r.fail("startxref offset expected");
      r.skipWhite();
      if (!r.keyword("%%EOF")) r.fail("%%EOF expected after startxref");
      eofEnd = r.pos;
      r.skipWhite();
      if (r.done) break;
    } else {
      r.fail("unexpected content");
    }
    r.skipSpace();
  }
  if (lastStartxref === null || eofEnd < 0 || !bytes.subarray(eofEnd).every((b) => WHITESPACE.has(b))) {
    r.fail("the file does not end with startxref and %%EOF");
  }

  for (const check of lengthChecks) {
    const target = objects.get(`${check.ref.num} ${check.ref.gen}`)?.value;
    if (typeof target !== "number" || target > check.length || target < check.length - check.slack) {
      throw new Malformed(`stream length ${check.ref.num} ${check.ref.gen} R does not match its data`);
    }
  }

  const pointsAtObject = (offset: number, num: number, gen: number) => {
    const o = new Reader(bytes, () => undefined);
    o.pos = offset;
    return o.integer() === num && (o.skipSpace(), o.integer() === gen) && (o.skipSpace(), o.keyword("obj"));
  };
  for (const table of xrefTables) {
    for (const entry of table.entries) {
      if (!pointsAtObject(entry.offset, entry.num, entry.gen)) throw new Malformed(`cross-reference entry ${entry.num} points at no such object`);
    }
  }

  // Object and cross-reference streams: their dictionaries were checked while reading; their
  // content is decompressed to check the objects packed in them and the offsets they give.
  let xrefStreams = 0;
  let startxrefTarget = xrefTables.some((t) => t.offset === lastStartxref);
  for (const obj of objects.values()) {
    if (!obj.stream || !isDict(obj.value)) continue;
    const dict = obj.value;
    const type = dict.entries.get("Type");
    if (!isName(type, "ObjStm") && !isName(type, "XRef")) continue;
    const data = decode(bytes.subarray(obj.stream.start, obj.stream.end), dict, MAX_INFLATED_BYTES - inflated);
    inflated += data.length;
    if (isName(type, "XRef")) {
      xrefStreams++;
      trailers.push(dict);
      if (obj.offset === lastStartxref) startxrefTarget = true;
      for (const entry of readXrefStream(data, dict)) {
        if (!pointsAtObject(entry.offset, entry.num, entry.gen)) throw new Malformed(`cross-reference stream entry ${entry.num} points at no such object`);
      }
    } else {
      for (const [num, value] of readObjectStream(data, dict, visit)) packed.set(num, value);
    }
  }
  for (const action of openActions) {
    const target = isRef(action) ? (objects.get(`${action.num} ${action.gen}`)?.value ?? packed.get(action.num)) : action;
    // A destination, or an action going to one (GoTo), only chooses the page shown first.
    const harmless = Array.isArray(target) || (isDict(target) && isName(target.entries.get("S"), "GoTo"));
    if (!harmless) throw new Refused("active-content", "/OpenAction");
  }
  if (!startxrefTarget) r.fail("startxref points at no cross-reference section");
  if (xrefTables.length + xrefStreams === 0) r.fail("no cross-reference section");
  if (!trailers.some((t) => isRef(t.entries.get("Root")))) r.fail("no document catalogue");
  return { ok: true, objects: objects.size };
}

function readIndirectObject(r: Reader, lengthChecks: { ref: Ref; length: number; slack: number }[]): ParsedObject {
  const offset = r.pos;
  const num = r.integer();
  r.skipSpace();
  const gen = r.integer();
  if (num === null || gen === null) r.fail("object number expected");
  r.expectKeyword("obj");
  const value = r.value();
  r.skipSpace();
  let stream: ParsedObject["stream"] = null;
  if (r.keyword("stream")) {
    if (!isDict(value)) r.fail("stream without a dictionary");
    const b = r.bytes;
    // The keyword is followed by CRLF or LF (a lone CR is tolerated).
    if (b[r.pos] === 0x0d && b[r.pos + 1] === 0x0a) r.pos += 2;
    else if (b[r.pos] === 0x0a || b[r.pos] === 0x0d) r.pos++;
    else r.fail("end of line expected after stream");
    const start = r.pos;
    const length = value.entries.get("Length");
    let end: number;
    if (typeof length === "number" && Number.isInteger(length) && length >= 0) {
      end = start + length;
      if (end > b.length) r.fail("stream longer than the file");
      r.pos = end;
      r.skipSpace();
      if (!r.keyword("endstream")) r.fail("endstream expected after the stream's Length bytes");
    } else if (isRef(length)) {
      // The length is another object, maybe further on: find the end, check the length afterwards.
      const found = Buffer.from(b.buffer, b.byteOffset, b.length).indexOf("endstream", start, "latin1");
      if (found < 0) r.fail("endstream missing");
      end = found;
      let slack = 0;
      while (slack < 2 && end - slack > start && WHITESPACE.has(b[end - slack - 1]!)) slack++;
      lengthChecks.push({ ref: length, length: end - start, slack });
      r.pos = found + "endstream".length;
    } else {
      return r.fail("stream without a valid Length");
    }
    stream = { start, end };
  }
  r.expectKeyword("endobj");
  return { num, gen, offset, value, stream };
}

function readXrefTable(r: Reader): { num: number; offset: number; gen: number }[] {
  const entries: { num: number; offset: number; gen: number }[] = [];
  const b = r.bytes;
  for (;;) {
    r.skipSpace();
    if (!isDigit(b[r.pos])) return entries;
    const first = r.integer();
    while (b[r.pos] === 0x20) r.pos++;
    const count = r.integer();
    if (first === null || count === null) r.fail("cross-reference subsection expected");
    if (count > MAX_OBJECTS) r.fail("too many cross-reference entries");
    r.skipSpace();
    for (let i = 0; i < count; i++) {
      const line = latin1(b, r.pos, Math.min(b.length, r.pos + 20));
      const m = /^(\d{10}) (\d{5}) ([nf])[ \r\n]{1,2}/.exec(line);
      if (!m) r.fail("cross-reference entry expected");
      r.pos += m[0].length;
      if (m[3] === "n") entries.push({ num: first + i, offset: Number(m[1]), gen: Number(m[2]) });
      r.skipWhite();
    }
  }
}

function integerOf(dict: Dict, key: string, fallback?: number): number {
  const v = dict.entries.get(key);
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (v === undefined && fallback !== undefined) return fallback;
  throw new Malformed(`/${key} expected`);
}

/** The data of an object or cross-reference stream: raw, or FlateDecode with an optional PNG predictor. */
function decode(raw: Uint8Array, dict: Dict, budget: number): Uint8Array {
  const filter = dict.entries.get("Filter");
  const filters = Array.isArray(filter) ? filter : filter === undefined ? [] : [filter];
  if (filters.length === 0) return raw;
  if (filters.length !== 1 || !isName(filters[0], "FlateDecode")) throw new Malformed("unsupported filter on an object stream");
  if (budget <= 0) throw new Malformed("too much compressed structure");
  let data: Uint8Array;
  try {
    data = inflateSync(raw, { maxOutputLength: budget, finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    throw new Malformed("object stream does not decompress");
  }
  const params = dict.entries.get("DecodeParms");
  const predictor = isDict(params) ? integerOf(params, "Predictor", 1) : 1;
  if (predictor === 1) return data;
  if (predictor < 10 || !isDict(params)) throw new Malformed("unsupported predictor");
  const columns = integerOf(params, "Columns", 1);
  return unpredictPng(data, columns);
}

/** Undoes the PNG row predictors (one filter byte per row), as cross-reference streams use them. */
function unpredictPng(data: Uint8Array, columns: number): Uint8Array {
  const rowLength = columns + 1;
  if (columns === 0 || data.length % rowLength !== 0) throw new Malformed("predicted data of a wrong size");
  const rows = data.length / rowLength;
  const out = new Uint8Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    const type = data[row * rowLength]!;
    for (let i = 0; i < columns; i++) {
      const x = data[row * rowLength + 1 + i]!;
      const left = i > 0 ? out[row * columns + i - 1]! : 0;
      const up = row > 0 ? out[(row - 1) * columns + i]! : 0;
      const upLeft = row > 0 && i > 0 ? out[(row - 1) * columns + i - 1]! : 0;
      let v: number;
      if (type === 0) v = x;
      else if (type === 1) v = x + left;
      else if (type === 2) v = x + up;
      else if (type === 3) v = x + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else throw new Malformed("unknown PNG predictor");
      out[row * columns + i] = v & 0xff;
    }
  }
  return out;
}

function readXrefStream(data: Uint8Array, dict: Dict): { num: number; offset: number; gen: number }[] {
  const w = dict.entries.get("W");
  if (!Array.isArray(w) || w.length !== 3 || !w.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 8)) {
    throw new Malformed("/W of a cross-reference stream expected");
  }
  const [w1, w2, w3] = w as [number, number, number];
  const entryLength = w1 + w2 + w3;
  const size = integerOf(dict, "Size");
  const index = dict.entries.get("Index") ?? [0, size];
  if (!Array.isArray(index) || index.length % 2 !== 0 || !index.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)) {
    throw new Malformed("/Index of a cross-reference stream");
  }
  const total = (index as number[]).reduce((sum, n, i) => (i % 2 === 1 ? sum + n : sum), 0);
  if (entryLength === 0 || total * entryLength > data.length || total > MAX_OBJECTS) throw new Malformed("cross-reference stream of a wrong size");
  const field = (pos: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[pos + i]!;
    return v;
  };
  const entries: { num: number; offset: number; gen: number }[] = [];
  let pos = 0;
  for (let s = 0; s < index.length; s += 2) {
    const first = index[s] as number;
    const count = index[s + 1] as number;
    for (let i = 0; i < count; i++, pos += entryLength) {
      const type = w1 === 0 ? 1 : field(pos, w1);
      if (type === 1) entries.push({ num: first + i, offset: field(pos + w1, w2), gen: w3 === 0 ? 0 : field(pos + w1 + w2, w3) });
      else if (type !== 0 && type !== 2) throw new Malformed("unknown cross-reference entry type");
    }
  }
  return entries;
}

/** Reads every object packed in an object stream (their dictionaries are checked as they are read). */
function readObjectStream(data: Uint8Array, dict: Dict, visit: (v: Dict | Name) => void): Map<number, Value> {
  const n = integerOf(dict, "N");
  const first = integerOf(dict, "First");
  if (n > MAX_OBJECTS || first > data.length) throw new Malformed("object stream header");
  const r = new Reader(data, visit);
  const headers: { num: number; offset: number }[] = [];
  for (let i = 0; i < n; i++) {
    r.skipSpace();
    const num = r.integer();
    r.skipSpace();
    const offset = r.integer();
    if (num === null || offset === null) throw new Malformed("object stream header");
    headers.push({ num, offset });
  }
  const values = new Map<number, Value>();
  for (const { num, offset } of headers) {
    if (first + offset >= data.length) throw new Malformed("object stream offset out of range");
    r.pos = first + offset;
    values.set(num, r.value());
  }
  return values;
}
