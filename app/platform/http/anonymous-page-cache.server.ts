import { randomBytes } from "node:crypto";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

/*
 * Micro-cache of public pages for anonymous visitors. During an incident the home page is what
 * everybody loads at once; it is the same HTML for every anonymous visitor except the CSP nonce.
 * The page is rendered once per key with a per-process placeholder nonce, kept for a few seconds,
 * and served with the placeholder replaced by this response's own fresh nonce (never reused).
 * Only explicitly listed paths, GET/HEAD without query string nor session cookie, are cached.
 */

export type RenderedPage = { status: number; contentType: string; body: string; setsCookie: boolean };

export type AnonymousPageCacheOptions = {
  /** Exact paths served from the cache (e.g. ["/"]). */
  paths: readonly string[];
  ttlMs: number;
  /** Anything the cached HTML depends on besides the path (e.g. the switchboard version). */
  variant: () => string;
  /** Name of the session cookie: a request carrying it is never served from the cache. */
  sessionCookieName: () => string;
  render: (pathname: string, nonce: string) => Promise<RenderedPage>;
  now?: () => number;
};

type Entry = { html: string; contentType: string; expiresAt: number };

export function createAnonymousPageCache(options: AnonymousPageCacheOptions) {
  const placeholder = `bascule-nonce-${randomBytes(18).toString("base64url")}`;
  const paths = new Set(options.paths);
  const entries = new Map<string, Entry>();
  const filling = new Map<string, Promise<Entry | null>>();
  const now = options.now ?? Date.now;

  async function fill(key: string, pathname: string): Promise<Entry | null> {
    const page = await options.render(pathname, placeholder);
    if (page.status !== 200 || page.setsCookie) return null;
    const entry = { html: page.body, contentType: page.contentType, expiresAt: now() + options.ttlMs };
    entries.set(key, entry);
    return entry;
  }

  function cacheable(req: ExpressRequest): boolean {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (!paths.has(req.path) || req.originalUrl !== req.path) return false;
    const cookies = req.headers.cookie;
    return !cookies || !cookies.includes(`${options.sessionCookieName()}=`);
  }

  return {
    placeholder,
    middleware(req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
      if (!cacheable(req)) return next();
      const key = `${req.path}\u0000${options.variant()}`;
      const fresh = entries.get(key);
      const pending =
        fresh && fresh.expiresAt > now()
          ? Promise.resolve(fresh)
          : (filling.get(key) ??
            fill(key, req.path).finally(() => {
              filling.delete(key);
            }));
      if (!fresh || fresh.expiresAt <= now()) filling.set(key, pending);
      pending.then(
        (entry) => {
          if (!entry) return next();
          const nonce = res.locals.nonce as string;
          res.status(200).type(entry.contentType).setHeader("X-Bascule-Page-Cache", fresh === entry ? "hit" : "miss");
          res.send(entry.html.replaceAll(placeholder, nonce));
        },
        (err: unknown) => next(err),
      );
    },
  };
}
