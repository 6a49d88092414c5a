import type { FactorKind, Tariff } from "./tariff";

/*
 * The synthetic tariff of DOMAIN.md § Synthetic tariff, as seed data for `tariff_versions` and
 * its child tables (ensure-tariff.server.ts writes it). The engine never reads this file: prices
 * come from the database, so a new tariff is a new version row, not a code change.
 */

export type TariffVersionSpec = {
  code: string;
  label: string;
  validFrom: string;
  validTo: string | null;
  childMaxAge: number;
  adultMinAge: number;
  freeChildFromRank: number;
  bands: readonly { personKind: "CHILD" | "ADULT"; minAge: number; maxAge: number | null; monthlyCents: number }[];
  factors: readonly { kind: "FORMULA" | "ZONE" | "SCHEME"; key: string; multiplierPermille: number }[];
  departementZones: Readonly<Record<string, string>>;
};

/** Île-de-France: the highest care costs. */
const Z4 = ["75", "77", "78", "91", "92", "93", "94", "95"];
/** Large metropolitan areas, Corsica and the overseas départements (higher prices of care). */
const Z3 = ["06", "13", "31", "33", "34", "38", "44", "59", "67", "69", "74", "2A", "2B", "971", "972", "973", "974", "976"];
/** Rural départements with lower care costs. */
const Z1 = ["03", "08", "09", "12", "15", "19", "23", "32", "36", "43", "46", "48", "52", "55", "58", "61", "70", "82"];

function metropolitanDepartements(): string[] {
  const codes: string[] = [];
  for (let n = 1; n <= 95; n++) {
    if (n === 20) {
      codes.push("2A", "2B");
      continue;
    }
    codes.push(String(n).padStart(2, "0"));
  }
  return codes;
}

function zoneMap(): Record<string, string> {
  const map: Record<string, string> = {};
  for (const d of [...metropolitanDepartements(), "971", "972", "973", "974", "976"]) map[d] = "Z2";
  for (const d of Z1) map[d] = "Z1";
  for (const d of Z3) map[d] = "Z3";
  for (const d of Z4) map[d] = "Z4";
  return map;
}

const euros = (e: number) => Math.round(e * 100);

export const TARIFF_2026: TariffVersionSpec = {
  code: "2026-01",
  label: "Tarif 2026",
  validFrom: "2026-01-01",
  validTo: null,
  childMaxAge: 25,
  adultMinAge: 18,
  freeChildFromRank: 3,
  bands: [
    { personKind: "CHILD", minAge: 0, maxAge: 25, monthlyCents: euros(22) },
    { personKind: "ADULT", minAge: 18, maxAge: 24, monthlyCents: euros(35) },
    { personKind: "ADULT", minAge: 25, maxAge: 29, monthlyCents: euros(40) },
    { personKind: "ADULT", minAge: 30, maxAge: 39, monthlyCents: euros(48) },
    { personKind: "ADULT", minAge: 40, maxAge: 49, monthlyCents: euros(58) },
    { personKind: "ADULT", minAge: 50, maxAge: 54, monthlyCents: euros(70) },
    { personKind: "ADULT", minAge: 55, maxAge: 59, monthlyCents: euros(82) },
    { personKind: "ADULT", minAge: 60, maxAge: 64, monthlyCents: euros(96) },
    { personKind: "ADULT", minAge: 65, maxAge: 69, monthlyCents: euros(112) },
    { personKind: "ADULT", minAge: 70, maxAge: 74, monthlyCents: euros(128) },
    { personKind: "ADULT", minAge: 75, maxAge: 79, monthlyCents: euros(145) },
    { personKind: "ADULT", minAge: 80, maxAge: null, monthlyCents: euros(160) },
  ],
  factors: [
    { kind: "FORMULA", key: "F1", multiplierPermille: 750 },
    { kind: "FORMULA", key: "F2", multiplierPermille: 1000 },
    { kind: "FORMULA", key: "F3", multiplierPermille: 1350 },
    { kind: "FORMULA", key: "F4", multiplierPermille: 1800 },
    { kind: "ZONE", key: "Z1", multiplierPermille: 900 },
    { kind: "ZONE", key: "Z2", multiplierPermille: 1000 },
    { kind: "ZONE", key: "Z3", multiplierPermille: 1100 },
    { kind: "ZONE", key: "Z4", multiplierPermille: 1200 },
    { kind: "SCHEME", key: "GENERAL", multiplierPermille: 1000 },
    { kind: "SCHEME", key: "ALSACE_MOSELLE", multiplierPermille: 750 },
  ],
  departementZones: zoneMap(),
};

export const TARIFF_VERSIONS: readonly TariffVersionSpec[] = [TARIFF_2026];

/** The engine's view of a version spec (tests, benchmark); the server builds the same from rows. */
export function tariffFromSpec(spec: TariffVersionSpec, versionId = spec.code): Tariff {
  const factors: Record<FactorKind, Record<string, number>> = { FORMULA: {}, ZONE: {}, SCHEME: {} };
  for (const f of spec.factors) factors[f.kind][f.key] = f.multiplierPermille;
  return {
    versionId,
    code: spec.code,
    validFrom: spec.validFrom,
    validTo: spec.validTo,
    childMaxAge: spec.childMaxAge,
    adultMinAge: spec.adultMinAge,
    freeChildFromRank: spec.freeChildFromRank,
    bands: spec.bands,
    factors,
    departementZones: spec.departementZones,
  };
}
