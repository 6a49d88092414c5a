import { describe, expect, it } from "vitest";
import { checkPassword } from "./password-policy.server";

describe("checkPassword", () => {
  it.each([
    ["short", "court", [], "too-short"],
    ["11 characters", "abcdefghijk", [], "too-short"],
    ["too long", "a".repeat(257), [], "too-long"],
    ["leaked list", "password1234", [], "common"],
    ["leaked list, any case", "PASSWORD1234", [], "common"],
    ["French favourite", "azertyuiop123", [], "common"],
    ["French favourite with separators", "mot-de-passe-123", [], "common"],
    ["repetitive", "aaaaaaaaaaaaaaa", [], "repetitive"],
    ["contains e-mail local part", "camille.durand2026!", ["camille.durand"], "personal"],
    ["contains last name", "jaimebeaucoupdurand", ["Durand"], "personal"],
    ["a passphrase", "cheval correct agrafe batterie", ["camille"], null],
    ["accents count once per character", "éléphant rosé", [], null],
    ["no composition rule", "toutenminusculesansrien", [], null],
  ])("%s", (_name, password, personal, expected) => {
    expect(checkPassword(password, personal)).toBe(expected);
  });
});
