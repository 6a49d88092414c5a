import { describe, expect, it } from "vitest";
import { explainLine } from "./explain";

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
      ceilingNote: "Plafond de 1\u202f000,00\u00a0€ par an : il vous reste 640,00\u00a0€ cette année.",
      responsible: true,
    });
    expect(text).toBe(
      "Consultation de médecin généraliste du 10/03/2026 (Dr Martin) : vous avez payé 30,00\u00a0€. " +
        "La Sécurité sociale a versé 19,00\u00a0€ (base de remboursement 30,00\u00a0€ à 70\u00a0%, moins 2,00\u00a0€ de participation forfaitaire). " +
        "Ligne de garantie « Médecins adhérents OPTAM » (100\u00a0% de la base Sécu, part de la Sécu comprise) : Bascule vous rembourse 9,00\u00a0€. " +
        "Plafond de 1\u202f000,00\u00a0€ par an : il vous reste 640,00\u00a0€ cette année. Reste à votre charge : 2,00\u00a0€. " +
        "La participation forfaitaire et les franchises restent toujours à la charge de l’assuré : la loi interdit aux contrats responsables de les rembourser.",
    );
  });
});
