import type { ClaimLineInput, LineValuation, ReviewReason } from "~/platform/db/schema/claim-values";
import type { GuaranteeBasis, GuaranteeCategory } from "~/features/members";

/*
 * The vocabulary of the claims engine (valuation and adjudication), shared by the filing, staff and
 * e-mail intake code. Money is always in integer cents; civil dates are "YYYY-MM-DD" strings.
 * The engine is pure: it receives everything as plain data plus `now`, and never reads the clock.
 */

export type { GuaranteeBasis, GuaranteeCategory };
// Stored as they are in the claims tables: their shapes belong to the schema.
export type { CareCategory, ClaimLineInput, LineValuation, ReviewReason, SecuFigures, TraceStep } from "~/platform/db/schema/claim-values";

export type Channel = "ONLINE" | "EMAIL" | "NOEMIE" | "PAPER";

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
