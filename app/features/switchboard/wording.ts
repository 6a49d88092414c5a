import type { ServiceState } from "./types";

/*
 * How the switchboard speaks to the public: state names in plain French, shared by the shutter page, the status page, its Atom feed and the site banner.
 */

export const PUBLIC_STATE_LABELS: Record<ServiceState, string> = {
  OPEN: "Ouvert",
  CLOSED: "Fermé",
  FALLBACK: "Fonctionnement dégradé (par e-mail)",
  RETESTING: "En cours de vérification",
  REOPENING: "Réouverture progressive",
};
