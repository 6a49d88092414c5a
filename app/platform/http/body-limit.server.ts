import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

/*
 * Request bodies are counted while they stream, before any route sees them: the byte that crosses
 * a path's limit is never handed on, the request gets a 413 and its connection is closed. Chunked
 * bodies (no Content-Length) and bodies that lie about their length are cut off the same way, so a
 * route can never be made to hold more than its limit, whatever it does with its body. Routes still
 * read their bodies with a limit of their own (`readBodyWithLimit`), possibly lower.
 */

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export type BodyLimits = {
  /** Every path not listed below: forms of the portal. */
  defaultMaxBytes: number;
  /** Exact paths that accept more (uploads), by path as in `app/routes.ts`, without trailing slash. */
  paths: Readonly<Record<string, number>>;
  /**
   * What a path says when it refuses, when it has more to say than the generic text: the JSON
   * its own clients read (`Accept: application/json`) and the text for everyone else.
   */
  refusals?: Readonly<Record<string, { json: unknown; text: string }>>;
};

/**
 * The limit of a request path. React Router's client-side submissions post to `<path>.data`
 * (`/_root.data` for the home page): they get the limit of the page they submit.
 */
export function bodyLimitFor(limits: BodyLimits, pathname: string): number {
  const path = limitedPath(pathname);
  return Object.hasOwn(limits.paths, path) ? limits.paths[path]! : limits.defaultMaxBytes;
}

function limitedPath(pathname: string): string {
  let path = pathname.endsWith(".data") ? pathname.slice(0, -".data".length) : pathname;
  if (path === "/_root") path = "/";
  if (path.length > 1 && path.endsWith("/")) path = path.replace(/\/+$/, "") || "/";
  return path;
}

export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

const TOO_LARGE_TEXT = "Requête refusée : le contenu envoyé est trop volumineux.";

/*
 * After a 413, what the client still sends is read and discarded for a moment before the
 * connection is closed: closing a socket with unread data sends a TCP reset, which can make the
 * client lose the 413 it has not read yet. Discarding costs no memory; it stops after LINGER_BYTES
 * (the socket is then no longer read) and the connection is closed after LINGER_MS.
 */
const LINGER_MS = 2_000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * Express middleware enforcing `limits` on every request. A declared length over the limit is
 * refused before a byte is read. Otherwise the bytes are counted where Node hands them to the
 * request stream (`push`), so whoever reads the body — React Router's adapter, or nobody — never
 * gets a byte past the limit: the request gets a 413 and whoever waits for the rest of the body
 * gets an error once the connection is closed.
 */
export function bodyLimit(limits: BodyLimits, onRefusal?: (req: ExpressRequest, res: ExpressResponse, limit: number) => void) {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const limit = bodyLimitFor(limits, req.path);
    const path = limitedPath(req.path);
    const refusal = limits.refusals && Object.hasOwn(limits.refusals, path) ? limits.refusals[path]! : null;
    let seen = 0;
    let cut = false;
    let discarded = 0;
    const error = new BodyTooLargeError(limit);
    const close = () => req.destroy(error);

    // Once the answer is out (the 413, or the route's own if it answered without reading the
    // body): end our side, discard what still arrives, then close for good.
    let lingering = false;
    const linger = () => {
      if (lingering) return;
      lingering = true;
      cut = true;
      req.socket.end();
      const timer = setTimeout(close, LINGER_MS);
      timer.unref();
      req.socket.once("close", () => {
        clearTimeout(timer);
        // Never a normal end: a reader must not take the part it got for the whole body.
        close();
      });
    };

    const refuse = () => {
      cut = true;
      onRefusal?.(req, res, limit);
      if (res.writableFinished) return linger();
      res.once("finish", linger);
      if (res.headersSent) return;
      // The client must not reuse this connection; Node would then destroy the socket as soon as
      // the 413 is written (a reset, with the client's data unread): it lingers instead.
      res.setHeader("Connection", "close");
      (req.socket as { destroySoon?: () => void }).destroySoon = linger;
      res.status(413).setHeader("Cache-Control", "no-store");
      if (refusal && req.get("accept")?.includes("application/json")) res.json(refusal.json);
      else res.type("text/plain; charset=utf-8").send(refusal?.text ?? TOO_LARGE_TEXT);
    };

    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk === null || chunk === undefined) return cut ? false : push(chunk, encoding);
      const size = (chunk as { length: number }).length;
      if (cut) {
        // Discarded; past LINGER_BYTES the socket stops being read (the client is held back by
        // TCP) until the linger timer closes it.
        discarded += size;
        return discarded <= LINGER_BYTES;
      }
      seen += size;
      if (seen > limit) {
        refuse();
        return true;
      }
      return push(chunk, encoding);
    };

    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limit) return refuse();
    next();
  };
}
