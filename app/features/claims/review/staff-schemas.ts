import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import { REVIEW_REASON_LABELS } from "../engine/types";
import { parseEuros } from "../member/schemas";

/*
 * Forms and query strings of the staff claims screens. Queue filters are forgiving (an unknown
 * value shows everything); decision forms are strict, with French messages next to the fields.
 */

export const AGE_FILTERS = {
  "moins-24h": { label: "Moins de 24 h", minHours: 0, maxHours: 24 },
  "24-48h": { label: "De 24 à 48 h", minHours: 24, maxHours: 48 },
  "plus-48h": { label: "Plus de 48 h", minHours: 48, maxHours: null },
  "plus-7j": { label: "Plus de 7 jours", minHours: 168, maxHours: null },
} as const;
export type AgeFilter = keyof typeof AGE_FILTERS;

export const MISSING_DOCUMENTS = {
  INVOICE: "la facture acquittée",
  SECU_STATEMENT: "le décompte de l’Assurance Maladie",
  PRESCRIPTION: "la prescription médicale",
  OTHER: "un justificatif complémentaire",
} as const;
export type MissingDocument = keyof typeof MISSING_DOCUMENTS;

const REASON_CODES = Object.keys(REVIEW_REASON_LABELS) as [string, ...string[]];
const AGE_KEYS = Object.keys(AGE_FILTERS) as [keyof typeof AGE_FILTERS, ...(keyof typeof AGE_FILTERS)[]];
const MISSING_KEYS = Object.keys(MISSING_DOCUMENTS) as [keyof typeof MISSING_DOCUMENTS, ...(keyof typeof MISSING_DOCUMENTS)[]];

/** Whole euros in a filter: "150" or "150,50"; anything else is ignored. */
const euroFilter = safeText()
  .optional()
  .transform((v) => {
    if (!v) return undefined;
    const cents = parseEuros(v);
    return cents === null || cents < 0 || cents > 10_000_000 ? undefined : cents;
  })
  .catch(undefined);

export const queueQuerySchema = z.object({
  statut: z.enum(["REVIEW", "RETURNED"]).optional().catch(undefined),
  motif: z.enum(REASON_CODES).optional().catch(undefined),
  age: z.enum(AGE_KEYS).optional().catch(undefined),
  min: euroFilter,
  max: euroFilter,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const reason = (what: string) =>
  safeText({ error: `Indiquez ${what}.` })
    .trim()
    .min(5, `Indiquez ${what} (5 caractères au moins).`)
    .max(500, `${what[0]!.toUpperCase()}${what.slice(1)} : 500 caractères au plus.`);

export const adjustLineSchema = z.object({
  intent: z.literal("adjust"),
  lineNo: z.coerce.number({ error: "Choisissez la ligne à ajuster." }).int().min(1).max(99),
  amount: safeText({ error: "Saisissez le nouveau montant Bascule." })
    .trim()
    .min(1, "Saisissez le nouveau montant Bascule.")
    .transform((v, ctx) => {
      const cents = parseEuros(v);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: "Saisissez un montant en euros avec 2 décimales au plus, par exemple 24,50." });
        return z.NEVER;
      }
      if (cents < 0) {
        ctx.addIssue({ code: "custom", message: "Le montant ne peut pas être négatif." });
        return z.NEVER;
      }
      return cents;
    }),
  reason: reason("le motif de l’ajustement"),
});
export type AdjustLineInput = z.input<typeof adjustLineSchema>;

export const returnClaimSchema = z.object({
  intent: z.literal("return"),
  missing: z.enum(MISSING_KEYS, { error: "Choisissez le document manquant." }),
  message: safeText()
    .trim()
    .max(500, "Le message : 500 caractères au plus.")
    .optional()
    .transform((v) => v || null),
});
export type ReturnClaimInput = z.input<typeof returnClaimSchema>;

export const rejectClaimSchema = z.object({
  intent: z.literal("reject"),
  reason: reason("le motif du refus"),
});
export type RejectClaimInput = z.input<typeof rejectClaimSchema>;

export const approveClaimSchema = z.object({ intent: z.literal("approve") });
