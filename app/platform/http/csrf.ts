/**
 * Cross-site request forgery defence for every state-changing request, resource routes
 * included: browsers send `Sec-Fetch-Site` (and `Origin` on POST); a request they mark as coming
 * from another site is refused. Requests without either header do not come from a browser
 * acting on behalf of a victim (curl, server-to-server) and are let through; they still need
 * a valid session cookie to do anything.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossSiteRequest(input: {
  method: string;
  host: string | undefined;
  secFetchSite: string | undefined;
  origin: string | undefined;
  /** The request's scheme (`http` or `https`, as the proxy reports it): an Origin must have it too. */
  scheme?: string;
  trustedOrigins?: readonly string[];
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  const site = input.secFetchSite?.toLowerCase();
  if (site && site !== "same-origin" && site !== "none") return true;
  if (input.origin !== undefined) {
    if (input.origin === "null") return true;
    if (input.trustedOrigins?.includes(input.origin)) return false;
    let parsed: URL;
    try {
      parsed = new URL(input.origin);
    } catch {
      return true;
    }
    if (!input.host || parsed.host.toLowerCase() !== input.host.toLowerCase()) return true;
    // Same host on another scheme is another origin (e.g. a page injected over plain http).
    if (input.scheme !== undefined && parsed.protocol !== `${input.scheme.toLowerCase()}:`) return true;
  }
  return false;
}
