import type { GuaranteeCategory } from "./guarantee-values";

/*
 * The shapes of what the claims tables store (`claim_lines.input`, `claim_lines.valuation`,
 * `claims.review_reasons`, `claim_lines.category`): the vocabulary of the claims engine
 * (features/claims), kept here so that the schema and the engine share it without the schema
 * importing a feature. Money is in integer cents; civil dates are "YYYY-MM-DD" strings.
 */

export type CareCategory =
  | "GP"
  | "SPECIALIST"
  | "PHARMACY"
  | "DENTAL_CARE"
  | "DENTAL_PROSTHESIS"
  | "OPTICS"
  | "HEARING_AID"
  | "HOSPITAL"
  | "ALTERNATIVE_MEDICINE"
  | "OTHER";

/** What the Sécu statement says: BR (base de remboursement), taux, and the amount actually paid. */
export type SecuFigures =
  | { covered: true; baseCents: number; ratePct: number; paidCents: number }
  | { covered: false };

export type ClaimLineInput = {
  category: CareCategory;
  /** YYYY-MM-DD (civil date of the care). */
  careDate: string;
  /** What the member paid. */
  realCostCents: number;
  secu: SecuFigures;
  providerName: string;
  /** GP, SPECIALIST, HOSPITAL fees: whether the doctor adheres to OPTAM. Unknown counts as non-OPTAM. */
  providerOptam?: boolean;
  pharmacyRatePct?: 100 | 65 | 30 | 15;
  dentalBasket?: "100_SANTE" | "MAITRISE" | "LIBRE";
  /** FDI notation (11–48 permanent, 51–85 deciduous). */
  toothNumber?: number;
  opticsClass?: "A" | "B";
  /** Class B caps 420/560/610/700/750/800 € including Sécu, by complexity. */
  lensComplexity?: 1 | 2 | 3 | 4 | 5 | 6;
  /** Part of realCost that is the frame (at most 100 € covered). */
  frameCents?: number;
  prescriptionChanged?: boolean;
  hearingClass?: "I" | "II";
  ear?: "LEFT" | "RIGHT";
  /** Forfait journalier days. */
  hospitalDays?: number;
  privateRoomDays?: number;
  psychiatry?: boolean;
  /** Alternative medicine sessions on this invoice (default 1). */
  sessions?: number;
  /** Optional act code (NGAP/CCAM, e.g. "G", "APC", "HBLD036"): sharpens duplicate detection. */
  actCode?: string;
};

/** One step of the calculation, with a French label (e.g. "Base de remboursement Sécu"). */
export type TraceStep = { label: string; amountCents?: number; detail?: string };

export type LineValuation = {
  /** NOT_COVERED = guarantee NONE / ceiling exhausted / frequency reached: pays 0, not a rejection. */
  status: "COVERED" | "NOT_COVERED";
  reasonCode: string | null;
  guaranteeCategory: GuaranteeCategory | null;
  amoGrossCents: number;
  amoPaidCents: number;
  participationCents: number;
  franchiseCents: number;
  amcCents: number;
  resteAChargeCents: number;
  ceiling: {
    limitCents: number | null;
    usedBeforeCents: number;
    remainingAfterCents: number | null;
    periodStart: string;
    periodEnd: string;
  } | null;
  trace: TraceStep[];
  /** Plain French paragraph shown to the member. */
  explanation: string;
};

/** A blocking check or a fraud signal that fired; `message` is French. */
export type ReviewReason = { code: string; message: string; weight: number; lineIndex?: number };
