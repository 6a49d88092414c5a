import { describe, expect, it } from "vitest";
import { closeFormSchema, parisLocalToDate } from "./admin-view.server";

describe("parisLocalToDate", () => {
  it("reads a datetime-local value as Paris civil time, winter and summer", () => {
    expect(parisLocalToDate("2026-11-28T14:30")?.toISOString()).toBe("2026-11-28T13:30:00.000Z");
    expect(parisLocalToDate("2026-07-01T00:00")?.toISOString()).toBe("2026-06-30T22:00:00.000Z");
    expect(parisLocalToDate("2026-07-01T00:00:30")?.toISOString()).toBe("2026-06-30T22:00:30.000Z");
  });

  it("handles the daylight-saving changes", () => {
    // 02:30 does not exist on the spring change: it lands an hour later, at 03:30 summer time.
    expect(parisLocalToDate("2026-03-29T02:30")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(parisLocalToDate("2026-03-29T03:00")?.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(parisLocalToDate("2026-10-25T04:00")?.toISOString()).toBe("2026-10-25T03:00:00.000Z");
  });

  it("refuses what is not a real date and time", () => {
    for (const value of ["", "2026-02-30T10:00", "2026-11-28", "2026-11-28T24:00", "2026-11-28T10:60", "1999-12-31T10:00", "28/11/2026 14:30"]) {
      expect(parisLocalToDate(value), value).toBeNull();
    }
  });
});

describe("closeFormSchema", () => {
  const valid = { mode: "CLOSED", services: ["devis-en-ligne"], reason: "Mise à jour du tarif", publicMessage: "De retour demain." };

  it("accepts a complete form", () => {
    expect(closeFormSchema.safeParse(valid).success).toBe(true);
  });

  it("explains each refusal in French", () => {
    const messages = (input: unknown) => closeFormSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ ...valid, services: [] })).toEqual(["Choisissez au moins un service."]);
    expect(messages({ ...valid, services: ["inconnu"] })).toEqual(["Un des services choisis est inconnu."]);
    expect(messages({ ...valid, reason: " a " })).toEqual(["Le motif doit compter au moins 3 caractères."]);
    expect(messages({ ...valid, publicMessage: undefined })).toEqual(["Rédigez le message affiché au public."]);
    expect(messages({ ...valid, expectedReturnAt: "2020-01-01T10:00" })).toEqual(["Le retour prévu doit être dans le futur."]);
  });
});
