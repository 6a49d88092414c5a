import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * The dependency rule of docs/decisions/015-dependency-rule.md, checked on the import graph itself.
 * Every import of app/, server/, scripts/ and bench/ (static, re-export, dynamic, type-only) is read
 * with TypeScript's own parser and resolved to a file; the zones below say which way each may point.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const SCANNED = ["app", "server", "scripts", "bench"];
const EXTENSIONS = [".ts", ".tsx", ".js", ".mjs"];
const MAX_LINES = 400;

/*
 * Files allowed over MAX_LINES without a reason at their top, each because it is to be split (issue
 * #10 § 2). Keyed by file name, so that moving the file keeps its entry; remove the entry as soon
 * as the file is split: a stale entry fails the test.
 */
const LONG_FILES_BEING_SPLIT: Record<string, string> = {
  "member-claims.server.ts": "filing, estimating and reading a member's claims: one use-case each",
};

/*
 * Imports that break a rule today and are being fixed; each says why it is still there.
 * A stale entry (the import no longer exists) fails the test.
 */
const KNOWN_VIOLATIONS: Record<string, string> = {};

type Zone =
  | { kind: "platform" }
  | { kind: "ui" }
  | { kind: "feature"; name: string }
  | { kind: "routes" }
  | { kind: "root" };

function zoneOf(file: string): Zone {
  if (file.startsWith("app/platform/")) return { kind: "platform" };
  if (file.startsWith("app/ui/")) return { kind: "ui" };
  const feature = /^app\/features\/([^/]+)\//.exec(file);
  if (feature) return { kind: "feature", name: feature[1]! };
  if (file.startsWith("app/routes/")) return { kind: "routes" };
  // app/routes.ts, app/root.tsx, app/entry.server.tsx, app/*-registry*.ts, server/, scripts/, bench/.
  return { kind: "root" };
}

function isPublicEntry(file: string): boolean {
  return /^app\/features\/[^/]+\/index(\.server)?\.tsx?$/.test(file);
}

function listSources(dir: string): string[] {
  const absolute = path.join(ROOT, dir);
  if (!fs.existsSync(absolute)) return [];
  return fs
    .readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter((f) => !f.startsWith("bench/results/"))
    .sort();
}

function moduleSpecifiers(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolve(from: string, specifier: string, files: Set<string>): string | undefined {
  let base: string;
  if (specifier.startsWith("~/")) base = `app/${specifier.slice(2)}`;
  else if (specifier.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  else return undefined; // a package
  const stem = base.replace(/\.(js|ts|tsx)$/, "");
  const candidates = [base, ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => `${base}/index${e}`)];
  return candidates.find((c) => files.has(c));
}

type Edge = { from: string; to: string };

function lineCount(file: string): number {
  const text = texts.get(file)!;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

const files = SCANNED.flatMap(listSources);
const fileSet = new Set(files);
const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")]));
const edges: Edge[] = files.flatMap((from) =>
  moduleSpecifiers(from, texts.get(from)!)
    .map((s) => resolve(from, s, fileSet))
    .filter((to): to is string => to !== undefined && to !== from)
    .map((to) => ({ from, to })),
);

function violation(edge: Edge): string | undefined {
  const from = zoneOf(edge.from);
  const to = zoneOf(edge.to);
  if (from.kind === "platform" && to.kind !== "platform") {
    return "platform/ holds infrastructure and imports nothing above it: move the shared piece down into platform/, or let a composition root (server/, app/routes.ts, scripts/) pass it in";
  }
  if (from.kind === "ui" && (to.kind === "feature" || to.kind === "routes" || to.kind === "root")) {
    return "ui/ holds presentational components and imports no feature: pass what the component needs as props, or move it into the feature's ui/ folder";
  }
  if (from.kind === "feature" && (to.kind === "routes" || to.kind === "root")) {
    return "a feature never imports routes or composition roots: receive the value as an argument, or register it from the composition root";
  }
  if (from.kind === "feature" && to.kind === "feature" && from.name !== to.name && !isPublicEntry(edge.to)) {
    return `features/${from.name} may use features/${to.name} only through its public entry: import from "~/features/${to.name}" (client-safe index.ts) or "~/features/${to.name}/index.server" (server-only), exporting the piece there if it is missing`;
  }
  return undefined;
}

/** Strongly connected components of more than one file (Tarjan), each as one concrete cycle. */
function cycles(): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
  };
  for (const f of files) if (!index.has(f)) strongConnect(f);
  // Name one concrete cycle per component: the shortest path back to its first file.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of next.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const cycle = [v];
          while (cycle[0] !== start) cycle.unshift(previous.get(cycle[0]!)!);
          return [...cycle, start];
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...component, component[0]!];
  });
}

describe("architecture: dependencies point one way", () => {
  it("reads the whole code base", () => {
    expect(files.length).toBeGreaterThan(200);
    expect(edges.length).toBeGreaterThan(500);
  });

  it("keeps platform/ below everything, ui/ free of features, and features apart except through public entries", () => {
    const found = edges
      .map((edge) => ({ edge, why: violation(edge) }))
      .filter((v): v is { edge: Edge; why: string } => v.why !== undefined)
      .filter(({ edge }) => !(`${edge.from} -> ${edge.to}` in KNOWN_VIOLATIONS))
      .map(({ edge, why }) => `${edge.from} imports ${edge.to}\n    → ${why}`);
    expect(found, `Upward or cross-feature imports (see docs/decisions/015-dependency-rule.md):\n${found.join("\n")}`).toHaveLength(0);
  });

  it("lists only known violations that still exist", () => {
    const stale = Object.keys(KNOWN_VIOLATIONS).filter((key) => {
      const [from, to] = key.split(" -> ");
      return !edges.some((e) => e.from === from && e.to === to && violation(e) !== undefined);
    });
    expect(stale, "These KNOWN_VIOLATIONS entries no longer occur: delete them").toHaveLength(0);
  });

  it("has no import cycle", () => {
    const found = cycles().map((c) => c.join(" → "));
    expect(
      found,
      `Import cycles (break each one: move the shared piece into a leaf module both import, or pass it in from a composition root):\n${found.join("\n")}`,
    ).toHaveLength(0);
  });
});

describe("architecture: modules a reader can hold in their head", () => {
  const REASON = /^\/\/ Over 400 lines: \S.{10,}/;

  it(`keeps every source file under ${MAX_LINES} lines, or says why on its first line`, () => {
    const long = files
      .filter((f) => lineCount(f) > MAX_LINES)
      .filter((f) => !REASON.test(texts.get(f)!) && !(path.posix.basename(f) in LONG_FILES_BEING_SPLIT))
      .map((f) => `${f} (${lineCount(f)} lines)`);
    expect(
      long,
      `Split these files into modules of one purpose each, or start them with "// Over 400 lines: <why it must stay whole>":\n${long.join("\n")}`,
    ).toHaveLength(0);
  });

  it("lists only files that are still long", () => {
    const stale = Object.keys(LONG_FILES_BEING_SPLIT).filter((name) => !files.some((f) => path.posix.basename(f) === name && lineCount(f) > MAX_LINES));
    expect(stale, "These LONG_FILES_BEING_SPLIT entries are split or gone: delete them").toHaveLength(0);
  });
});
