import { describe, expect, it } from "vitest";
import type { FormulaCode } from "~/features/members";
import { isValidIban, isValidMemberNumber, isValidNir, isValidSiret } from "~/platform/identifiers/identifiers";
import { DEMO_KARIM, DEMO_MARIE } from "./demo-accounts";
import { DemoGenerator, addYears } from "./generator";
import { FICTION_MOBILE_BLOCK, HOMES } from "./geography";
import {
  type Household,
  draftEmployers,
  marieHousehold,
  pickEmployer,
  randomHousehold,
  singleMemberHousehold,
} from "./households";

const TODAY = "2025-11-30";
const FORMULA_IDS = new Map<FormulaCode, string>([
  ["F1", "formula-F1"],
  ["F2", "formula-F2"],
  ["F3", "formula-F3"],
  ["F4", "formula-F4"],
]);

function generator(seed: number): DemoGenerator {
  let next = 0;
  return new DemoGenerator(seed, TODAY, () => `id-${++next}`);
}

/** What the seed does: employers first, then households, some of them collective. */
function population(seed: number, count: number): Household[] {
  const g = generator(seed);
  const employers = draftEmployers(g, 6);
  return Array.from({ length: count }, (_, i) => randomHousehold(g, i + 5, FORMULA_IDS, g.chance(0.4) ? pickEmployer(g, employers) : null));
}

const households = population(42, 400);
const everyone = households.flatMap((h) => h.persons);

describe("demo household generators", () => {
  it("give the same households for the same seed, and others for another seed", () => {
    expect(population(42, 400)).toEqual(households);
    expect(population(43, 400)).not.toEqual(households);
  });

  it("give every person with an own NIR a valid one, unique, matching sex and birth date", () => {
    const own = everyone.filter((p) => p.nir !== null);
    expect(own.length).toBeGreaterThan(households.length);
    for (const p of own) {
      expect(isValidNir(p.nir!)).toBe(true);
      expect(p.nir!.slice(1, 5)).toBe(p.birthDate.slice(2, 4) + p.birthDate.slice(5, 7));
      if (p.civility !== null) expect(p.nir![0]).toBe(p.civility === "Mme" ? "2" : "1");
    }
    expect(new Set(own.map((p) => p.nir)).size).toBe(own.length);
  });

  it("cover some children under 16 on a parent's NIR of the same household, by birth rank", () => {
    const onParent = households.flatMap((h) => h.persons.filter((p) => p.nir === null).map((child) => ({ h, child })));
    expect(onParent.length).toBeGreaterThan(0);
    for (const { h, child } of onParent) {
      expect(child.role).toBe("CHILD");
      expect(child.birthDate > addYears(TODAY, -16)).toBe(true);
      expect([1, 2]).toContain(child.birthRank);
      const holder = h.persons.find((p) => p.id === child.nirHolderPersonId);
      expect(holder?.role).toMatch(/^(MEMBER|SPOUSE)$/);
      expect(holder?.nir).not.toBeNull();
    }
  });

  it("give each household one member with a member number, a contract with a valid IBAN, and consistent cover dates", () => {
    for (const { contract, persons } of households) {
      const members = persons.filter((p) => p.role === "MEMBER");
      expect(members).toHaveLength(1);
      expect(isValidMemberNumber(members[0]!.memberNumber!)).toBe(true);
      expect(isValidIban(contract.iban)).toBe(true);
      expect(contract.status).toBe(contract.endDate === null ? "ACTIVE" : "TERMINATED");
      expect(contract.startDate <= TODAY).toBe(true);
      expect(contract.startDate >= addYears(members[0]!.birthDate, 18)).toBe(true);
      expect(contract.kind === "COLLECTIVE").toBe(contract.employerId !== null);
      for (const p of persons) {
        expect(p.contractId).toBe(contract.id);
        expect(p.coveredFrom).toBe(p.birthDate > contract.startDate ? p.birthDate : contract.startDate);
        expect(p.coveredTo).toBe(contract.endDate);
        // A child born after the contract ended was never on it.
        if (contract.endDate !== null) expect(p.birthDate <= contract.endDate).toBe(true);
      }
      expect(persons.filter((p) => p.role === "SPOUSE").length).toBeLessThanOrEqual(1);
    }
  });

  it("keep contact details synthetic: unique addresses on reserved domains, fiction phone blocks", () => {
    const emails = everyone.flatMap((p) => (p.email ? [p.email] : []));
    expect(emails).toHaveLength(households.length);
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of emails) expect(email).toMatch(/^[a-z0-9.-]+@(exemple\.fr|example\.org)$/);
    const blocks = new Set([FICTION_MOBILE_BLOCK, ...HOMES.flatMap((h) => (h.landline ? [h.landline] : []))]);
    for (const p of everyone) if (p.phone) expect(blocks.has(p.phone.slice(0, 8))).toBe(true);
  });

  it("use the local scheme only in Alsace-Moselle", () => {
    for (const { contract } of households) {
      if (contract.scheme === "ALSACE_MOSELLE") expect(["57", "67", "68"]).toContain(contract.departement);
    }
  });

  it("draft employers with unique valid SIRETs, weighted towards the first ones", () => {
    const g = generator(7);
    const employers = draftEmployers(g, 50);
    expect(employers[0]!.row.name).toBe(DEMO_KARIM.employerName);
    expect(employers[0]!.formulaCode).toBe(DEMO_KARIM.formulaCode);
    for (const e of employers) {
      expect(isValidSiret(e.row.siret)).toBe(true);
      expect(e.row.siren).toBe(e.row.siret.slice(0, 9));
    }
    expect(new Set(employers.map((e) => e.row.siret)).size).toBe(50);
    const picks = Array.from({ length: 2_000 }, () => pickEmployer(g, employers));
    const first = picks.filter((p) => p === employers[0]).length;
    const last = picks.filter((p) => p === employers[49]).length;
    expect(first).toBeGreaterThan(last * 5);
  });

  it("build Marie's family as the README describes it", () => {
    const g = generator(1);
    const { contract, persons } = marieHousehold(g, FORMULA_IDS);
    expect(contract).toMatchObject({ number: "CT-2019-000001", kind: "INDIVIDUAL", formulaId: "formula-F2", departement: "83", startDate: DEMO_MARIE.contractStartDate });
    const [marie, thomas, lea, hugo] = persons;
    expect(marie).toMatchObject({ role: "MEMBER", firstName: "Marie", memberNumber: DEMO_MARIE.memberNumber, email: DEMO_MARIE.email, civility: "Mme" });
    expect(thomas).toMatchObject({ role: "SPOUSE", firstName: "Thomas", civility: "M." });
    expect(lea).toMatchObject({ role: "CHILD", firstName: "Léa", nir: null, nirHolderPersonId: marie!.id, birthRank: 1 });
    expect(hugo).toMatchObject({ role: "CHILD", firstName: "Hugo", nir: null, nirHolderPersonId: thomas!.id, birthRank: 1 });
  });

  it("put a single demo member on the employer's collective contract when given one", () => {
    const g = generator(1);
    const [employer] = draftEmployers(g, 5);
    const { contract, persons } = singleMemberHousehold(g, FORMULA_IDS, DEMO_KARIM, 2, "male", employer!);
    expect(contract).toMatchObject({ kind: "COLLECTIVE", employerId: employer!.row.id, formulaId: "formula-F3", number: "CT-2016-000002" });
    expect(persons).toHaveLength(1);
    expect(persons[0]).toMatchObject({ memberNumber: DEMO_KARIM.memberNumber, email: DEMO_KARIM.email, civility: "M." });
  });
});
