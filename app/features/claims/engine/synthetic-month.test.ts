import { describe, expect, it } from "vitest";
import type { FormulaCode } from "~/features/members";
import { adjudicateClaim } from "./adjudication";
import { formulaFromCatalogue, regulatoryFromCatalogue } from "./catalogue-context";
import { ANOMALY_CODES, generateSyntheticMonth, initialHistoryByContract } from "./synthetic-month";

const regulatory = regulatoryFromCatalogue();
const formulas = new Map((["F1", "F2", "F3", "F4"] as FormulaCode[]).map((c) => [c, formulaFromCatalogue(c)]));

describe("synthetic month", () => {
  const month = generateSyntheticMonth({ seed: 7, claims: 3_000, contracts: 200, regulatory });

  it("is deterministic for a seed and keeps its claims in order of arrival", () => {
    const again = generateSyntheticMonth({ seed: 7, claims: 3_000, contracts: 200, regulatory });
    expect(again.claims.map((c) => [c.claim.receivedAt.getTime(), c.claim.lines.length, c.anomaly])).toEqual(month.claims.map((c) => [c.claim.receivedAt.getTime(), c.claim.lines.length, c.anomaly]));
    expect(month.claims).toHaveLength(3_000);
    for (let i = 1; i < month.claims.length; i++) expect(month.claims[i]!.claim.receivedAt.getTime()).toBeGreaterThanOrEqual(month.claims[i - 1]!.claim.receivedAt.getTime());
  });

  it("adjudicated in order: mostly settled, never rejected, every labelled anomaly reviewed with its reason", () => {
    const history = initialHistoryByContract(month);
    let settled = 0;
    let anomalies = 0;
    month.claims.forEach((s, index) => {
      const h = history.get(s.contractId)!;
      const result = adjudicateClaim({ claim: s.claim, beneficiary: s.beneficiary, formula: formulas.get(s.formulaCode)!, regulatory, history: h, contractBeneficiaryIds: month.contracts.find((c) => c.id === s.contractId)!.beneficiaryIds }, s.claim.receivedAt);
      expect(["AUTO_SETTLE", "REVIEW"]).toContain(result.decision);
      if (result.decision === "AUTO_SETTLE") settled++;
      if (s.anomaly) {
        anomalies++;
        expect(result.decision, s.anomaly).toBe("REVIEW");
        expect(result.reasons.map((r) => r.code)).toContain(ANOMALY_CODES[s.anomaly]);
      }
      s.claim.lines.forEach((line, i) =>
        h.push({ claimId: `c${index}`, claimNumber: `RB-${index}`, beneficiaryId: s.beneficiary.personId, channel: s.claim.channel, claimStatus: result.decision, line, amcCents: result.lines[i]!.amcCents, guaranteeCategory: result.lines[i]!.guaranteeCategory, invoiceNumber: s.claim.invoiceNumber, fileHashes: s.claim.fileHashes, receivedAt: s.claim.receivedAt }),
      );
    });
    expect(anomalies).toBeGreaterThan(30);
    expect(settled / month.claims.length).toBeGreaterThanOrEqual(0.9);
  });
});
