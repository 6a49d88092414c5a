import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ACTORS, send } from "./support/client";
import { Figures } from "./support/figures";
import { type Access, expectedOutcome, guardsIn, ROUTE_ACCESS, type RouteInfo, routeTable } from "./route-access";

/*
 * The authorization matrix: every route of `app/routes.ts` × GET and POST × every actor, each
 * answer compared with what the route's declared access says the guards do (anonymous → the login
 * page, a role without the permission → 403, a role with it → the page). Then IDOR: every URL with
 * an id that one member reached is requested by every other member: 403 or 404, never their data.
 */

const ctx = inject("security");
const figures = new Figures("authorization matrix and IDOR", ctx.reportDir);
afterAll(() =>
  figures.write({
    routes: routeTable().length,
    actors: ACTORS.length,
    withoutCrawledUrl: routeTable()
      .map((r) => r.pattern)
      .filter((p) => !ctx.crawl.urls[p]?.some((u) => u.status === 200)),
  }),
);

const table = routeTable();
const SYNTHETIC_ID = "00000000-0000-4000-8000-000000000000";

function undeclared(routes: readonly RouteInfo[]): string[] {
  return routes.map((r) => r.pattern).filter((p) => !(p in ROUTE_ACCESS));
}

function hasAction(route: RouteInfo): boolean {
  const source = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "app", route.files.at(-1)!), "utf8");
  return /export (?:async )?function action\b/.test(source);
}

describe("route table", () => {
  it("declares the access of every route", () => {
    expect(undeclared(table)).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((p) => !table.some((r) => r.pattern === p)), "declarations of routes that no longer exist").toEqual([]);
  });

  it("catches a route that nobody declared", () => {
    const added = [...table, { pattern: "/espace/nouvelle-rubrique", files: ["routes/espace/nouvelle-rubrique.tsx"] }];
    expect(undeclared(added)).toEqual(["/espace/nouvelle-rubrique"]);
  });

  it.each(table.map((r) => [r.pattern, r] as const))("%s: the declaration is what its module's guards do", (pattern, route) => {
    const declared = ROUTE_ACCESS[pattern]!;
    const leaf = guardsIn(route.files.at(-1)!);
    for (const access of [declared.get, declared.post].filter((a): a is Access => a !== undefined)) {
      if (access === "public" || access === "machine") {
        expect([...leaf], `${pattern} is declared ${access} but its module calls guards`).toEqual([]);
      } else {
        expect([...leaf], `${pattern} is declared ${access}`).toContain(access);
      }
    }
  });
});

/** A concrete URL for the pattern: one the crawl reached (with a 200 for someone), or a made-up id. */
function concrete(pattern: string): { path: string; reached: boolean } {
  const reached = ctx.crawl.urls[pattern]?.find((u) => u.status === 200);
  if (reached) return { path: reached.path, reached: true };
  const made = pattern.replace(/:[^/]+/g, SYNTHETIC_ID).replace(/\*$/, "page-inexistante");
  return { path: made, reached: false };
}

type Answer = { status: number; location: string };

function judge(outcome: ReturnType<typeof expectedOutcome>, answer: Answer, method: string, route: RouteInfo, reached: boolean, owned: boolean): string | null {
  const { status, location } = answer;
  if (status >= 500) return `${status} (server error)`;
  if (method === "POST" && !hasAction(route)) return status === 405 || (outcome === "login" && status === 302) || (outcome === "forbidden" && status === 403) ? null : `${status}, expected 405 (no action)`;
  switch (outcome) {
    case "login":
      return status === 302 && location.startsWith("/connexion?redirectTo=") ? null : `${status} → ${location}, expected a redirect to the login page`;
    case "forbidden":
      return status === 403 ? null : `${status}, expected 403`;
    case "machine":
      return [401, 405].includes(status) ? null : `${status}, expected 401 (or 405) without an API key`;
    case "allowed":
      if (status === 401 || status === 403 || location.startsWith("/connexion?redirectTo=")) return `${status} → ${location}, expected access`;
      if (method === "GET" && reached && !owned && ROUTE_ACCESS[route.pattern]!.get !== "public" && status !== 200) return `${status}, expected 200`;
      return null;
  }
}

describe("authorization matrix", () => {
  it.each(table.map((r) => [r.pattern, r] as const))("%s × GET, POST × every actor", async (pattern, route) => {
    const declared = ROUTE_ACCESS[pattern]!;
    const { path: target, reached } = concrete(pattern);
    const problems: string[] = [];
    for (const actor of ACTORS) {
      for (const method of ["GET", "POST"] as const) {
        // Signing out ends the session the rest of the suite uses.
        if (pattern === "/deconnexion" && method === "POST" && actor.role !== null) continue;
        const access = method === "POST" ? (declared.post ?? declared.get) : declared.get;
        const outcome = expectedOutcome(access, actor.role);
        const response = await send(ctx.baseUrl, {
          method,
          path: target,
          cookie: ctx.sessions[actor.name],
          ...(method === "POST" ? { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" } : {}),
        });
        await response.body?.cancel();
        figures.count();
        // A resource owned by one member: the other members are the IDOR suite's business.
        const owned = declared.ids === "owned-by-member";
        const problem = judge(outcome, { status: response.status, location: response.headers.get("location") ?? "" }, method, route, reached, owned);
        if (problem && !(owned && actor.role === "MEMBER" && [403, 404].includes(response.status))) problems.push(`${actor.name} ${method} ${target}: ${problem}`);
      }
    }
    figures.fail(problems);
    expect(problems).toEqual([]);
  });
});

describe("IDOR: another member's resources", () => {
  const idPatterns = Object.entries(ROUTE_ACCESS).filter(([, d]) => d.ids === "owned-by-member").map(([p]) => p);
  const members = ACTORS.filter((a) => a.role === "MEMBER" && a.marker);

  it("has at least one member's resource for every route with an id", () => {
    for (const pattern of idPatterns) {
      expect(ctx.crawl.urls[pattern]?.some((u) => u.status === 200), `no URL of ${pattern} was reached by a member`).toBe(true);
    }
  });

  it.each(idPatterns)("%s: a member never gets another member's resource", async (pattern) => {
    const problems: string[] = [];
    const owned = (ctx.crawl.urls[pattern] ?? []).filter((u) => u.status === 200 && members.some((m) => m.name === u.actor));
    for (const { actor: owner, path: target } of owned) {
      const ownerMarker = members.find((m) => m.name === owner)!.marker!;
      for (const intruder of members.filter((m) => m.name !== owner)) {
        for (const variant of [target, `${target}.data`, `${target}?index`, `${target}/`]) {
          const response = await send(ctx.baseUrl, { method: "GET", path: variant, cookie: ctx.sessions[intruder.name] });
          const body = Buffer.from(await response.arrayBuffer()).toString("utf8");
          figures.count();
          const refused = [403, 404].includes(response.status) || (response.status === 202 && body.includes("SingleFetchRedirect"));
          if (!refused && !(response.status >= 300 && response.status < 400)) problems.push(`${intruder.name} GET ${variant} (${owner}'s): ${response.status}`);
          if (body.includes(ownerMarker)) problems.push(`${intruder.name} GET ${variant}: the answer holds ${owner}'s member number`);
        }
      }
    }
    figures.fail(problems);
    expect(owned.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
