/*
 * Recommendation of a formula from what matters to the prospect. A policy, not a price: it only
 * highlights one column of the comparison, the prospect chooses. Each need names the lowest
 * formula whose guarantee for it is clearly above the basic cover (DOMAIN.md § Synthetic formulas):
 * specialists' over-fees (200 % BR from F3), hospital private room (from F2), dental prostheses
 * (300 % BR from F3), glasses (350 € from F3), hearing aids (800 € per ear from F3), alternative
 * medicine (from F2). Three or more of the demanding needs together point to F4.
 */

export const NEEDS = ["specialistes", "hopital", "dentaire", "optique", "audition", "medecines-douces"] as const;
export type Need = (typeof NEEDS)[number];

export const NEED_LABELS: Record<Need, string> = {
  specialistes: "Médecins spécialistes (dépassements d’honoraires)",
  hopital: "Hôpital",
  dentaire: "Dentaire",
  optique: "Optique (lunettes, lentilles)",
  audition: "Audition",
  "medecines-douces": "Médecines douces (ostéopathie…)",
};

/** Guarantee line shown for each need in the comparison (guarantee_lines.category). */
export const NEED_CATEGORY: Record<Need, string> = {
  specialistes: "doctor-optam",
  hopital: "hospital-private-room",
  dentaire: "dental-prosthesis-other",
  optique: "optics-class-b",
  audition: "hearing-class-2",
  "medecines-douces": "alternative-medicine",
};

const LEVEL: Record<Need, number> = {
  specialistes: 3,
  hopital: 2,
  dentaire: 3,
  optique: 3,
  audition: 3,
  "medecines-douces": 2,
};

/** The formula recommended when nothing is ticked: the balanced one. */
const DEFAULT_RECOMMENDATION = "F2";

export function recommendFormula(needs: readonly Need[]): "F1" | "F2" | "F3" | "F4" {
  const unique = [...new Set(needs)];
  if (unique.length === 0) return DEFAULT_RECOMMENDATION;
  const demanding = unique.filter((n) => LEVEL[n] >= 3).length;
  if (demanding >= 3) return "F4";
  const level = Math.max(...unique.map((n) => LEVEL[n]));
  return level >= 3 ? "F3" : "F2";
}
