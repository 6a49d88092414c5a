/*
 * What kind of response a request expects, decided from its path and headers only: the
 * switchboard's shutter and the database-unavailable answer both follow it.
 */

/**
 * - `document`: a page load or form post from a browser (an HTML page);
 * - `data`: React Router's single-fetch request made by client-side navigation (`/x.data`);
 * - `api`: everything else — APIs, resource routes, scripts (problem+json).
 */
export type RequestKind = "document" | "data" | "api";

export function classifyRequest(req: {
  path: string;
  accept: string | undefined;
  secFetchMode: string | undefined;
  secFetchDest: string | undefined;
}): RequestKind {
  if (req.path.endsWith(".data")) return "data";
  if (req.path === "/api" || req.path.startsWith("/api/")) return "api";
  if (req.secFetchMode === "navigate" || req.secFetchDest === "document") return "document";
  return req.accept?.includes("text/html") ? "document" : "api";
}

/** The page path a request is about: `/devis.data` → `/devis`, `/_root.data` → `/`. */
function pagePath(path: string): string {
  if (path === "/_root.data") return "/";
  if (path.endsWith("/_.data")) return path.slice(0, -"_.data".length);
  if (path.endsWith(".data")) return path.slice(0, -".data".length);
  return path;
}

/** The document URL of a single-fetch request: its page path, without React Router's own parameters. */
export function documentUrl(path: string, search: string): string {
  const params = new URLSearchParams(search);
  params.delete("_routes");
  params.delete("index");
  const query = params.toString();
  return `${pagePath(path)}${query ? `?${query}` : ""}`;
}
