import fs from "node:fs";
import path from "node:path";
import { matchPath } from "react-router";
import { can, isStaff, type Permission, type Role } from "../../app/platform/auth/permissions";
import routes from "../../app/routes";

/*
 * Who may use each URL of `app/routes.ts`. The authorization matrix reads its expectations from
 * here; a route missing from this table fails the suite, and each declaration is checked against
 * the guards its module actually calls, so the table cannot drift from the code.
 *
 * - public: anyone; never a 403 for a signed-in person either.
 * - machine: an API key or token is required; browsers' sessions give nothing (401).
 * - member: `requireMember` (a member with a linked person record).
 * - staff: `requireStaff` (any staff role).
 * - a Permission: `requirePermission(args, permission)`.
 */
export type Access = "public" | "machine" | "member" | "staff" | Permission;
export type Declaration = { get: Access; post?: Access; ids?: "owned-by-member" };

export const ROUTE_ACCESS: Record<string, Declaration> = {
  "/healthz": { get: "public" },
  "/readyz": { get: "public" },
  "/metrics": { get: "public" },
  "/statut.atom": { get: "public" },
  "/api/ofrep/v1/evaluate/flags": { get: "machine" },
  "/api/ofrep/v1/evaluate/flags/:key": { get: "machine" },
  "/": { get: "public" },
  "/connexion": { get: "public" },
  "/connexion/verification": { get: "public" },
  "/deconnexion": { get: "public" },
  "/activation": { get: "public" },
  "/activation/:token": { get: "public" },
  "/mot-de-passe-oublie": { get: "public" },
  "/mot-de-passe-oublie/:token": { get: "public" },
  "/statut": { get: "public" },
  "/devis": { get: "public" },
  "/devis/retrouver": { get: "public" },
  "/devis/:reference": { get: "public" },
  "/devis/:reference/pdf": { get: "public" },
  "/adhesion": { get: "public" },
  "/adhesion/personnes": { get: "public" },
  "/adhesion/adresse": { get: "public" },
  "/adhesion/banque": { get: "public" },
  "/adhesion/documents": { get: "public" },
  "/adhesion/signature": { get: "public" },
  "/adhesion/confirmation": { get: "public" },
  "/contact": { get: "public" },
  "/contact/defi": { get: "public" },
  "/adhesion/mandat.pdf": { get: "public" },
  "/espace": { get: "member" },
  "/espace/securite": { get: "member" },
  "/espace/remboursements/envoi-par-courriel": { get: "member" },
  "/espace/remboursements": { get: "member" },
  "/espace/remboursements/nouveau": { get: "member" },
  "/espace/remboursements/:number": { get: "member", ids: "owned-by-member" },
  "/espace/remboursements/nouveau/envoi": { get: "member" },
  "/espace/remboursements/:number/justificatifs/:documentId": { get: "member", ids: "owned-by-member" },
  "/admin": { get: "staff" },
  "/admin/journal": { get: "audit:read" },
  "/admin/journal.csv": { get: "audit:read" },
  "/admin/courriels": { get: "mail:read", post: "mail:retry" },
  "/admin/services": { get: "services:close" },
  "/admin/services/:key": { get: "services:close" },
  "/admin/contact": { get: "contact:read" },
  "/admin/contact/:id": { get: "contact:read", post: "contact:handle" },
  "/admin/adhesions": { get: "subscriptions:review" },
  "/admin/adhesions/:id": { get: "subscriptions:review" },
  "/admin/remboursements": { get: "claims:process" },
  "/admin/remboursements/pilotage": { get: "claims:process" },
  "/admin/remboursements/courriels": { get: "claims:process" },
  "/admin/remboursements/courriels/:id": { get: "claims:process" },
  "/admin/remboursements/courriels/:id/pieces/:index": { get: "claims:process" },
  "/admin/remboursements/:number": { get: "claims:process" },
  "/admin/remboursements/:number/documents/:documentId": { get: "claims:process" },
  "/admin/paiements": { get: "payments:manage" },
  "/admin/paiements/:batchId": { get: "payments:manage" },
  "/admin/paiements/:batchId/fichier.xml": { get: "payments:manage" },
  "/*": { get: "public" },
};

type RouteEntry = { file: string; path?: string; index?: boolean; children?: RouteEntry[] };
export type RouteInfo = { pattern: string; files: string[] };

/** Every URL pattern of the route table with the modules (layouts included) that serve it. */
export function routeTable(entries: readonly RouteEntry[] = routes as RouteEntry[], parent = "", files: string[] = []): RouteInfo[] {
  return entries.flatMap((entry) => {
    const own = entry.path === undefined ? parent : entry.path.startsWith("/") ? entry.path : `${parent.replace(/\/$/, "")}/${entry.path}`;
    const chain = [...files, entry.file];
    const here = entry.path !== undefined || entry.index ? [{ pattern: own || "/", files: chain }] : [];
    return [...here, ...routeTable(entry.children ?? [], own, chain)];
  });
}

/** The guards a module's loaders and actions call, as Access values. */
export function guardsIn(file: string): Set<Access> {
  const source = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "app", file), "utf8");
  const found = new Set<Access>();
  if (/\brequireMember\(/.test(source)) found.add("member");
  if (/\brequireStaff\(/.test(source)) found.add("staff");
  for (const m of source.matchAll(/\brequirePermission\(\s*\w+\s*,\s*"([^"]+)"/g)) found.add(m[1] as Permission);
  return found;
}

/** The declared pattern a concrete path belongs to (the most specific one, as React Router ranks). */
export function patternOf(pathname: string, patterns: readonly string[]): string | undefined {
  const candidates = patterns.filter((p) => p !== "/*" && matchPath({ path: p, end: true }, pathname));
  // Literal segments win over parameters: the fewer parameters, the more specific.
  candidates.sort((a, b) => (a.match(/:/g)?.length ?? 0) - (b.match(/:/g)?.length ?? 0));
  return candidates[0] ?? (patterns.includes("/*") ? "/*" : undefined);
}

export type Outcome = "login" | "forbidden" | "allowed" | "machine";

/** What the portal's guards answer `role` (null: anonymous) on a route with this access. */
export function expectedOutcome(access: Access, role: Role | null): Outcome {
  if (access === "public") return "allowed";
  if (access === "machine") return "machine";
  if (role === null) return "login";
  if (access === "member") return can(role, "member-space:use") ? "allowed" : "forbidden";
  if (access === "staff") return isStaff(role) ? "allowed" : "forbidden";
  return can(role, access) ? "allowed" : "forbidden";
}
