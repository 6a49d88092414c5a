import { describe, expect, it } from "vitest";
import { euros, explainLine } from "./explain";

describe("euros", () => {
  it.each([
    [0, "0\u00a0€"],
    [900, "9\u00a0€"],
    [3150, "31,50\u00a0€"],
    [5, "0,05\u00a0€"],
    [150_000, "1\u202f500\u00a0€"],
    [123_456_789, "1\u202f234\u202f567,89\u00a0€"],
    [-2_000, "−20\u00a0€"],
  ])("%i cents → %s", (cents, text) => {
    expect(euros(cents)).toBe(text);
  });

  it("reads like Intl's French format", () => {
    const intl = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: 2 });
    for (const cents of [1, 99, 100_001, 9_999_999]) {
      expect(euros(cents).replace(/,00(?=\u00a0)/, "")).toBe(intl.format(cents / 100).replace(/,00(?=\u00a0)/, ""));
    }
  });
});

describe("explainLine", () => {
  it("tells the member who paid what, which guarantee line applied and what remains", () => {
    const text = explainLine({
      care: "Consultation de médecin généraliste du 10/03/2026 (Dr Martin)",
      realCostCents: 3000,
      secu: { baseCents: 3000, ratePct: 70, paidCents: 1900 },
      participationCents: 200,
      franchiseCents: 0,
      guaranteeLabel: "Médecins adhérents OPTAM",
      basisText: "100\u00a0% de la base Sécu, part de la Sécu comprise",
      amcCents: 900,
      resteAChargeCents: 200,
      limitNote: null,
      ceilingNote: "Plafond de 1\u202f000\u00a0€ par an : il vous reste 640\u00a0€ cette année.",
      responsible: true,
    });
    expect(text).toBe(
      "Consultation de médecin généraliste du 10/03/2026 (Dr Martin) : vous avez payé 30\u00a0€. " +
        "La Sécurité sociale a versé 19\u00a0€ (base de remboursement 30\u00a0€ à 70\u00a0%, moins 2\u00a0€ de participation forfaitaire). " +
        "Ligne de garantie « Médecins adhérents OPTAM » (100\u00a0% de la base Sécu, part de la Sécu comprise) : Bascule vous rembourse 9\u00a0€. " +
        "Plafond de 1\u202f000\u00a0€ par an : il vous reste 640\u00a0€ cette année. Reste à votre charge : 2\u00a0€. " +
        "La participation forfaitaire et les franchises restent toujours à la charge de l’assuré : la loi interdit aux contrats responsables de les rembourser.",
    );
  });
});
