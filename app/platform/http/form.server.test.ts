import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseForm } from "./form.server";

const schema = z.object({ postcode: z.string() });

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("parseForm", () => {
  it("parses a normal submission", () => {
    expect(parseForm(form([["postcode", "83000"]]), schema).status).toBe("success");
  });

  it.each([
    [[["__intent__", " "]]],
    [[["__intent__", "{not json"]]],
    [[["__state__", "<script>"]]],
    [[["__intent__", "a"], ["__intent__", "b"]]],
  ] as [string, string][][][])("turns a malformed Conform control field into a 400: %j", (entries) => {
    let thrown: unknown;
    try {
      parseForm(form(entries), schema);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ init: { status: 400 } });
  });
});

describe("one form parser", () => {
  it("every server-side form submission goes through parseForm (client-side onValidate aside)", () => {
    const appDir = path.resolve(import.meta.dirname, "../..");
    const offenders = fs
      .readdirSync(appDir, { recursive: true, encoding: "utf8" })
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && file !== path.join("platform", "http", "form.server.ts"))
      .flatMap((file) =>
        fs
          .readFileSync(path.join(appDir, file), "utf8")
          .split("\n")
          .filter((line) => line.includes("parseWithZod(") && !line.includes("onValidate"))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
