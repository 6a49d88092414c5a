import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createAnonymousPageCache, type RenderedPage } from "./anonymous-page-cache.server";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(render: (path: string, nonce: string) => Promise<RenderedPage>, variant = () => "v1") {
  let clock = 0;
  const cache = createAnonymousPageCache({
    paths: ["/"],
    ttlMs: 1000,
    variant,
    sessionCookieName: () => "bascule_session",
    render,
    now: () => clock,
  });
  let counter = 0;
  const app = express();
  app.use((_req, res, next) => {
    res.locals.nonce = `nonce${++counter}`;
    next();
  });
  app.use(cache.middleware);
  app.use((_req, res) => res.status(200).send("uncached"));
  const server = app.listen(0);
  await new Promise((r) => server.once("listening", r));
  close = () => new Promise((r) => server.close(() => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, advance: (ms: number) => (clock += ms) };
}

const page = (nonce: string, extra = ""): RenderedPage => ({
  status: 200,
  contentType: "text/html; charset=utf-8",
  body: `<script nonce="${nonce}">x</script>${extra}`,
  setsCookie: false,
});

describe("anonymous page cache", () => {
  it("renders once and gives every response its own nonce", async () => {
    let renders = 0;
    const { base } = await serve(async (_p, nonce) => {
      renders++;
      return page(nonce);
    });
    const bodies = await Promise.all([1, 2, 3].map(() => fetch(`${base}/`).then((r) => r.text())));
    const again = await fetch(`${base}/`);
    expect(renders).toBe(1);
    expect(again.headers.get("x-bascule-page-cache")).toBe("hit");
    const nonces = [...bodies, await again.text()].map((b) => /nonce="([^"]+)"/.exec(b)![1]);
    expect(new Set(nonces).size).toBe(4);
    for (const n of nonces) expect(n).toMatch(/^nonce\d+$/);
  });

  it("re-renders after the TTL and when the variant changes", async () => {
    let renders = 0;
    let version = "v1";
    const { base, advance } = await serve(
      async (_p, nonce) => {
        renders++;
        return page(nonce, version);
      },
      () => version,
    );
    await fetch(`${base}/`);
    advance(1500);
    await fetch(`${base}/`);
    version = "v2";
    expect(await (await fetch(`${base}/`)).text()).toContain("v2");
    expect(renders).toBe(3);
  });

  it("never serves signed-in visitors, query strings or other paths from the cache", async () => {
    const { base } = await serve(async (_p, nonce) => page(nonce));
    expect(await (await fetch(`${base}/`, { headers: { cookie: "bascule_session=a.b" } })).text()).toBe("uncached");
    expect(await (await fetch(`${base}/?x=<script>`)).text()).toBe("uncached");
    expect(await (await fetch(`${base}/connexion`)).text()).toBe("uncached");
    expect(await (await fetch(`${base}/`, { method: "POST" })).text()).toBe("uncached");
  });

  it("does not cache errors nor pages that set cookies", async () => {
    let renders = 0;
    const { base } = await serve(async (_p, nonce) => {
      renders++;
      return { ...page(nonce), setsCookie: renders === 1 };
    });
    expect(await (await fetch(`${base}/`)).text()).toBe("uncached");
    await fetch(`${base}/`);
    await fetch(`${base}/`);
    expect(renders).toBe(2);
  });
});
