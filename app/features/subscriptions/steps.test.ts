import { describe, expect, it } from "vitest";
import { STEPS, canOpen, furthestReachable, nextStep, progressFor } from "./steps";

describe("subscription steps", () => {
  it("has six steps, the entry first and the signature last", () => {
    expect(STEPS.map((s) => s.key)).toEqual(["devis", "personnes", "adresse", "banque", "documents", "signature"]);
    expect(STEPS.every((s) => s.path.startsWith("/adhesion"))).toBe(true);
  });

  it("opens only steps whose predecessors are complete", () => {
    expect(furthestReachable({})).toBe("devis");
    expect(canOpen("personnes", {})).toBe(false);
    const done = { devis: true, personnes: true };
    expect(furthestReachable(done)).toBe("adresse");
    expect(canOpen("adresse", done)).toBe(true);
    expect(canOpen("banque", done)).toBe(false);
    // A gap blocks everything after it, even if later steps hold data.
    expect(furthestReachable({ devis: true, adresse: true, banque: true })).toBe("personnes");
  });

  it("ends on the signature once everything before it is done", () => {
    expect(furthestReachable({ devis: true, personnes: true, adresse: true, banque: true, documents: true })).toBe("signature");
    expect(nextStep("documents")).toBe("signature");
    expect(nextStep("signature")).toBe("signature");
  });

  it("describes the progress in words and marks the current step", () => {
    const progress = progressFor("personnes", { devis: true });
    expect(progress.caption).toBe("Étape 2 sur 6");
    expect(progress.items.map((i) => i.state)).toEqual(["done", "current", "upcoming", "upcoming", "upcoming", "upcoming"]);
    expect(progress.items.filter((i) => i.linkable).map((i) => i.key)).toEqual(["devis"]);
  });
});
