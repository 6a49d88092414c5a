import type { ClaimLineInput } from "../engine/types";
import type { ClaimStatus } from "../member/claim-mail";

/*
 * What every step of the staff review shares: its error, the statuses a handler can still decide
 * on, and the most Bascule may pay for a line. Pure.
 */

/** A claim under review that cannot be decided as asked; `code` maps to 404, 409 or 400. */
export class ReviewError extends Error {
  constructor(
    readonly code: "not-found" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "ReviewError";
  }
}

export function isReviewError(err: unknown): err is ReviewError {
  return err instanceof ReviewError;
}

/** Statuses a handler can still decide on: waiting for them, or for a document from the member. */
export const OPEN_STATUSES = ["REVIEW", "RETURNED"] as const satisfies readonly ClaimStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export const isOpen = (status: ClaimStatus): status is OpenStatus => (OPEN_STATUSES as readonly string[]).includes(status);

/** How a decision refused for the claim's status names that status. */
export const STATUS_FROM_LABEL: Record<ClaimStatus, string> = {
  SUBMITTED: "reçue",
  CHECKED: "vérifiée",
  REVIEW: "en examen",
  VALUATED: "déjà acceptée",
  PAID: "déjà payée",
  REJECTED: "déjà refusée",
  RETURNED: "en attente d’un justificatif",
};

/** Bascule may never pay more for a line than what the member paid and the Sécu did not. */
export function maxLineAmcCents(input: ClaimLineInput): number {
  const secuPaid = input.secu.covered ? input.secu.paidCents : 0;
  return Math.max(0, input.realCostCents - secuPaid);
}
