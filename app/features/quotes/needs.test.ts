import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NEEDS, type Need, recommendFormula } from "./needs";

describe("formula recommendation", () => {
  it.each<[Need[], string]>([
    [[], "F2"],
    [["hopital"], "F2"],
    [["medecines-douces", "hopital"], "F2"],
    [["optique"], "F3"],
    [["specialistes", "hopital"], "F3"],
    [["dentaire", "optique"], "F3"],
    [["dentaire", "optique", "audition"], "F4"],
    [["specialistes", "dentaire", "optique", "audition", "hopital", "medecines-douces"], "F4"],
    [["optique", "optique", "optique"], "F3"],
  ])("%j → %s", (needs, formula) => {
    expect(recommendFormula(needs)).toBe(formula);
  });

  it("never recommends a lower formula when a need is added", () => {
    const needs = fc.subarray([...NEEDS]);
    fc.assert(
      fc.property(needs, fc.constantFrom(...NEEDS), (base, extra) => {
        expect(recommendFormula([...base, extra]) >= recommendFormula(base)).toBe(true);
      }),
    );
  });
});
