import type { QuoteFormulaResultJson, QuotePersonJson } from "~/platform/db/schema";
import type { Scheme } from "./zones";

/** A saved quote as pages, the PDF, the e-mail and the subscription use it. No e-mail address. */
export type SavedQuote = {
  id: string;
  reference: string;
  postcode: string;
  departement: string;
  zone: string;
  scheme: Scheme;
  startDate: string;
  persons: QuotePersonJson[];
  priorities: string[];
  recommendedFormula: string;
  chosenFormula: string;
  /** The four formulas, each with its per-person breakdown, monthly and yearly totals (cents). */
  formulas: QuoteFormulaResultJson[];
  /** The chosen formula's line of `formulas`. */
  chosen: QuoteFormulaResultJson;
  tariffVersionId: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
};
