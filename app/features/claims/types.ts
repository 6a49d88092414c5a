import type { GuaranteeBasis, GuaranteeCategory } from "~/features/members/formulas-catalogue";

/*
 * The vocabulary of the claims engine (valuation and adjudication), shared by the filing, staff and
 * e-mail intake code. Money is always in integer cents; civil dates are "YYYY-MM-DD" strings.
 * The engine is pure: it receives everything as plain data plus `now`, and never reads the clock.
 */

export type { GuaranteeBasis, GuaranteeCategory };

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

export type Channel = "ONLINE" | "EMAIL" | "NOEMIE" | "PAPER";

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

export type GuaranteeLine = {
  category: GuaranteeCategory;
  label: string;
  basis: GuaranteeBasis;
  ratePct: number | null;
  amountCents: number | null;
  maxCount: number | null;
  maxDays: number | null;
  ceilingCents: number | null;
  periodMonths: number | null;
};

export type RegulatoryParameter = {
  key: string;
  valueCents: number;
  validFrom: string;
  validTo: string | null;
};

export type BeneficiaryContext = {
  personId: string;
  contractId: string;
  birthDate: string;
  c2s: boolean;
  scheme: "GENERAL" | "ALSACE_MOSELLE";
  coveredFrom: string;
  coveredTo: string | null;
  contractStartDate: string;
  contractEndDate: string | null;
  ibanChangedAt: Date | null;
};

/** A line of an earlier claim of the same contract (any beneficiary), from the database. */
export type PastLine = {
  claimId: string;
  claimNumber: string;
  beneficiaryId: string;
  channel: Channel;
  claimStatus: string;
  line: ClaimLineInput;
  amcCents: number;
  guaranteeCategory: GuaranteeCategory | null;
  invoiceNumber: string | null;
  /** Keyed hashes of the past claim's documents (at least those it shares with the claim being decided). */
  fileHashes: string[];
  receivedAt: Date;
};

export type FormulaContext = { code: string; isResponsible: boolean; lines: GuaranteeLine[] };

export type ClaimInput = {
  channel: Channel;
  receivedAt: Date;
  invoiceNumber: string | null;
  fileHashes: string[];
  lines: ClaimLineInput[];
};

export type AdjudicationInput = {
  claim: ClaimInput;
  beneficiary: BeneficiaryContext;
  formula: FormulaContext;
  regulatory: RegulatoryParameter[];
  /** Same contract, last 5 years, excluding REJECTED claims. */
  history: PastLine[];
  /**
   * Optional: ids of every beneficiary of the contract, so that the "glasses for the whole family
   * within days" signal fires only when all of them (at least 2) are concerned.
   */
  contractBeneficiaryIds?: string[];
};

/** What valuation needs: the claim's lines and the beneficiary's context and history. */
export type ValuationInput = {
  lines: ClaimLineInput[];
  beneficiary: BeneficiaryContext;
  formula: FormulaContext;
  regulatory: RegulatoryParameter[];
  history: PastLine[];
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

export type AdjudicationResult = {
  /** Automatic processing NEVER rejects. */
  decision: "AUTO_SETTLE" | "REVIEW";
  fraudScore: number;
  threshold: number;
  reasons: ReviewReason[];
  lines: LineValuation[];
  totals: { realCostCents: number; amoPaidCents: number; amcCents: number; resteAChargeCents: number };
};

/**
 * Every reason code the engine (and the filing path) may put on a claim, with a short French label
 * for staff filters. Blocking checks always send the claim to review; signals add to the score.
 */
export const REVIEW_REASON_LABELS = {
  DATA_ENTRY_REQUIRED: "Montants à saisir",
  NOT_COVERED_AT_CARE_DATE: "Bénéficiaire non couvert à la date des soins",
  DUPLICATE_CONTENT: "Doublon (mêmes soins)",
  DUPLICATE_INVOICE_NUMBER: "Numéro de facture déjà utilisé",
  DUPLICATE_FILE: "Justificatif déjà transmis",
  NOEMIE_ALREADY_PAID: "Déjà payé via NOEMIE",
  FREQUENCY_EXCEEDED: "Fréquence de renouvellement dépassée",
  CEILING_EXHAUSTED: "Plafond atteint",
  NOTHING_PAYABLE: "Aucune ligne remboursable",
  CARE_TOO_OLD: "Soins de plus de 2 ans",
  CARE_IN_FUTURE: "Date de soins dans le futur",
  INCONSISTENT_SECU_FIGURES: "Montants Sécu incohérents",
  EARLY_LARGE_CLAIM: "Montant élevé en début de contrat",
  IBAN_CHANGED_BEFORE_LARGE_CLAIM: "IBAN modifié peu avant un montant élevé",
  AMOUNT_EQUALS_REMAINING_CEILING: "Montant égal au plafond restant",
  FRAME_COST_SHIFTED: "Coût de monture reporté sur les verres",
  CLASS_A_ABOVE_CAP: "Classe A au-dessus du prix limite",
  IMPOSSIBLE_TOOTH: "Numéro de dent impossible",
  SAME_CROWN_SAME_TOOTH: "Même prothèse sur la même dent",
  GLASSES_WHOLE_FAMILY: "Lunettes pour toute la famille en quelques jours",
  DENTAL_CENTRE_PROSTHESIS_RATE: "Centre dentaire au taux de prothèses inhabituel",
  HIGH_AMOUNT: "Montant élevé",
} as const;

export type ReviewReasonCode = keyof typeof REVIEW_REASON_LABELS;
