import { describe, expect, it } from "vitest";
import { type ClaimStatus, claimStatusMail } from "./claim-mail";

const facts = (status: ClaimStatus, extra: { amcCents?: number; reason?: string } = {}) => ({
  to: "marie.dupont@exemple.fr",
  claimNumber: "RB-2026-0000123",
  status,
  beneficiaryFirstName: "Léa",
  amcCents: extra.amcCents ?? 900,
  reason: extra.reason ?? null,
  origin: "https://www.bascule.example",
});

describe("claimStatusMail", () => {
  it("tells the member the amount when the claim is accepted, with a link and no health detail", () => {
    const mail = claimStatusMail(facts("VALUATED"))!;
    expect(mail.subject).toBe("Demande de remboursement RB-2026-0000123 acceptée");
    expect(mail.text).toContain("9,00\u00a0€");
    expect(mail.text).toContain("https://www.bascule.example/espace/remboursements/RB-2026-0000123");
    expect(mail.template).toBe("claims.valuated");
    expect(mail.to).toBe("marie.dupont@exemple.fr");
  });

  it.each([
    ["REVIEW", "gestionnaire"],
    ["PAID", "viré"],
    ["SUBMITTED", "bien reçu"],
  ] as const)("%s", (status, words) => {
    expect(claimStatusMail(facts(status))!.text).toContain(words);
  });

  it("carries the handler's reason for a refusal or a missing document", () => {
    expect(claimStatusMail(facts("REJECTED", { reason: "Soins non couverts par le contrat." }))!.text).toContain("Motif : Soins non couverts par le contrat.");
    expect(claimStatusMail(facts("RETURNED", { reason: "Joignez la facture." }))!.text).toContain("Joignez la facture.");
  });

  it("says so when nothing is paid, and sends nothing for the intermediate CHECKED step", () => {
    expect(claimStatusMail(facts("VALUATED", { amcCents: 0 }))!.text).toContain("ne donnent pas lieu à un remboursement");
    expect(claimStatusMail(facts("CHECKED"))).toBeNull();
  });
});
