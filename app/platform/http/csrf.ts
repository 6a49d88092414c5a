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
  trustedOrigins?: readonly string[];
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  const site = input.secFetchSite?.toLowerCase();
  if (site && site !== "same-origin" && site !== "none") return true;
  if (input.origin !== undefined) {
    if (input.origin === "null") return true;
    if (input.trustedOrigins?.includes(input.origin)) return false;
    let originHost: string;
    try {
      originHost = new URL(input.origin).host;
    } catch {
      return true;
    }
    if (!input.host || originHost.toLowerCase() !== input.host.toLowerCase()) return true;
  }
  return false;
}
