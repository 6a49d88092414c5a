import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { safeText } from "./safe-text";

describe("safeText", () => {
  const schema = safeText().trim().min(1);

  it.each(["Bonjour", "Ligne 1\nLigne 2", "Ligne 1\r\nLigne 2", "Tabulation\tici", "Émile Zoé 😀", "l’apostrophe « française »"])("accepts %j", (value) => {
    expect(schema.safeParse(value).success).toBe(true);
  });

  it.each([
    ["NUL", "motif\u0000"],
    ["escape", "a\u001b[31mb"],
    ["DEL", "a\u007fb"],
    ["C1", "a\u0085b"],
    ["right-to-left override", "facture\u202Efdp.exe"],
    ["isolate", "a\u2066b\u2069"],
    ["right-to-left mark", "a\u200Fb"],
    ["byte-order mark", "\uFEFFa"],
  ])("refuses %s with a French message", (_name, value) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/caractères invisibles ou de contrôle/);
  });
});

describe("every form schema uses safeText", () => {
  /** JSON bodies of machines, not forms: validated by their own formats. */
  const NOT_FORMS = new Set([path.join("features", "contact", "proof-of-work.ts"), path.join("features", "switchboard", "ofrep.server.ts")]);

  it("no feature or route declares a bare z.string()", () => {
    const appDir = path.resolve(import.meta.dirname, "../..");
    const offenders = ["features", "routes"].flatMap((dir) =>
      fs
        .readdirSync(path.join(appDir, dir), { recursive: true, encoding: "utf8" })
        .map((file) => path.join(dir, file))
        .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !NOT_FORMS.has(file))
        .filter((file) => /\bz\s*\.string\(/.test(fs.readFileSync(path.join(appDir, file), "utf8"))),
    );
    expect(offenders).toEqual([]);
  });
});
