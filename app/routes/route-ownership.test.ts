import { index, layout, prefix, route } from "@react-router/dev/routes";
import fc from "fast-check";
import { matchRoutes } from "react-router";
import { describe, expect, it, vi } from "vitest";
import routes from "../routes";
import { ALWAYS_ON_PATHS, SERVICE_CATALOGUE } from "~/features/switchboard/catalogue";
import { createServiceMatcher } from "~/features/switchboard/route-ownership";
import { SERVICE_KEYS, type ServiceKey } from "~/features/switchboard/types";

const matcher = createServiceMatcher();

const weird = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.webPath(),
  fc
    .array(fc.constantFrom("/", "//", "\\", "%", "%2", "%2F", "%E0%A4%A", "%00", ".", "..", ".data", "_root", "devis", "espace", "Remboursements", "\u0000", "\uD800", "é", "*", ":id", "?"), { maxLength: 20 })
    .map((parts) => parts.join("")),
);

/** One concrete path per declared pattern, as segments. */
const canonicalPaths = [...SERVICE_KEYS.flatMap((key) => SERVICE_CATALOGUE[key].routes.map((r) => r.path)), ...ALWAYS_ON_PATHS].map((pattern) =>
  pattern
    .split("/")
    .filter((segment) => segment !== "")
    .flatMap((segment) => (segment === "*" ? ["suite", "de-chemin"] : segment.startsWith(":") ? ["valeur"] : [segment])),
);

/** Other spellings of the same URL: case, escapes, extra slashes, dot segments, `\`, data requests. */
const disguise = fc.record({
  segments: fc.constantFrom(...canonicalPaths),
  separators: fc.array(fc.constantFrom("/", "\\", "/./", "/autre/../", "/%2e/", "/x/%2E%2E/", "/y/.%2e/"), { minLength: 8, maxLength: 8 }),
  upper: fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
  encode: fc.array(fc.constantFrom("no", "no", "lower", "upper"), { minLength: 80, maxLength: 80 }),
  trailing: fc.constantFrom("", "/", "//"),
  data: fc.boolean(),
});

function spellDisguise({ segments, separators, upper, encode, trailing, data }: typeof disguise extends fc.Arbitrary<infer T> ? T : never) {
  let i = 0;
  const spell = (segment: string) =>
    [...segment]
      .map((char) => {
        const n = i++;
        const shown = upper[n] ? char.toUpperCase() : char;
        if (encode[n] === "no") return shown;
        const escaped = `%${shown.charCodeAt(0).toString(16).padStart(2, "0")}`;
        return encode[n] === "upper" ? escaped.toUpperCase() : escaped;
      })
      .join("");
  const body = segments.map((segment, n) => `${separators[n % separators.length]}${spell(segment)}`).join("");
  const path = data ? (segments.length === 0 ? "/_root.data" : `${body}${trailing}.data`) : `${body}${trailing}`;
  return { path, canonical: `/${segments.join("/")}` };
}


