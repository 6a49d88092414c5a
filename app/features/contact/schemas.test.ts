import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { characterCount, contactSchema, MESSAGE_MAX_LENGTH, normalizeMessage } from "./schemas";

const valid = {
  category: "REIMBURSEMENT",
  message: "Bonjour, je n’ai pas reçu le remboursement de ma consultation du 3 mars.",
  email: "Marie.Durand@Exemple.fr",
  memberNumber: "",
};

function parse(overrides: Record<string, unknown>) {
  return contactSchema.safeParse({ ...valid, ...overrides });
}

function errorsOf(overrides: Record<string, unknown>): Record<string, string[]> {
  const result = parse(overrides);
  if (result.success) return {};
  const out: Record<string, string[]> = {};
  for (const issue of result.error.issues) (out[String(issue.path[0])] ??= []).push(issue.message);
  return out;
}

describe("contact form schema", () => {
  it("accepts a normal message and normalises it", () => {
    const result = parse({ message: "  Bonjour,\r\nune question\rsur ma cotisation de mars.  ", memberNumber: " a0000-0018 " });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      message: "Bonjour,\nune question\nsur ma cotisation de mars.",
      email: "marie.durand@exemple.fr",
      memberNumber: "A00000018",
    });
  });

  it("treats an empty member number as absent", () => {
    expect(parse({ memberNumber: "" }).data?.memberNumber).toBeUndefined();
    expect(parse({ memberNumber: undefined }).data?.memberNumber).toBeUndefined();
  });

  it("refuses messages that are too short or too long, counting characters as people do", () => {
    expect(errorsOf({ message: "Trop court." }).message?.[0]).toMatch(/au moins 20 caractères/);
    expect(parse({ message: "é".repeat(MESSAGE_MAX_LENGTH) }).success).toBe(true);
    expect(errorsOf({ message: "é".repeat(MESSAGE_MAX_LENGTH + 1) }).message?.[0]).toMatch(/au plus 3000 caractères/);
    // 3,000 emoji are 6,000 UTF-16 units but 3,000 characters.
    expect(parse({ message: "💥".repeat(MESSAGE_MAX_LENGTH) }).success).toBe(true);
    expect(characterCount("💥é")).toBe(2);
  });

  it("refuses control characters and bidirectional overrides, keeps tabs and line breaks", () => {
    for (const bad of ["\u0000", "\u0007", "\u001B[31m", "\u007F", "\u0085", "\u202E", "\u2066", "\uFEFF"]) {
      expect(errorsOf({ message: `Bonjour, voici mon message ${bad} complet.` }).message?.[0], JSON.stringify(bad)).toMatch(/caractères invisibles ou de contrôle/);
    }
    expect(parse({ message: "Bonjour,\n\tvoici mon message complet." }).success).toBe(true);
  });

  it("requires a category among the listed ones", () => {
    expect(errorsOf({ category: undefined }).category?.[0]).toBe("Choisissez le sujet de votre message.");
    expect(errorsOf({ category: "ADMIN" }).category?.[0]).toBe("Choisissez le sujet de votre message.");
  });

  it("requires a valid e-mail address", () => {
    expect(errorsOf({ email: "" }).email?.[0]).toBe("Saisissez votre adresse e-mail.");
    expect(errorsOf({ email: "pas-une-adresse" }).email?.[0]).toMatch(/adresse e-mail valide/);
    expect(errorsOf({ email: `${"a".repeat(250)}@b.fr` }).email?.[0]).toMatch(/trop longue/);
  });

  it("checks the member number's key without looking anything up", () => {
    expect(parse({ memberNumber: "A00000026" }).success).toBe(true);
    expect(errorsOf({ memberNumber: "A00000019" }).memberNumber?.[0]).toMatch(/n’est pas valide/);
    expect(errorsOf({ memberNumber: "<script>" }).memberNumber?.[0]).toMatch(/n’est pas valide/);
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("category", "message", "email", "memberNumber", "altcha", "x"), fc.oneof(fc.string({ unit: "binary" }), fc.string(), fc.anything())), (input) => {
        expect(() => contactSchema.safeParse(input)).not.toThrow();
      }),
    );
  });

  it("normalises to NFC so that the stored text compares as displayed", () => {
    expect(normalizeMessage("e\u0301")).toBe("é");
  });
});
