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
    // Quotes (features/quotes): compute, save, reopen by reference + e-mail, PDF
    route("devis", "routes/public/devis.tsx"),
    route("devis/retrouver", "routes/public/devis-retrouver.tsx"),
    route("devis/:reference", "routes/public/devis-detail.tsx"),
    route("devis/:reference/pdf", "routes/public/devis-pdf.ts"),
    // Online subscription: one route per step (features/subscriptions)
    route("adhesion", "routes/public/adhesion.tsx"),
    route("adhesion/personnes", "routes/public/adhesion-personnes.tsx"),
    route("adhesion/adresse", "routes/public/adhesion-adresse.tsx"),
    route("adhesion/banque", "routes/public/adhesion-banque.tsx"),
    route("adhesion/documents", "routes/public/adhesion-documents.tsx"),
    route("adhesion/signature", "routes/public/adhesion-signature.tsx"),
    route("adhesion/confirmation", "routes/public/adhesion-confirmation.tsx"),
    route("contact", "routes/public/contact.tsx"),
  ]),
  // Proof-of-work challenge of the contact form (JSON, owned by the switchboard with /contact)
  route("contact/defi", "routes/public/contact-defi.ts"),
  // The SEPA mandate of the subscription in progress (PDF, owned by the switchboard with /adhesion)
  route("adhesion/mandat.pdf", "routes/public/adhesion-mandat-pdf.ts"),

  ...prefix("espace", [
    layout("routes/espace/layout.tsx", [
      index("routes/espace/tableau-de-bord.tsx"),
      route("securite", "routes/espace/securite.tsx"),
      route("remboursements/envoi-par-courriel", "routes/espace/remboursements-envoi-par-courriel.tsx"),
      // Reimbursement claims (features/claims): list, online filing, one claim
      route("remboursements", "routes/espace/remboursements.tsx"),
      route("remboursements/nouveau", "routes/espace/remboursements-nouveau.tsx"),
      route("remboursements/:number", "routes/espace/remboursements-detail.tsx"),
    ]),
    // Claim filing with an upload progress bar (JSON) and document downloads (attachments only)
    route("remboursements/nouveau/envoi", "routes/espace/remboursements-envoi.ts"),
    route("remboursements/:number/justificatifs/:documentId", "routes/espace/remboursements-justificatif.ts"),
  ]),

  ...prefix("admin", [
    layout("routes/admin/layout.tsx", [
      index("routes/admin/accueil.tsx"),
      route("journal", "routes/admin/journal.tsx"),
      route("journal.csv", "routes/admin/journal-csv.ts"),
      route("courriels", "routes/admin/courriels.tsx"),
      route("services", "routes/admin/services.tsx"),
      route("services/:key", "routes/admin/services-detail.tsx"),
      route("contact", "routes/admin/contact.tsx"),
      route("contact/:id", "routes/admin/contact-detail.tsx"),
      route("adhesions", "routes/admin/adhesions.tsx"),
      route("adhesions/:id", "routes/admin/adhesions-detail.tsx"),
      route("remboursements", "routes/admin/remboursements.tsx"),
      // Before remboursements/:number, which would otherwise take "pilotage" for a claim number.
      route("remboursements/pilotage", "routes/admin/remboursements-pilotage.tsx"),
      // Claims received by e-mail that need a handler (triage queue), also before :number
      route("remboursements/courriels", "routes/admin/remboursements-courriels.tsx"),
      route("remboursements/courriels/:id", "routes/admin/remboursements-courriels-detail.tsx"),
      route("remboursements/courriels/:id/pieces/:index", "routes/admin/remboursements-courriels-piece.ts"),
      route("remboursements/:number", "routes/admin/remboursements-detail.tsx"),
      route("remboursements/:number/documents/:documentId", "routes/admin/remboursements-document.ts"),
      route("paiements", "routes/admin/paiements.tsx"),
      route("paiements/:batchId", "routes/admin/paiements-detail.tsx"),
      route("paiements/:batchId/fichier.xml", "routes/admin/paiements-fichier.ts"),
    ]),
  ]),

  route("*", "routes/public/introuvable.tsx"),
] satisfies RouteConfig;