describe("serviceFor", () => {
  it.each<[string, string, ServiceKey | null, boolean]>([
    ["GET", "/devis", "devis-en-ligne", false],
    ["POST", "/devis/formule", "devis-en-ligne", false],
    ["GET", "/devisx", null, true],
    ["GET", "/adhesion/etape-2", "adhesion-en-ligne", false],
    ["GET", "/espace", "espace-adherent", false],
    ["GET", "/espace/securite", "espace-adherent", false],
    ["GET", "/espace.data", "espace-adherent", false],
    ["GET", "/espace/remboursements", "remboursements-en-ligne", false],
    ["POST", "/espace/remboursements/nouveau", "remboursements-en-ligne", false],
    ["GET", "/espace/remboursements/nouveau.data", "remboursements-en-ligne", false],
    ["GET", "/espace/remboursements/envoi-par-courriel", "espace-adherent", false],
    ["GET", "/espace/remboursements/envoi-par-courriel.data", "espace-adherent", false],
    ["GET", "/espace/remboursements/envoi-par-courriel/piece-jointe", "remboursements-en-ligne", false],
    ["POST", "/espace/compte/coordonnees-bancaires", "coordonnees-bancaires", false],
    ["GET", "/espace/compte", "espace-adherent", false],
    ["GET", "/espace/documents/attestation-2026.pdf", "documents", false],
    ["POST", "/contact", "formulaire-contact", false],
    ["GET", "/activation/jeton-123", "activation-compte", false],
    ["GET", "/", null, true],
    ["GET", "/_root.data", null, true],
    ["GET", "/statut", null, true],
    ["GET", "/statut.atom", null, true],
    ["POST", "/connexion", null, true],
    ["GET", "/connexion/verification", null, true],
    ["GET", "/mot-de-passe-oublie/jeton", null, true],
    ["GET", "/admin", null, true],
    ["POST", "/admin/services", null, true],
    ["GET", "/healthz", null, true],
    ["GET", "/api/ofrep/v1/evaluate/flags/devis-en-ligne", null, true],
    ["GET", "/page-inconnue", null, true],
  ])("%s %s → %s (always on: %s)", (method, path, owner, alwaysOn) => {
    expect(matcher.serviceFor(method, path)).toBe(owner);
    expect(matcher.isAlwaysOn(path)).toBe(alwaysOn);
  });

  it.each<[string, ServiceKey | null]>([
    ["/DEVIS", "devis-en-ligne"],
    ["/Espace/Remboursements/", "remboursements-en-ligne"],
    ["/devis/", "devis-en-ligne"],
    // An empty segment matches only a splat, as in React Router: no route is reached through it.
    ["//devis", null],
    ["/espace//remboursements", "espace-adherent"],
    ["/espace/remboursements//envoi-par-courriel", "remboursements-en-ligne"],
    ["/espace/./remboursements", "remboursements-en-ligne"],
    ["/espace/documents/../remboursements", "remboursements-en-ligne"],
    ["/admin/../devis", "devis-en-ligne"],
    ["/admin/%2e%2e/devis", "devis-en-ligne"],
    ["/%64evis", "devis-en-ligne"],
    ["/%44EVIS", "devis-en-ligne"],
    ["\\devis", "devis-en-ligne"],
    ["/espace\\remboursements", "remboursements-en-ligne"],
    ["devis", "devis-en-ligne"],
    // An encoded slash stays inside its segment, as React Router reads it.
    ["/espace%2Fremboursements", null],
    ["/espace/remboursements%2F..%2F..%2Fdevis", "espace-adherent"],
    // Not decodable: read raw, as React Router does, so it still reaches the splat route.
    ["/devis/%E0%A4%A", "devis-en-ligne"],
    ["/%E0%A4%A/devis", null],
    // A splat is `(.+)` for React Router, whose dot stops at a line terminator: no route at all.
    ["/%0A", null],
    ["//%0A", null],
    ["/devis/%0A", null],
    ["/devis/a%0Db", null],
    ["/espace/remboursements/%E2%80%A8", null],
    ["/espace/remboursements/.data", "remboursements-en-ligne"],
    ["/espace/remboursements/_.data", "remboursements-en-ligne"],
    ["/.data", null],
    ["", null],
    ["*", null],
  ])("reads %j the way React Router routes it → %s", (path, owner) => {
    expect(matcher.serviceFor("GET", path)).toBe(owner);
  });

  it("never throws, whatever the path", () => {
    fc.assert(
      fc.property(weird, fc.constantFrom("GET", "POST", "HEAD", "delete", "BREW"), (path, method) => {
        const owner = matcher.serviceFor(method, path);
        expect(owner === null || SERVICE_KEYS.includes(owner)).toBe(true);
        expect(typeof matcher.isAlwaysOn(path)).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });

  it("gives a disguised path the owner of the path it stands for", () => {
    fc.assert(
      fc.property(disguise.map(spellDisguise), ({ path, canonical }) => {
        expect(matcher.serviceFor("GET", path), `${path} stands for ${canonical}`).toBe(matcher.serviceFor("GET", canonical));
        expect(matcher.isAlwaysOn(path)).toBe(matcher.isAlwaysOn(canonical));
      }),
      { numRuns: 2_000 },
    );
  });
});

/** What React Router itself routes a request to, among the declared patterns (see getNormalizedPath). */
const declaredRoutes = [
  ...SERVICE_KEYS.flatMap((key) => SERVICE_CATALOGUE[key].routes.map((r) => ({ path: r.path, handle: key as string }))),
  ...ALWAYS_ON_PATHS.map((path) => ({ path, handle: path === "*" ? "catch-all" : "always-on" })),
];

function reactRouterOwner(requestPath: string): string | undefined {
  let pathname = new URL(`http://bascule.test${requestPath}`).pathname;
  if (pathname === "/_root.data") pathname = "/";
  else if (pathname.endsWith(".data")) pathname = pathname.slice(0, -".data".length);
  if (pathname !== "/" && pathname.endsWith("/")) pathname = pathname.slice(0, -1);
  return matchRoutes(declaredRoutes, pathname)?.at(-1)?.route.handle;
}

describe("serviceFor and React Router", () => {
  const doubled = fc
    .tuple(disguise.map(spellDisguise), fc.nat())
    .map(([{ path }, at]) => {
      const slashes = [...path.matchAll(/\//g)].map((m) => m.index);
      const index = slashes[at % slashes.length] ?? 0;
      return `${path.slice(0, index)}/${path.slice(index)}`;
    });
  const requestPath = fc.oneof(
    disguise.map((d) => spellDisguise(d).path),
    doubled,
    weird.map((random) => `/${random}`),
  );

  // React Router compiles its route table on every call (about 0.5 ms): hence the longer timeout.
  it("names the owner of the route React Router would serve, whatever the spelling", () => {
    // React Router warns about every path it cannot decode; those are expected here.
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    fc.assert(
      fc.property(requestPath, (path) => {
        const expected = reactRouterOwner(path);
        const service = expected !== undefined && SERVICE_KEYS.includes(expected as ServiceKey) ? expected : null;
        expect(matcher.serviceFor("GET", path), path).toBe(service);
        expect(matcher.isAlwaysOn(path), path).toBe(expected === "always-on" || expected === "catch-all");
      }),
      { numRuns: 2_000 },
    );
    vi.mocked(console.warn).mockRestore();
  }, 30_000);
});

describe("createServiceMatcher", () => {
  it("gives an action to the service that owns it by method, and the page to the one that owns the path", () => {
    const withAction = createServiceMatcher({
      ...SERVICE_CATALOGUE,
      "coordonnees-bancaires": { ...SERVICE_CATALOGUE["coordonnees-bancaires"], routes: [{ path: "/espace/compte/iban", methods: ["POST", "PUT"] }] },
    });
    expect(withAction.serviceFor("POST", "/espace/compte/iban")).toBe("coordonnees-bancaires");
    expect(withAction.serviceFor("post", "/espace/compte/iban")).toBe("coordonnees-bancaires");
    expect(withAction.serviceFor("PUT", "/espace/compte/iban/")).toBe("coordonnees-bancaires");
    expect(withAction.serviceFor("GET", "/espace/compte/iban")).toBe("espace-adherent");
    expect(withAction.serviceFor("HEAD", "/espace/compte/iban")).toBe("espace-adherent");
    expect(withAction.isAlwaysOn("/espace/compte/iban")).toBe(false);
  });

  it("prefers more literal segments, then an exact path, then a parameter over a splat", () => {
    const custom = createServiceMatcher(
      {
        ...SERVICE_CATALOGUE,
        documents: { ...SERVICE_CATALOGUE.documents, routes: [{ path: "/espace/:section/telechargement" }, { path: "/espace/documents/:id" }] },
        "formulaire-contact": { ...SERVICE_CATALOGUE["formulaire-contact"], routes: [{ path: "/espace/documents/*" }] },
      },
      [],
    );
    expect(custom.serviceFor("GET", "/espace/archives/telechargement")).toBe("documents");
    expect(custom.serviceFor("GET", "/espace/documents/telechargement")).toBe("documents");
    expect(custom.serviceFor("GET", "/espace/documents/a1")).toBe("documents");
    expect(custom.serviceFor("GET", "/espace/documents/a1/page")).toBe("formulaire-contact");
    expect(custom.serviceFor("GET", "/espace/documents")).toBe("formulaire-contact");
    expect(custom.serviceFor("GET", "/espace/archives")).toBe("espace-adherent");
    expect(custom.serviceFor("GET", "/nulle-part")).toBeNull();
    expect(custom.isAlwaysOn("/nulle-part")).toBe(false);
  });

  it("refuses a pattern it cannot read or that two owners declare", () => {
    const withRoutes = (routes: { path: string }[]) => ({ ...SERVICE_CATALOGUE, documents: { ...SERVICE_CATALOGUE.documents, routes } });
    expect(() => createServiceMatcher(withRoutes([{ path: "espace/documents" }]))).toThrow(/must start with/);
    expect(() => createServiceMatcher(withRoutes([{ path: "/espace/*/documents" }]))).toThrow(/only literal segments/);
    expect(() => createServiceMatcher(withRoutes([{ path: "/espace/:lang?/documents" }]))).toThrow(/only literal segments/);
    expect(() => createServiceMatcher(withRoutes([{ path: "/espace/*" }]))).toThrow(/declared twice \(espace-adherent and documents\)/);
    expect(() => createServiceMatcher(SERVICE_CATALOGUE, [...ALWAYS_ON_PATHS, "/Devis"])).toThrow(/declared twice/);
  });
});

/*
 * Completeness: every URL of the route table belongs to a service or is declared always on.
 * The root catch-all `*` is declared always on, and would cover anything; the coverage of the
 * other routes is therefore checked against the declarations without it.
 */

type RouteEntry = { path?: string; index?: boolean; children?: RouteEntry[] };

/** The full URL pattern of every route (optional segments expanded), joined to its parents. */
function routePatterns(entries: readonly RouteEntry[], parent = ""): string[] {
  return entries.flatMap((entry) => {
    const own = entry.path === undefined ? [parent] : expandOptional(entry.path).map((p) => (p.startsWith("/") ? p : `${parent.replace(/\/$/, "")}/${p}`));
    const here = entry.path !== undefined || entry.index ? own.map((p) => p || "/") : [];
    return [...here, ...own.flatMap((p) => routePatterns(entry.children ?? [], p))];
  });
}

function expandOptional(path: string): string[] {
  let variants = [""];
  for (const segment of path.split("/").filter((s) => s !== "")) {
    variants = segment.endsWith("?")
      ? variants.flatMap((v) => [v, `${v}/${segment.slice(0, -1)}`])
      : variants.map((v) => `${v}/${segment}`);
  }
  return path.startsWith("/") ? variants : variants.map((v) => v.slice(1));
}

const DECLARED = new Set([...SERVICE_KEYS.flatMap((key) => SERVICE_CATALOGUE[key].routes.map((r) => r.path)), ...ALWAYS_ON_PATHS].map((p) => (p === "*" ? "/*" : p)));
const withoutCatchAll = createServiceMatcher(SERVICE_CATALOGUE, ALWAYS_ON_PATHS.filter((p) => p !== "*"));

/** Routes that would be served while neither a service nor the always-on list says so. */
function undeclared(entries: readonly RouteEntry[]): string[] {
  return routePatterns(entries).filter((pattern) => {
    if (DECLARED.has(pattern)) return false;
    const sample = pattern.replace(/\/:[^/]+/g, "/valeur").replace(/\/\*$/, "/suite");
    return ["GET", "POST"].some((method) => withoutCatchAll.serviceFor(method, sample) === null && !withoutCatchAll.isAlwaysOn(sample));
  });
}

describe("route table completeness", () => {
  it("finds the routes of app/routes.ts, nested ones included", () => {
    const patterns = routePatterns(routes as RouteEntry[]);
    expect(patterns).toEqual(expect.arrayContaining(["/", "/espace", "/espace/securite", "/activation/:token", "/admin/journal.csv", "/*"]));
  });

  it("has every route owned by a service or declared always on", () => {
    expect(undeclared(routes as RouteEntry[])).toEqual([]);
  });

  it("catches a route that nobody declared", () => {
    const table = [
      ...(routes as RouteEntry[]),
      layout("routes/public/layout.tsx", [route("nouvelle-page", "routes/public/nouvelle-page.tsx"), route("statut/historique", "routes/public/historique.tsx")]),
      ...prefix("partenaires", [index("routes/partenaires/accueil.tsx"), route(":id", "routes/partenaires/fiche.tsx")]),
      route("espace/nouvelle-rubrique", "routes/espace/nouvelle-rubrique.tsx"),
      route("langue/:lang?/aide", "routes/public/aide.tsx"),
    ];
    expect(undeclared(table)).toEqual(["/nouvelle-page", "/statut/historique", "/partenaires", "/partenaires/:id", "/langue/aide", "/langue/:lang/aide"]);
  });
});
