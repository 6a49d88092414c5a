import { describe, expect, it } from "vitest";
import { TARIFF_2026 } from "./tariff-data";
import { departementOfPostcode, schemeOfDepartement } from "./zones";

describe("postcode → département", () => {
  it.each([
    ["83000", "83"],
    ["75011", "75"],
    ["01000", "01"],
    ["20000", "2A"],
    ["20190", "2A"],
    ["20200", "2B"],
    ["20600", "2B"],
    ["97110", "971"],
    ["97133", "971"],
    ["97200", "972"],
    ["97300", "973"],
    ["97400", "974"],
    ["97600", "976"],
    ["57000", "57"],
  ])("%s is in %s", (postcode, departement) => {
    expect(departementOfPostcode(postcode)).toBe(departement);
  });

  it.each(["", "8300", "830000", "8300A", "00100", "20700", "97500", "98000", "96000", " 83000", "８３０００"])(
    "%j has no département priced online",
    (postcode) => {
      expect(departementOfPostcode(postcode)).toBeNull();
    },
  );

  it("puts the Alsace-Moselle départements in the local scheme", () => {
    expect(["57", "67", "68"].map(schemeOfDepartement)).toEqual(["ALSACE_MOSELLE", "ALSACE_MOSELLE", "ALSACE_MOSELLE"]);
    expect(schemeOfDepartement("83")).toBe("GENERAL");
    expect(schemeOfDepartement("2A")).toBe("GENERAL");
  });

  it("gives every département a postcode reaches a zone: Île-de-France Z4, the Var Z2", () => {
    const zones = TARIFF_2026.departementZones;
    for (let n = 1000; n < 99999; n += 97) {
      const d = departementOfPostcode(String(n).padStart(5, "0"));
      if (d) expect(zones[d], d).toMatch(/^Z[1-4]$/);
    }
    for (const d of ["75", "77", "78", "91", "92", "93", "94", "95"]) expect(zones[d]).toBe("Z4");
    expect(zones["83"]).toBe("Z2");
    expect(Object.keys(zones)).toHaveLength(101);
  });
});
