import { ALWAYS_ON_PATHS, SERVICE_CATALOGUE } from "./catalogue";
import { SERVICE_KEYS, type ServiceDefinition, type ServiceKey } from "./types";

/*
 * Which service owns a request path. The catalogue's patterns are compiled once into a tree of
 * segments; a request walks it without regular expressions and, for ordinary paths, without
 * allocating. The most specific pattern wins: more literal segments, then more segments, then
 * an exact pattern over a trailing `/*`, then a pattern limited to some methods.
 *
 * A path is read exactly as it reaches React Router, so that no spelling of a URL gets a closed
 * service's route module past the shutter: first as the WHATWG URL parser rewrites it (tabs and
 * newlines dropped, `\` read as `/`, `.` and `..` segments resolved, percent-encoded ones
 * included), then as React Router's server does (a single-fetch `.data` suffix removed,
 * `/_root.data` read as `/`; segments percent-decoded, the raw path kept when that fails; an
 * empty segment matches only a splat; trailing slashes and letter case ignored). A caller may
 * pass a raw request target: a query string or fragment is ignored.
 */

export type ServiceMatcher = {
  /** The service whose route or action this request reaches, or null (always-on or unowned). */
  serviceFor(method: string, pathname: string): ServiceKey | null;
  /** Whether the most specific pattern matching this path is always on, whatever the method. */
  isAlwaysOn(pathname: string): boolean;
};

type Owner = ServiceKey | "always-on";

type Entry = {
  owner: Owner;
  /** Upper-case methods this entry is limited to, or null for every method. */
  methods: readonly string[] | null;
  rank: number;
};

type Edge = { segment: string; node: Node };

type Node = {
  /** Literal children indexed by segment length, so a segment is compared without slicing it. */
  literals: (Edge[] | undefined)[];
  param: Node | null;
  exact: Entry[];
  splat: Entry[];
};

/** Matches entries whatever their methods (for `isAlwaysOn`). */
const ANY_METHOD = "";

const SLASH = 47;
const BACKSLASH = 92;
const DOT = 46;
const PERCENT = 37;
const QUESTION_MARK = 63;
const HASH = 35;
const SPACE = 32;
const UPPER_A = 65;
const UPPER_Z = 90;
const LINE_SEPARATOR = 0x2028;
const PARAGRAPH_SEPARATOR = 0x2029;
const DATA_SUFFIX = ".data";

/** Literal pattern segments: lower-case ASCII that no URL spelling can disguise. */
const LITERAL_SEGMENT = /^[a-z0-9._~-]+$/;

const newNode = (): Node => ({ literals: [], param: null, exact: [], splat: [] });

function compile(pattern: string, owner: Owner, methods: readonly string[] | null, root: Node): void {
  if (pattern !== "*" && !pattern.startsWith("/")) throw new Error(`Switchboard path "${pattern}" must start with "/" or be "*"`);
  const segments = pattern.toLowerCase().split("/").filter((segment) => segment !== "");
  const isSplat = segments.at(-1) === "*";
  if (isSplat) segments.pop();
  let node = root;
  let literalCount = 0;
  for (const segment of segments) {
    if (/^:[\w-]+$/.test(segment)) {
      node.param ??= newNode();
      node = node.param;
      continue;
    }
    if (!LITERAL_SEGMENT.test(segment) || segment === "." || segment === "..") {
      throw new Error(`Switchboard path "${pattern}": only literal segments, ":param" segments and a trailing "/*" are supported`);
    }
    literalCount++;
    const edges = (node.literals[segment.length] ??= []);
    let edge = edges.find((e) => e.segment === segment);
    if (!edge) {
      edge = { segment, node: newNode() };
      edges.push(edge);
    }
    node = edge.node;
  }
  const entries = isSplat ? node.splat : node.exact;
  const clash = entries.find((e) => (e.methods === null && methods === null) || (e.methods ?? []).some((m) => methods?.includes(m)));
  if (clash) throw new Error(`Switchboard path "${pattern}" is declared twice (${clash.owner} and ${owner})`);
  const rank = literalCount * 10_000 + segments.length * 100 + (isSplat ? 0 : 10) + (methods === null ? 0 : 1);
  entries.push({ owner, methods, rank });
  // Limited entries first: for the same pattern they are more specific than an unlimited one.
  entries.sort((a, b) => b.rank - a.rank);
}

function pick(entries: readonly Entry[], method: string): Entry | null {
  const first = entries[0];
  if (first === undefined || first.methods === null) return first ?? null;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.methods === null || method === ANY_METHOD) return entry;
    if (entry.methods.includes(method === "HEAD" ? "GET" : method.toUpperCase())) return entry;
  }
  return null;
}

const better = (a: Entry | null, b: Entry | null): Entry | null => (a === null ? b : b === null || a.rank >= b.rank ? a : b);

/**
 * The best entry below `node` for `path[slash, end)`, where `slash` is the index of a "/" or `end`.
 * `lastBreak` is the index of the path's last line terminator, or -1: React Router's splat is
 * `(.+)`, whose dot matches no line terminator, so a splat never covers a rest that holds one.
 */
function walk(node: Node, path: string, slash: number, end: number, method: string, lastBreak: number): Entry | null {
  const splat = lastBreak < slash ? pick(node.splat, method) : null;
  if (slash >= end) return better(pick(node.exact, method), splat);
  const start = slash + 1;
  let stop = path.indexOf("/", start);
  if (stop === -1 || stop > end) stop = end;
  // An empty segment (`//`) matches no literal and no parameter, only a splat above it.
  if (stop === start) return splat;
  let best = splat;
  const edges = node.literals[stop - start];
  if (edges) {
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i]!;
      if (path.startsWith(edge.segment, start)) {
        best = better(walk(edge.node, path, stop, end, method, lastBreak), best);
        break;
      }
    }
  }
  if (node.param) best = better(best, walk(node.param, path, stop, end, method, lastBreak));
  return best;
}

