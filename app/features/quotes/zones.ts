/*
 * Postcode → département, and the social security scheme that follows from it. Pure functions:
 * the département → zone mapping itself is tariff data (tariff-data.ts, table
 * tariff_departement_zones), so that a new tariff version may move a département.
 */

export type Scheme = "GENERAL" | "ALSACE_MOSELLE";

/** Départements of the Alsace-Moselle local scheme (Bas-Rhin, Haut-Rhin, Moselle). */
const ALSACE_MOSELLE_DEPARTEMENTS: ReadonlySet<string> = new Set(["57", "67", "68"]);

/** Overseas départements priced online (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte). */
const OVERSEAS = new Set(["971", "972", "973", "974", "976"]);

const POSTCODE_PATTERN = /^\d{5}$/;

/**
 * The département of a French postcode, or null when the postcode is not a metropolitan or
 * overseas département one (Monaco 980xx, Saint-Pierre-et-Miquelon 975xx, Pacific territories 98xxx,
 * 00xxx, 96xxx). Corsica: 200xx–201xx is Corse-du-Sud (2A), 202xx–206xx Haute-Corse (2B).
 * Saint-Barthélemy and Saint-Martin use 971xx postcodes and follow Guadeloupe.
 */
export function departementOfPostcode(postcode: string): string | null {
  if (!POSTCODE_PATTERN.test(postcode)) return null;
  const two = postcode.slice(0, 2);
  if (two === "00" || two === "96" || two === "98" || two === "99") return null;
  if (two === "97") {
    const three = postcode.slice(0, 3);
    return OVERSEAS.has(three) ? three : null;
  }
  if (two === "20") {
    const third = Number(postcode[2]);
    if (third <= 1) return "2A";
    if (third <= 6) return "2B";
    return null;
  }
  return two;
}

export function schemeOfDepartement(departement: string): Scheme {
  return ALSACE_MOSELLE_DEPARTEMENTS.has(departement) ? "ALSACE_MOSELLE" : "GENERAL";
}
