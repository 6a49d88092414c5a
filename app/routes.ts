import { type RouteConfig, index, layout, prefix, route } from "@react-router/dev/routes";

/**
 * Explicit route table: every URL of the portal is listed here. French URLs, English files.
 */
export default [
  // Operations (resource routes, always on)
  route("healthz", "routes/api/healthz.ts"),
  route("readyz", "routes/api/readyz.ts"),
  route("metrics", "routes/api/metrics.ts"),

  // Switchboard for machines: status feed, OFREP flag evaluation (resource routes, always on)
  route("statut.atom", "routes/public/statut-atom.ts"),
  route("api/ofrep/v1/evaluate/flags", "routes/api/ofrep-evaluate-all.ts"),
  route("api/ofrep/v1/evaluate/flags/:key", "routes/api/ofrep-evaluate.ts"),

  layout("routes/public/layout.tsx", [
    index("routes/public/accueil.tsx"),
    route("connexion", "routes/public/connexion.tsx"),
    route("connexion/verification", "routes/public/connexion-verification.tsx"),
    route("deconnexion", "routes/public/deconnexion.ts"),
    route("activation", "routes/public/activation.tsx"),
    route("activation/:token", "routes/public/activation-mot-de-passe.tsx"),
    route("mot-de-passe-oublie", "routes/public/mot-de-passe-oublie.tsx"),
    route("mot-de-passe-oublie/:token", "routes/public/mot-de-passe-nouveau.tsx"),
    route("statut", "routes/public/statut.tsx"),
  ]),

  ...prefix("espace", [
    layout("routes/espace/layout.tsx", [
      index("routes/espace/tableau-de-bord.tsx"),
      route("securite", "routes/espace/securite.tsx"),
      route("remboursements/envoi-par-courriel", "routes/espace/remboursements-envoi-par-courriel.tsx"),
    ]),
  ]),

  ...prefix("admin", [
    layout("routes/admin/layout.tsx", [
      index("routes/admin/accueil.tsx"),
      route("journal", "routes/admin/journal.tsx"),
      route("journal.csv", "routes/admin/journal-csv.ts"),
      route("courriels", "routes/admin/courriels.tsx"),
      route("services", "routes/admin/services.tsx"),
      route("services/:key", "routes/admin/services-detail.tsx"),
    ]),
  ]),

  route("*", "routes/public/introuvable.tsx"),
] satisfies RouteConfig;
