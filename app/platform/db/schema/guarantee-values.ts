/*
 * The care categories a guarantee line covers (`guarantee_lines.category`,
 * `claim_lines.guarantee_category`). The list is shared by the schema, the formulas catalogue
 * (features/members) and the claims engine; it lives here so that the schema imports no feature.
 */

export const GUARANTEE_CATEGORIES = [
  "doctor-optam",
  "doctor-non-optam",
  "pharmacy-65-30",
  "pharmacy-15",
  "hospital-daily-fee",
  "hospital-private-room",
  "dental-care",
  "dental-prosthesis-100-sante",
  // Carries the yearly ceiling of the "maîtrisé" and "libre" baskets in `ceilingCents`: the
  // ceiling applies to exactly these baskets, so one line per category is enough.
  "dental-prosthesis-other",
  "optics-class-a",
  "optics-class-b",
  "hearing-class-1",
  "hearing-class-2",
  "alternative-medicine",
] as const;

export type GuaranteeCategory = (typeof GUARANTEE_CATEGORIES)[number];
