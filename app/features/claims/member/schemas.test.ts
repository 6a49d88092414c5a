import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { claimFormSchema, parseEuros } from "./schemas";

const TODAY = "2026-06-15";
const BENEFICIARY = "0b7f3c1e-6d2a-4c8b-9f1e-2a3b4c5d6e7f";

function parse(fields: Record<string, string>) {
  const form = new FormData();
  const base: Record<string, string> = {
    beneficiaryId: BENEFICIARY,
    category: "GP",
    careDate: "2026-06-10",
    providerName: "Dr Martin",
    providerOptam: "oui",
    realCost: "30,00",
    secuCovered: "oui",
    secuBase: "30",
    secuRate: "70",
    secuPaid: "19",
  };
  for (const [k, v] of Object.entries({ ...base, ...fields })) if (v !== "") form.set(k, v);
  return parseWithZod(form, { schema: claimFormSchema(TODAY) });
}

function errorsOf(fields: Record<string, string>): Record<string, string[]> {
  const submission = parse(fields);
  expect(submission.status).toBe("error");
  return (submission.reply().error ?? {}) as Record<string, string[]>;
}

describe("parseEuros", () => {
  it.each([
    ["30", 3_000],
    ["30,5", 3_050],
    ["30,50", 3_050],
    ["30.05", 3_005],
    ["1 234,56", 123_456],
    ["1\u202f234,56 €", 123_456],
    ["-2", -200],
    ["30,123", null],
    ["trente", null],
    ["1e3", null],
    ["", null],
  ])("%j → %s", (input, cents) => {
    expect(parseEuros(input)).toBe(cents);
  });
});

describe("claimFormSchema", () => {
  it("turns the GP example into the engine's line", () => {
    const submission = parse({ invoiceNumber: "F-2026/001" });
    expect(submission.status).toBe("success");
    if (submission.status !== "success") return;
    expect(submission.value).toEqual({
      beneficiaryId: BENEFICIARY,
      invoiceNumber: "F-2026/001",
      line: {
        category: "GP",
        careDate: "2026-06-10",
        realCostCents: 3_000,
        secu: { covered: true, baseCents: 3_000, ratePct: 70, paidCents: 1_900 },
        providerName: "Dr Martin",
        providerOptam: true,
      },
    });
  });

  it.each([
    [{ realCost: "30,123" }, "realCost", "2 chiffres après la virgule"],
    [{ realCost: "-30" }, "realCost", "négatif"],
    [{ realCost: "100000,01" }, "realCost", "100 000 €"],
    [{ realCost: "0" }, "realCost", "supérieur à 0"],
    [{ realCost: "<script>" }, "realCost", "montant en euros"],
    [{ secuPaid: "22" }, "secuPaid", "base de remboursement multipliée par le taux"],
    [{ realCost: "10", secuBase: "30", secuPaid: "19" }, "secuPaid", "ne peut pas dépasser le montant que vous avez payé"],
    [{ secuRate: "170" }, "secuRate", "entre 1 et 100"],
    [{ careDate: "2026-06-16" }, "careDate", "futur"],
    [{ careDate: "1899-12-31" }, "careDate", "1900"],
    [{ careDate: "31/12/2025" }, "careDate", "jj/mm/aaaa"],
    [{ providerName: "x".repeat(121) }, "providerName", "trop long"],
    [{ beneficiaryId: "<img src=x>" }, "beneficiaryId", "personne"],
    [{ category: "SPA" }, "category", "type de soins"],
    [{ providerOptam: "" }, "providerOptam", "OPTAM"],
    [{ invoiceNumber: "<b>1</b>" }, "invoiceNumber", "lettres, des chiffres"],
    [{ secuBase: "" }, "secuBase", "base de remboursement"],
  ])("refuses %j on %s in French", (fields, field, message) => {
    expect(errorsOf(fields)[field]?.join(" ")).toContain(message);
  });

  it("reports every mistake at once, in French", () => {
    const errors = errorsOf({ beneficiaryId: "", category: "", careDate: "", providerName: "", realCost: "30,123", secuPaid: "99", invoiceNumber: "<i>", providerOptam: "x".repeat(500) });
    expect(Object.keys(errors).sort()).toEqual(["beneficiaryId", "careDate", "category", "invoiceNumber", "providerName", "providerOptam", "realCost", "secuPaid"]);
    expect(errors.providerOptam?.[0]).toContain("trop long");
  });

  it("asks for the category's own fields and ignores the other categories' ones", () => {
    const optics = errorsOf({ category: "OPTICS", opticsClass: "B", hospitalDays: "n'importe quoi" });
    expect(optics.lensComplexity?.[0]).toContain("complexité");
    expect(optics.hospitalDays).toBeUndefined();
    expect(errorsOf({ category: "PHARMACY" }).pharmacyRate?.[0]).toContain("taux");
    expect(errorsOf({ category: "HEARING_AID" }).ear?.[0]).toContain("oreille");
    expect(errorsOf({ category: "DENTAL_PROSTHESIS" }).dentalBasket?.[0]).toContain("panier");
    expect(errorsOf({ category: "HOSPITAL", hospitalDays: "3", privateRoomDays: "9" }).privateRoomDays?.[0]).toContain("durée du séjour");
    expect(errorsOf({ category: "OPTICS", opticsClass: "A", frameCost: "40" }).frameCost?.[0]).toContain("monture");
  });

  it("needs no Sécu figures when Sécu paid nothing", () => {
    const submission = parse({ category: "ALTERNATIVE_MEDICINE", secuCovered: "non", secuBase: "", secuRate: "", secuPaid: "", sessions: "2" });
    expect(submission.status).toBe("success");
    if (submission.status === "success") expect(submission.value.line).toMatchObject({ secu: { covered: false }, sessions: 2 });
  });
});