/** Per ASCII code: 1 when it makes a path need normalising, 2 for ".", which may start a dot segment. */
const CHAR_FLAGS = new Uint8Array(128);
for (let c = 0; c <= SPACE; c++) CHAR_FLAGS[c] = 1;
for (let c = UPPER_A; c <= UPPER_Z; c++) CHAR_FLAGS[c] = 1;
for (const c of [PERCENT, BACKSLASH, QUESTION_MARK, HASH]) CHAR_FLAGS[c] = 1;
CHAR_FLAGS[DOT] = 2;

/** Whether `path` differs from what React Router matches against, once lower-cased and decoded. */
function needsNormalising(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH) return true;
  const length = path.length;
  for (let i = 1; i < length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 128) {
      // U+2028 and U+2029 end a line for a regular expression's dot, as "\n" and "\r" do.
      if (c === LINE_SEPARATOR || c === PARAGRAPH_SEPARATOR) return true;
      continue;
    }
    const flag = CHAR_FLAGS[c];
    if (flag === 1) return true;
    if (flag === 2 && path.charCodeAt(i - 1) === SLASH) {
      const next = i + 1 < length ? path.charCodeAt(i + 1) : SLASH;
      if (next === SLASH || (next === DOT && (i + 2 === length || path.charCodeAt(i + 2) === SLASH))) return true;
    }
  }
  return false;
}

/** 1 for a "." segment, 2 for "..", percent-encoded dots included (WHATWG URL); 0 otherwise. */
function dotSegment(segment: string): 0 | 1 | 2 {
  if (segment.length > 6 || (segment.charCodeAt(0) !== DOT && segment.charCodeAt(0) !== PERCENT)) return 0;
  if (segment === "." || /^%2e$/i.test(segment)) return 1;
  return /^(?:\.|%2e)(?:\.|%2e)$/i.test(segment) ? 2 : 0;
}

/** The path component the WHATWG URL parser would produce (still percent-encoded). */
function urlPath(raw: string): string {
  let input = raw;
  if (input.charCodeAt(0) <= SPACE || input.charCodeAt(input.length - 1) <= SPACE) input = input.replace(/^[\0- ]+|[\0- ]+$/g, "");
  if (/[\t\n\r]/.test(input)) input = input.replace(/[\t\n\r]/g, "");
  const query = input.indexOf("?");
  const fragment = input.indexOf("#");
  const cut = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  if (cut !== -1) input = input.slice(0, cut);
  const parts = input.replaceAll("\\", "/").split("/");
  const segments: string[] = [];
  // A path always starts with "/": a leading empty part is that slash, not a segment.
  for (let i = parts[0] === "" ? 1 : 0; i < parts.length; i++) {
    const segment = parts[i]!;
    const dots = dotSegment(segment);
    if (dots === 0) {
      segments.push(segment);
      continue;
    }
    if (dots === 2) segments.pop();
    // A dot segment at the end leaves the path ending with "/".
    if (i === parts.length - 1) segments.push("");
  }
  return `/${segments.join("/")}`;
}

function decodePath(path: string): string {
  if (!path.includes("%")) return path;
  try {
    return path
      .split("/")
      .map((segment) => decodeURIComponent(segment).replaceAll("/", "%2F"))
      .join("/");
  } catch {
    return path;
  }
}

/** Upper-case ASCII letters lowered, and only those, as React Router's non-Unicode `i` flag folds. */
const lowerAscii = (text: string) => (/^[\0-\x7f]*$/.test(text) ? text.toLowerCase() : text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()));

const dataEnd = (path: string) => (path === "/_root.data" ? 1 : path.endsWith(DATA_SUFFIX) ? path.length - DATA_SUFFIX.length : path.length);

const LINE_TERMINATORS = /[\n\r\u2028\u2029]/g;

function match(root: Node, pathname: string, method: string): Entry | null {
  let path = pathname;
  let end: number;
  // A path that needs no normalising holds no line terminator (see needsNormalising).
  let lastBreak = -1;
  if (needsNormalising(pathname)) {
    const url = urlPath(pathname);
    path = lowerAscii(decodePath(url.slice(0, dataEnd(url))));
    end = path.length;
    for (const found of path.matchAll(LINE_TERMINATORS)) lastBreak = found.index;
  } else {
    end = dataEnd(path);
  }
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  return walk(root, path, 0, end, method, lastBreak);
}

export function createServiceMatcher(
  catalogue: Readonly<Record<ServiceKey, ServiceDefinition>> = SERVICE_CATALOGUE,
  alwaysOn: readonly string[] = ALWAYS_ON_PATHS,
): ServiceMatcher {
  const root = newNode();
  for (const key of SERVICE_KEYS) {
    for (const route of catalogue[key].routes) compile(route.path, key, route.methods ?? null, root);
  }
  for (const pattern of alwaysOn) compile(pattern, "always-on", null, root);

  return {
    serviceFor(method, pathname) {
      const owner = match(root, pathname, method)?.owner;
      return owner === undefined || owner === "always-on" ? null : owner;
    },
    isAlwaysOn(pathname) {
      return match(root, pathname, ANY_METHOD)?.owner === "always-on";
    },
  };
}
