import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import routes from "../routes";

/*
 * Default deny, checked on the route table itself: React Router runs a layout's loader in parallel
 * with its children's, so a layout guard protects nothing. Every loader and action of a member or
 * staff route module must call a guard itself.
 */
type Entry = { file: string; path?: string; children?: Entry[] };

function files(entries: Entry[]): string[] {
  return entries.flatMap((e) => [e.file, ...files(e.children ?? [])]);
}

const GUARD = /\brequire(?:Member|Staff|Permission|User)\(/g;
const HANDLER = /export (?:async )?function (loader|action)\b/g;

const protectedModules = files(routes as Entry[]).filter((f) => /^routes\/(espace|admin)\//.test(f));

describe("route guards", () => {
  it("covers the member and staff areas", () => {
    expect(protectedModules.length).toBeGreaterThan(4);
  });

  it.each(protectedModules)("%s guards each of its loaders and actions", (file) => {
    const source = fs.readFileSync(path.join(import.meta.dirname, "..", file), "utf8");
    const handlers = [...source.matchAll(HANDLER)].map((m) => m[1]);
    for (const handler of handlers) {
      const start = source.indexOf(`function ${handler}`);
      const next = source.slice(start + 1).search(/\nexport /);
      const body = next === -1 ? source.slice(start) : source.slice(start, start + 1 + next);
      expect(body.match(GUARD), `${file}: ${handler} must call a guard`).not.toBeNull();
    }
  });
});
