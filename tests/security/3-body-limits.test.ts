import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ACTORS } from "./support/client";
import { Figures } from "./support/figures";
import { residentBytes } from "./support/server";
import { expectedOutcome, ROUTE_ACCESS, type RouteInfo, routeTable } from "./route-access";

/*
 * Body limits on every route that takes a POST: an oversized body, announced by Content-Length
 * or streamed with `Transfer-Encoding: chunked` (no length given), in every content type, gets a
 * 413 from someone entitled to the route, before the server has buffered it; the server's
 * resident memory (VmRSS, sampled from /proc while the bodies stream) stays bounded.
 */

const ctx = inject("security");
const figures = new Figures("body limits", ctx.reportDir);

/** More than any route accepts (claims take two 10 MB documents). */
const STREAMED_BYTES = 24 * 1024 * 1024;
const ANNOUNCED_BYTES = 64 * 1024 * 1024 + 1;
/** Resident memory the whole suite may add to the server (it would be hundreds of MB if bodies were buffered). */
const MAX_GROWTH_BYTES = 128 * 1024 * 1024;

const CONTENT_TYPES: readonly { type: string; head: string }[] = [
  { type: "application/x-www-form-urlencoded", head: "message=" },
  { type: "multipart/form-data; boundary=limite", head: '--limite\r\nContent-Disposition: form-data; name="message"\r\n\r\n' },
  { type: "application/json", head: '{"message":"' },
  { type: "text/plain", head: "" },
];

type Sent = { status: number | "reset"; sent: number };

/** Streams `total` bytes (chunked, or with a Content-Length) until the server answers. */
function stream(target: string, cookie: string, type: string, head: string, total: number, chunked: boolean): Promise<Sent> {
  return new Promise((resolve) => {
    const url = new URL(target, ctx.baseUrl);
    const headers: Record<string, string | number> = { "content-type": type, origin: ctx.baseUrl, "sec-fetch-site": "same-origin", "user-agent": "bascule-security-suite" };
    if (cookie) headers.cookie = cookie;
    if (chunked) headers["transfer-encoding"] = "chunked";
    else headers["content-length"] = total;
    const request = http.request(url, { method: "POST", headers, agent: false });
    let sent = 0;
    let status: number | undefined;
    let done = false;
    const finish = (result: Sent) => {
      if (done) return;
      done = true;
      request.destroy();
      resolve(result);
    };
    request.on("response", (response) => {
      status = response.statusCode ?? 0;
      response.resume();
      response.on("end", () => finish({ status: status!, sent }));
      response.on("error", () => finish({ status: status!, sent }));
    });
    request.on("error", () => finish({ status: status ?? "reset", sent }));
    const chunk = Buffer.alloc(64 * 1024, "a");
    request.write(head);
    sent += head.length;
    const pump = () => {
      while (status === undefined && !done && sent < total) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (status === undefined && !done) request.end();
    };
    // An announced length over the limit is answered at once: give the answer time to come
    // before the body, so that a connection closed on unread bytes cannot swallow it.
    if (chunked) pump();
    else setTimeout(() => status === undefined && !done && pump(), 500);
  });
}

function hasAction(route: RouteInfo): boolean {
  return /export (?:async )?function action\b/.test(fs.readFileSync(path.join(import.meta.dirname, "..", "..", "app", route.files.at(-1)!), "utf8"));
}

/**
 * A 413, as the limits promise. A route that answers without reading a chunked body (a redirect to
 * the login page, a 401 without API key, a 405, a 411 where a length is required) may instead close
 * the connection once it has answered: what matters is that it stops reading long before the end.
 */
function withinLimit(result: Sent, total: number, chunked: boolean): boolean {
  if (result.status === 413) return true;
  if (!chunked) return false;
  const refusedUnread = result.status === "reset" || [301, 302, 303, 401, 403, 405, 411].includes(result.status);
  return refusedUnread && result.sent < total / 2;
}

const postRoutes = routeTable().filter(hasAction);
let baseline = 0;
let peak = 0;
let sampler: NodeJS.Timeout | undefined;

describe("body limits", () => {
  it("starts from the server's resident memory", () => {
    baseline = residentBytes(ctx.pid);
    peak = baseline;
    sampler = setInterval(() => {
      peak = Math.max(peak, residentBytes(ctx.pid));
    }, 50);
    expect(baseline).toBeGreaterThan(0);
  });

  it.each(postRoutes.map((r) => [r.pattern, r] as const))("%s: oversized and chunked bodies get 413", async (pattern) => {
    const declared = ROUTE_ACCESS[pattern]!;
    const actor = ACTORS.find((a) => expectedOutcome(declared.post ?? declared.get, a.role) === "allowed") ?? ACTORS[0]!;
    const target = ctx.crawl.urls[pattern]?.find((u) => u.status === 200)?.path ?? pattern.replace(/:[^/]+/g, "00000000-0000-4000-8000-000000000000");
    const problems: string[] = [];
    for (const { type, head } of CONTENT_TYPES) {
      for (const chunked of [true, false]) {
        const total = chunked ? STREAMED_BYTES : ANNOUNCED_BYTES;
        const result = await stream(target, ctx.sessions[actor.name]!, type, head, total, chunked);
        figures.count();
        if (!withinLimit(result, total, chunked)) {
          problems.push(`${actor.name} POST ${target} ${type.split(";")[0]} ${chunked ? "chunked" : "with Content-Length"}: ${result.status} after ${(result.sent / 1048576).toFixed(1)} MB sent`);
        }
      }
    }
    figures.fail(problems);
    expect(problems).toEqual([]);
  });

  it("keeps the server's resident memory bounded", () => {
    clearInterval(sampler);
    peak = Math.max(peak, residentBytes(ctx.pid));
    const growth = peak - baseline;
    figures.write({ routes: postRoutes.length, baselineMB: Math.round(baseline / 1048576), peakMB: Math.round(peak / 1048576) });
    expect(growth, `resident memory grew by ${Math.round(growth / 1048576)} MB (from ${Math.round(baseline / 1048576)} MB)`).toBeLessThan(MAX_GROWTH_BYTES);
  });
});

afterAll(() => clearInterval(sampler));
