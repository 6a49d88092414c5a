import { describe, expect, it } from "vitest";
import { DEMO_CLAIM_FOLLOW_UPS, type DemoClaimPeople, demoClaimFilings } from "./demo-claim-filings";

const NOW = new Date("2025-11-30T10:00:00Z");
const PEOPLE: DemoClaimPeople = {
  marie: { id: "marie", contractId: "c-marie", userId: "u-marie" },
  marieHousehold: [
    { id: "marie", firstName: "Marie" },
    { id: "thomas", firstName: "Thomas" },
    { id: "lea", firstName: "Léa" },
    { id: "hugo", firstName: "Hugo" },
  ],
  karim: { id: "karim", contractId: "c-karim", userId: "u-karim" },
  others: [
    { id: "o1", contractId: "c-o1" },
    { id: "o2", contractId: "c-o2" },
    { id: "o3", contractId: "c-o3" },
  ],
};

describe("demo claim filings", () => {
  const filings = demoClaimFilings(NOW, PEOPLE);
  const byLabel = new Map(filings.map((f) => [f.label, f]));

  it("file for Marie's family on her contract, through her account", () => {
    expect(byLabel.get("lea-pharmacie")).toMatchObject({ beneficiaryId: "lea", contractId: "c-marie", userId: "u-marie" });
    expect(byLabel.get("thomas-lunettes")).toMatchObject({ beneficiaryId: "thomas", contractId: "c-marie" });
    expect(byLabel.get("hugo-courriel")).toMatchObject({ beneficiaryId: "hugo", line: null });
    expect(byLabel.get("karim-couronne")).toMatchObject({ beneficiaryId: "karim", contractId: "c-karim", userId: "u-karim" });
  });

  it("give the handlers' queue a duplicate of each other member's claim, and one e-mailed claim", () => {
    expect(filings).toHaveLength(6 + 2 * PEOPLE.others.length + 1);
    const duplicates = filings.filter((f) => f.reuseDocumentsOf !== undefined);
    expect(duplicates).toHaveLength(PEOPLE.others.length);
    for (const d of duplicates) {
      const original = byLabel.get(d.reuseDocumentsOf!)!;
      expect(filings.indexOf(original)).toBeLessThan(filings.indexOf(d));
      expect(d.line).toEqual(original.line);
      expect(d.invoiceNumber).toBe(original.invoiceNumber);
    }
    expect(byLabel.get("courriel-file")).toMatchObject({ beneficiaryId: "o1", line: null, actorLabel: "system" });
  });

  it("date every care before its receipt, and every receipt before the reference date", () => {
    expect(new Set(filings.map((f) => f.label)).size).toBe(filings.length);
    for (const f of filings) {
      expect(f.receivedDaysAgo).toBeGreaterThanOrEqual(0);
      if (f.line) expect(f.line.careDate < new Date(NOW.getTime() - f.receivedDaysAgo * 86_400_000).toISOString().slice(0, 10)).toBe(true);
    }
  });

  it("move on only claims filed online", () => {
    for (const { label } of [...DEMO_CLAIM_FOLLOW_UPS.paid, DEMO_CLAIM_FOLLOW_UPS.returned]) expect(byLabel.get(label)?.line).not.toBeNull();
  });

  it("file nothing for the queue when there are no other members", () => {
    expect(demoClaimFilings(NOW, { ...PEOPLE, others: [] })).toHaveLength(6);
  });
});
