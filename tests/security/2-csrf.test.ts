import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ACTORS, send } from "./support/client";
import { Figures } from "./support/figures";
import { expectedOutcome, ROUTE_ACCESS, routeTable } from "./route-access";

/*
 * Cross-site request forgery: every route × unsafe methods × the hostile Origin / Sec-Fetch-Site
 * variants a browser may send on another site's behalf, each with the session of someone entitled
 * to the route. Every one must be refused by the same-origin check (403) before any loader or
 * action runs; the same request with same-origin headers must not be.
 */

const ctx = inject("security");
const figures = new Figures("CSRF", ctx.reportDir);
afterAll(() => figures.write());

const base = new URL(ctx.baseUrl);
const other = `${base.protocol}//${base.hostname}:${Number(base.port) + 1}`;

/** Header sets a hostile page could make a browser send (`""` removes the header). */
export const HOSTILE_ORIGINS: readonly { label: string; headers: Record<string, string> }[] = [
  { label: "cross-site fetch metadata and a foreign Origin", headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } },
  { label: "a foreign Origin without fetch metadata", headers: { origin: "https://evil.example", "sec-fetch-site": "" } },
  { label: "null Origin (sandboxed frame, data: URL)", headers: { origin: "null", "sec-fetch-site": "" } },
  { label: "null Origin with cross-site metadata", headers: { origin: "null", "sec-fetch-site": "cross-site" } },
  { label: "no Origin, cross-site fetch metadata", headers: { origin: "", "sec-fetch-site": "cross-site" } },
  { label: "no Origin, same-site fetch metadata (a sibling subdomain)", headers: { origin: "", "sec-fetch-site": "same-site" } },
  { label: "the portal's Origin but cross-site metadata", headers: { origin: ctx.baseUrl, "sec-fetch-site": "cross-site" } },
  { label: "another scheme on the same host", headers: { origin: `https://${base.host}`, "sec-fetch-site": "" } },
  { label: "another port on the same host", headers: { origin: other, "sec-fetch-site": "" } },
  { label: "another host name for the same machine", headers: { origin: `${base.protocol}//127.0.0.1:${base.port}`, "sec-fetch-site": "" } },
  { label: "the portal's host as a prefix of another", headers: { origin: `${ctx.baseUrl}.evil.example`, "sec-fetch-site": "" } },
  { label: "Origin: http://localhost:3000.evil.example", headers: { origin: "http://localhost:3000.evil.example", "sec-fetch-site": "" } },
  { label: "the portal's host as user info", headers: { origin: `${base.protocol}//${base.host}@evil.example`, "sec-fetch-site": "" } },
  { label: "an unparsable Origin", headers: { origin: "http://", "sec-fetch-site": "" } },
];

const BODIES: readonly { type: string; body: string }[] = [
  { type: "application/x-www-form-urlencoded", body: "intent=close&reason=csrf" },
  { type: "multipart/form-data; boundary=csrf", body: '--csrf\r\nContent-Disposition: form-data; name="intent"\r\n\r\nclose\r\n--csrf--\r\n' },
  { type: "text/plain", body: "intent=close" },
];

function hasAction(files: string[]): boolean {
  return /export (?:async )?function action\b/.test(fs.readFileSync(path.join(import.meta.dirname, "..", "..", "app", files.at(-1)!), "utf8"));
}

const REFUSAL = "ne provient pas du site Bascule";

describe("cross-site requests are refused", () => {
  it.each(routeTable().map((r) => [r.pattern, r] as const))("%s", async (pattern, route) => {
    const declared = ROUTE_ACCESS[pattern]!;
    const access = declared.post ?? declared.get;
    const actor = ACTORS.find((a) => expectedOutcome(access, a.role) === "allowed") ?? ACTORS[0]!;
    const target = ctx.crawl.urls[pattern]?.find((u) => u.status === 200)?.path ?? pattern.replace(/:[^/]+/g, "00000000-0000-4000-8000-000000000000").replace(/\*$/, "x");
    const mutating = hasAction(route.files);
    const methods = mutating ? ["POST", "PUT", "PATCH", "DELETE"] : ["POST"];
    const bodies = mutating ? BODIES : BODIES.slice(0, 1);
    const problems: string[] = [];
    for (const method of methods) {
      for (const { type, body } of method === "POST" ? bodies : bodies.slice(0, 1)) {
        for (const variant of HOSTILE_ORIGINS) {
          const response = await send(ctx.baseUrl, { method, path: target, cookie: ctx.sessions[actor.name], headers: { "content-type": type, ...variant.headers }, body });
          const text = await response.text();
          figures.count();
          if (response.status !== 403 || !text.includes(REFUSAL)) problems.push(`${actor.name} ${method} ${target} (${type.split(";")[0]}) with ${variant.label}: ${response.status}`);
        }
      }
    }
    // The control: the same request from the portal's own pages is not refused by this check.
    const control = await send(ctx.baseUrl, { method: "POST", path: target, cookie: ctx.sessions[actor.name], headers: { "content-type": BODIES[0]!.type }, body: "" });
    figures.count();
    expect((await control.text()).includes(REFUSAL), `same-origin POST ${target} refused as cross-site`).toBe(false);
    figures.fail(problems);
    expect(problems).toEqual([]);
  });
});
