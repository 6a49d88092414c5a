import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { classifyRequest, documentUrl } from "~/platform/http/request-kind";
import { CLAIMS_BY_EMAIL_PATH, readCookie, ROLLOUT_COOKIE } from "./enforcement";
import { createSwitchboardEnforcement } from "./enforce.server";
import { bucketOf } from "./evaluate";
import { createServiceMatcher } from "./route-ownership";
import { SHUTTER_PROBLEM_TYPE } from "./shutter";
import { SERVICE_KEYS, type Audience, type ServiceKey, type ServiceStatus, type SwitchboardSnapshot } from "./types";

const NOW = Date.parse("2026-11-28T12:00:00Z");

function snapshotWith(changes: Partial<Record<ServiceKey, Partial<ServiceStatus>>>, confirmedAt = NOW): SwitchboardSnapshot {
  const services = Object.fromEntries(
    SERVICE_KEYS.map((key) => [
      key,
      {
        key,
        state: "OPEN",
        since: "2026-11-28T10:00:00.000Z",
        reason: "raison interne à ne jamais publier",
        publicMessage: null,
        expectedReturnAt: null,
        rolloutPercent: null,
        groupId: null,
        ...changes[key],
      },
    ]),
  ) as Record<ServiceKey, ServiceStatus>;
  return { version: 42, services, confirmedAt };
}

let snapshot = snapshotWith({});
let clock = NOW;
const identify = vi.fn<(token: string) => Promise<Audience | null>>();
const refusals: string[] = [];
let base = "";
let server: ReturnType<ReturnType<typeof express>["listen"]>;

