import { describe, expect, it } from "vitest";
import { noticeFrom } from "./notice";

const NOTICES = { cree: "Le lot a été créé.", paye: "Le lot est marqué payé." } as const;
const at = (query: string) => new Request(`https://bascule.example/admin/paiements/1${query}`);

describe("noticeFrom", () => {
  it.each([
    ["?ok=cree", "Le lot a été créé."],
    ["?ok=paye&x=1", "Le lot est marqué payé."],
    ["", null],
    ["?ok=", null],
    ["?ok=inconnu", null],
    ["?ok=Votre%20compte%20est%20bloqu%C3%A9", null],
    ["?ok=%3Cscript%3E", null],
    ["?ok=constructor", null],
    ["?ok=toString", null],
    ["?ok=__proto__", null],
    ["?ok=hasOwnProperty", null],
    ["?OK=cree", null],
  ])("%s gives %s", (query, expected) => {
    expect(noticeFrom(at(query), NOTICES)).toBe(expected);
  });

  it("reads another parameter when asked, from a request or a URL", () => {
    expect(noticeFrom(new URL("https://bascule.example/connexion?info=cree"), NOTICES, "info")).toBe("Le lot a été créé.");
    expect(noticeFrom(at("?ok=cree"), NOTICES, "info")).toBeNull();
  });
});
