import { REVIEW_REASON_LABELS } from "../engine/types";

/* Labels of the staff claims and payments screens (French UI text). */

export const CHANNEL_LABELS = {
  ONLINE: "En ligne",
  EMAIL: "Courriel",
  NOEMIE: "NOEMIE",
  PAPER: "Courrier",
} as const;

const EXTRA_REASON_LABELS: Record<string, string> = {
  RETURNED: "En attente d’un justificatif",
  UNSPECIFIED: "Sans motif enregistré",
};

/** Short French label of a review reason code; unknown codes are shown as they are. */
export function reasonLabel(code: string): string {
  return (REVIEW_REASON_LABELS as Record<string, string>)[code] ?? EXTRA_REASON_LABELS[code] ?? code;
}

export const DOCUMENT_KIND_LABELS = {
  INVOICE: "Facture",
  SECU_STATEMENT: "Décompte Sécurité sociale",
  OTHER: "Autre justificatif",
} as const;

export const BATCH_STATUS_LABELS = {
  GENERATED: "Fichier généré, en attente de paiement",
  PAID: "Payé",
} as const;

/** Age of a claim for the queue ("5 h", "3 j"), computed on the server so both renders agree. */
export function ageLabel(receivedAt: Date, now: Date): string {
  const hours = Math.max(0, Math.floor((now.getTime() - receivedAt.getTime()) / 3_600_000));
  if (hours < 1) return "moins d’1 h";
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} j`;
}

/** Size of a file in French units. */
export function fileSizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
  return `${(bytes / (1024 * 1024)).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;
}
