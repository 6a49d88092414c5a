import type { ServiceState } from "../types";

export const STATE_LABELS: Record<ServiceState, string> = {
  OPEN: "Ouvert",
  CLOSED: "Fermé",
  FALLBACK: "Mode de secours",
  RETESTING: "En recette",
  REOPENING: "Réouverture progressive",
};

const STATE_CLASSES: Record<ServiceState, string> = {
  OPEN: "border-success bg-success-bg text-success",
  CLOSED: "border-danger bg-danger-bg text-danger",
  FALLBACK: "border-warning bg-warning-bg text-warning",
  RETESTING: "border-brand-700 bg-brand-50 text-brand-800",
  REOPENING: "border-brand-700 bg-brand-50 text-brand-800",
};

const STATE_SYMBOLS: Record<ServiceState, string> = {
  OPEN: "●",
  CLOSED: "■",
  FALLBACK: "▲",
  RETESTING: "◆",
  REOPENING: "◐",
};

/** The state as text (never colour alone), with the rollout share when reopening progressively. */
export function StateBadge({ state, rolloutPercent }: { state: ServiceState; rolloutPercent?: number | null }) {
  return (
    <span className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border px-2.5 py-0.5 text-sm font-semibold ${STATE_CLASSES[state]}`}>
      <span aria-hidden="true">{STATE_SYMBOLS[state]}</span>
      {STATE_LABELS[state]}
      {state === "REOPENING" && rolloutPercent !== null && rolloutPercent !== undefined ? ` (${rolloutPercent} %)` : null}
    </span>
  );
}
