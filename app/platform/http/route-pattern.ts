import { matchRoutes, type RouteObject } from "react-router";

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean };

/**
 * Maps a URL path to the pattern of the route that serves it ("/activation/:token"), so that
 * metrics are labelled by route, not by raw URL (unbounded cardinality, tokens in URLs).
 */
export function createRoutePatternMatcher(manifest: Record<string, ManifestRoute | undefined>) {
  const byParent = new Map<string | undefined, ManifestRoute[]>();
  for (const route of Object.values(manifest)) {
    if (!route) continue;
    const list = byParent.get(route.parentId) ?? [];
    list.push(route);
    byParent.set(route.parentId, list);
  }
  const build = (parentId: string | undefined): RouteObject[] =>
    (byParent.get(parentId) ?? []).map((r) =>
      r.index
        ? { id: r.id, index: true, path: r.path }
        : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: build(r.id) },
    );
  const tree = build(undefined);
  // Matching is memoised; the memo is bounded because paths come from the outside world.
  const memo = new Map<string, string>();
  return (pathname: string): string => {
    const known = memo.get(pathname);
    if (known !== undefined) return known;
    const pattern = patternOf(pathname);
    if (memo.size >= 2_000) memo.clear();
    memo.set(pathname, pattern);
    return pattern;
  };

  function patternOf(pathname: string): string {
    const clean = pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/");
    const matches = matchRoutes(tree, clean);
    if (!matches?.length) return "unmatched";
    const pattern = matches
      .map((m) => m.route.path)
      .filter((p): p is string => Boolean(p))
      .join("/")
      .replace(/\/+/g, "/");
    return `/${pattern}`.replace(/\/+/g, "/");
  }
}