beforeAll(async () => {
  const app = express();
  const matcher = createServiceMatcher();
  app.use(
    createSwitchboardEnforcement({
      serviceFor: matcher.serviceFor,
      snapshot: () => snapshot,
      identify,
      sessionCookieName: "bascule_session",
      claimsMailbox: "remboursements@bascule.example",
      stylesheetHref: "/assets/root-test.css",
      secureCookies: false,
      onRefusal: (key, state) => refusals.push(`${key}:${state}`),
      now: () => clock,
    }),
  );
  app.all("/{*splat}", (_req, res) => {
    res.status(200).type("text/plain").send("page");
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const html = { accept: "text/html,application/xhtml+xml" };

function get(path: string, headers: Record<string, string> = html, method = "GET") {
  return fetch(`${base}${path}`, { method, headers, redirect: "manual" });
}

describe("request classification", () => {
  it.each([
    [{ path: "/devis", accept: "text/html,*/*" }, "document"],
    [{ path: "/devis", accept: "*/*", secFetchMode: "navigate" }, "document"],
    [{ path: "/devis", accept: "application/json" }, "api"],
    [{ path: "/devis", accept: undefined }, "api"],
    [{ path: "/devis.data", accept: "*/*" }, "data"],
    [{ path: "/_root.data", accept: "text/html" }, "data"],
    [{ path: "/api/anything", accept: "text/html" }, "api"],
  ] as const)("%j → %s", (req, kind) => {
    expect(classifyRequest({ secFetchMode: undefined, secFetchDest: undefined, ...req })).toBe(kind);
  });

  it("maps single-fetch URLs back to their document", () => {
    expect(documentUrl("/devis.data", "?_routes=root%2Croutes%2Fdevis&formule=confort")).toBe("/devis?formule=confort");
    expect(documentUrl("/_root.data", "?index")).toBe("/");
    expect(documentUrl("/espace/_.data", "")).toBe("/espace/");
  });

  it("reads cookies by exact name", () => {
    expect(readCookie("a=1; bascule_session=abc.def; b=2", "bascule_session")).toBe("abc.def");
    expect(readCookie("xbascule_session=1", "bascule_session")).toBeNull();
    expect(readCookie(undefined, "bascule_session")).toBeNull();
  });
});

describe("switchboard enforcement", () => {
  it("lets requests to open services and unowned paths through, without identifying anyone", async () => {
    snapshot = snapshotWith({ "devis-en-ligne": { state: "CLOSED" } });
    expect((await get("/espace", { ...html, cookie: "bascule_session=a.b" })).status).toBe(200);
    expect((await get("/statut")).status).toBe(200);
    expect((await get("/connexion")).status).toBe(200);
    expect(identify).not.toHaveBeenCalled();
  });

  it("shows the shutter page to browsers: 503, French, Retry-After, no-store", async () => {
    snapshot = snapshotWith({
      "devis-en-ligne": { state: "CLOSED", publicMessage: "<b>Maintenance</b>", expectedReturnAt: "2026-11-28T13:00:00.000Z" },
    });
    const response = await get("/devis/etape-2");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("retry-after")).toBe("3600");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.text();
    expect(body).toContain("Le service « Devis en ligne » est temporairement indisponible");
    expect(body).toContain("&lt;b&gt;Maintenance&lt;/b&gt;");
    expect(body).toContain('href="/assets/root-test.css"');
    expect(body).not.toContain("raison interne");
    expect(refusals.at(-1)).toBe("devis-en-ligne:CLOSED");
  });

  it("answers other clients with a problem document", async () => {
    snapshot = snapshotWith({ "devis-en-ligne": { state: "CLOSED" } });
    const response = await get("/devis", { accept: "application/json" });
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.json()).toMatchObject({ type: SHUTTER_PROBLEM_TYPE, status: 503, service: "devis-en-ligne", state: "CLOSED", expectedReturnAt: null });
  });

  it("reuses a prepared refusal per kind of request, with Retry-After counted down from now", async () => {
    snapshot = snapshotWith({ "formulaire-contact": { state: "CLOSED", expectedReturnAt: "2026-11-28T12:30:00.000Z" } });
    const page = await get("/contact");
    expect(page.headers.get("retry-after")).toBe("1800");
    const problem = await get("/contact", { accept: "application/json" });
    expect(problem.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(await problem.json()).toMatchObject({ service: "formulaire-contact" });
    clock = NOW + 600_000;
    const later = await get("/contact");
    expect(later.headers.get("retry-after")).toBe("1200");
    expect(await later.text()).toBe(await page.text());
    clock = NOW;
  });

  it("sends client-side navigations to a document load of the same URL", async () => {
    snapshot = snapshotWith({ "devis-en-ligne": { state: "CLOSED" } });
    const response = await get("/devis.data?_routes=routes%2Fdevis&x=1", { accept: "*/*" });
    expect(response.status).toBe(204);
    expect(response.headers.get("x-remix-redirect")).toBe("/devis?x=1");
    expect(response.headers.get("x-remix-reload-document")).toBe("true");
  });

  it("sends members to the e-mail instructions when online claims work by e-mail, and explains it to others", async () => {
    snapshot = snapshotWith({ "remboursements-en-ligne": { state: "FALLBACK" } });
    const member = await get("/espace/remboursements/nouvelle", { ...html, cookie: "bascule_session=a.b" });
    expect(member.status).toBe(303);
    expect(member.headers.get("location")).toBe(CLAIMS_BY_EMAIL_PATH);
    const data = await get("/espace/remboursements.data", { accept: "*/*", cookie: "bascule_session=a.b" });
    expect(data.status).toBe(204);
    expect(data.headers.get("x-remix-redirect")).toBe(CLAIMS_BY_EMAIL_PATH);
    expect(data.headers.get("x-remix-reload-document")).toBeNull();
    const anonymous = await get("/espace/remboursements");
    expect(anonymous.status).toBe(503);
    expect(await anonymous.text()).toContain("indiquez votre numéro d’adhérent dans l’objet");
    // The instructions page itself belongs to the member space, not to online claims.
    expect((await get(CLAIMS_BY_EMAIL_PATH, { ...html, cookie: "bascule_session=a.b" })).status).toBe(200);
    expect(identify).not.toHaveBeenCalled();
  });

  it("opens a service under re-test to testers only, identified by their session", async () => {
    snapshot = snapshotWith({ documents: { state: "RETESTING" } });
    identify.mockImplementation(async (token) => (token === "tester.ok" ? { subjectId: "u-tester", isTester: true } : null));
    expect((await get("/espace/documents", { ...html, cookie: "bascule_session=tester.ok" })).status).toBe(200);
    expect((await get("/espace/documents", { ...html, cookie: "bascule_session=forged.token" })).status).toBe(503);
    expect((await get("/espace/documents")).status).toBe(503);
    expect(identify.mock.calls.map(([token]) => token)).toEqual(["tester.ok", "forged.token"]);
    identify.mockReset();
  });

  it("gives anonymous visitors of a reopening service a sticky rollout cookie", async () => {
    snapshot = snapshotWith({ "devis-en-ligne": { state: "REOPENING", rolloutPercent: 50 } });
    const first = await get("/devis");
    const setCookie = first.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(new RegExp(`^${ROLLOUT_COOKIE}=[A-Za-z0-9_-]{22}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly$`));
    const id = readCookie(setCookie.split(";")[0], ROLLOUT_COOKIE)!;
    const expected = bucketOf(id, "devis-en-ligne") < 50 ? 200 : 503;
    expect(first.status).toBe(expected);
    for (let i = 0; i < 3; i++) {
      const again = await get("/devis", { ...html, cookie: `${ROLLOUT_COOKIE}=${id}` });
      expect(again.status).toBe(expected);
      expect(again.headers.get("set-cookie")).toBeNull();
    }
    expect(identify).not.toHaveBeenCalled();
  });

  it("closes fail-closed services when the snapshot cannot be confirmed, without inventing a closure", async () => {
    snapshot = snapshotWith({}, NOW - 60_000);
    const response = await get("/devis");
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("par précaution");
    // The member space keeps its last known state.
    expect((await get("/espace")).status).toBe(200);
  });
});
