import type { ServiceState } from "./types";

/*
 * How the switchboard speaks to the public: state names in plain French and dates in Paris
 * time, shared by the shutter page, the status page, its Atom feed and the site banner.
 */

export const PUBLIC_STATE_LABELS: Record<ServiceState, string> = {
  OPEN: "Ouvert",
  CLOSED: "Fermé",
  FALLBACK: "Fonctionnement dégradé (par e-mail)",
  RETESTING: "En cours de vérification",
  REOPENING: "Réouverture progressive",
};

const dateTimeFr = new Intl.DateTimeFormat("fr-FR", { dateStyle: "full", timeStyle: "short", timeZone: "Europe/Paris" });
const dayFr = new Intl.DateTimeFormat("fr-FR", { dateStyle: "full", timeZone: "Europe/Paris" });
const timeFr = new Intl.DateTimeFormat("fr-FR", { timeStyle: "short", timeZone: "Europe/Paris" });
const dayKeyFormat = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "Europe/Paris" });

/** "jeudi 28 novembre 2026 à 14:05" (Paris time). */
export function formatParisDateTime(iso: string): string {
  return dateTimeFr.format(new Date(iso));
}

/** "jeudi 28 novembre 2026" (Paris time). */
export function formatParisDay(iso: string): string {
  return dayFr.format(new Date(iso));
}

/** "14:05" (Paris time). */
export function formatParisTime(iso: string): string {
  return timeFr.format(new Date(iso));
}

/** "2026-11-28": the calendar day in Paris, for grouping. */
export function parisDayKey(iso: string): string {
  return dayKeyFormat.format(new Date(iso));
}
