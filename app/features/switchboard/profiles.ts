import type { ServiceKey } from "./types";

/*
 * Incident profiles: named sets of changes applied in one audited action with one group id, so
 * that on the day of an attack nobody has to remember which services to close.
 */

export type IncidentProfileKey = "cyberattaque" | "maintenance-tarif" | "fraude-rib";

export type IncidentProfile = {
  key: IncidentProfileKey;
  /** French, shown in the back office and the CLI. */
  label: string;
  /** French: what the profile does and why. */
  description: string;
  changes: readonly { key: ServiceKey; to: "CLOSED" | "FALLBACK" }[];
};

export const INCIDENT_PROFILES: readonly IncidentProfile[] = [
  {
    key: "cyberattaque",
    label: "Cyberattaque — fermeture des services en ligne",
    description:
      "Ferme les formulaires publics et l’espace adhérent. Les demandes de remboursement restent possibles par courriel ; la page d’accueil, la page de statut, la connexion et le back-office restent ouverts.",
    changes: [
      { key: "devis-en-ligne", to: "CLOSED" },
      { key: "adhesion-en-ligne", to: "CLOSED" },
      { key: "espace-adherent", to: "CLOSED" },
      { key: "remboursements-en-ligne", to: "FALLBACK" },
      { key: "coordonnees-bancaires", to: "CLOSED" },
      { key: "documents", to: "CLOSED" },
      { key: "formulaire-contact", to: "CLOSED" },
      { key: "activation-compte", to: "CLOSED" },
    ],
  },
  {
    key: "maintenance-tarif",
    label: "Maintenance du tarif",
    description: "Ferme le devis et l’adhésion en ligne pendant la mise à jour du tarif.",
    changes: [
      { key: "devis-en-ligne", to: "CLOSED" },
      { key: "adhesion-en-ligne", to: "CLOSED" },
    ],
  },
  {
    key: "fraude-rib",
    label: "Suspicion de fraude aux coordonnées bancaires",
    description:
      "Bloque les changements de coordonnées bancaires en ligne et fait passer les demandes de remboursement par courriel, le temps de contrôler les changements récents.",
    changes: [
      { key: "coordonnees-bancaires", to: "CLOSED" },
      { key: "remboursements-en-ligne", to: "FALLBACK" },
    ],
  },
];

const PROFILES_BY_KEY: ReadonlyMap<string, IncidentProfile> = new Map(INCIDENT_PROFILES.map((p) => [p.key, p]));

/** The profile with this key (as typed on the CLI or posted by a form), or null. */
export function profileByKey(key: string): IncidentProfile | null {
  return PROFILES_BY_KEY.get(key) ?? null;
}
