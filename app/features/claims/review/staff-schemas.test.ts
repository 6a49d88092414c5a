import { describe, expect, it } from "vitest";
import { adjustLineSchema, queueQuerySchema, rejectClaimSchema, returnClaimSchema } from "./staff-schemas";

describe("staff claim forms", () => {
  it("turns a French amount into cents and refuses more than 2 decimals or a negative amount", () => {
    const parse = (amount: string) =>
      adjustLineSchema.safeParse({ intent: "adjust", lineNo: "1", amount, reason: "Devis joint au dossier" });
    expect(parse("24,50").data?.amount).toBe(2_450);
    expect(parse("1 100").data?.amount).toBe(110_000);
    expect(parse("0").data?.amount).toBe(0);
    expect(parse("24,505").error?.issues[0]?.message).toMatch(/2 décimales au plus/);
    expect(parse("-3").error?.issues[0]?.message).toBe("Le montant ne peut pas être négatif.");
    expect(parse("douze").success).toBe(false);
  });

  it("requires a reason for an adjustment and a rejection, and a known missing document for a return", () => {
    expect(adjustLineSchema.safeParse({ intent: "adjust", lineNo: "1", amount: "3", reason: " " }).success).toBe(false);
    expect(rejectClaimSchema.safeParse({ intent: "reject", reason: "non" }).error?.issues[0]?.message).toMatch(/5 caractères au moins/);
    expect(rejectClaimSchema.safeParse({ intent: "reject", reason: "x".repeat(501) }).success).toBe(false);
    expect(returnClaimSchema.safeParse({ intent: "return", missing: "PASSPORT" }).success).toBe(false);
    expect(returnClaimSchema.safeParse({ intent: "return", missing: "INVOICE", message: "" }).data).toEqual({
      intent: "return",
      missing: "INVOICE",
      message: null,
    });
  });

  it("reads queue filters forgivingly: unknown values show everything", () => {
    expect(queueQuerySchema.parse({ statut: "PAID", motif: "<script>", age: "hier", min: "abc", page: "-4" })).toEqual({
      statut: undefined,
      motif: undefined,
      age: undefined,
      min: undefined,
      max: undefined,
      page: 1,
    });
    expect(
      queueQuerySchema.parse({ statut: "RETURNED", motif: "HIGH_AMOUNT", age: "plus-48h", min: "150", max: "1 000,50", page: "3" }),
    ).toEqual({
      statut: "RETURNED",
      motif: "HIGH_AMOUNT",
      age: "plus-48h",
      min: 15_000,
      max: 100_050,
      page: 3,
    });
  });
});
