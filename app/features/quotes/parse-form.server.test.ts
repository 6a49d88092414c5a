import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseQuoteForm } from "./parse-form.server";

const schema = z.object({ postcode: z.string() });

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("parseQuoteForm", () => {
  it("parses a normal submission", () => {
    expect(parseQuoteForm(form([["postcode", "83000"]]), schema).status).toBe("success");
  });

  it.each([
    [[["__intent__", " "]]],
    [[["__intent__", "{not json"]]],
    [[["__state__", "<script>"]]],
    [[["__intent__", "a"], ["__intent__", "b"]]],
  ] as [string, string][][][])("turns a malformed Conform control field into a 400: %j", (entries) => {
    let thrown: unknown;
    try {
      parseQuoteForm(form(entries), schema);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ init: { status: 400 } });
  });
});
