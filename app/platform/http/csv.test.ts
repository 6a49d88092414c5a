import { describe, expect, it } from "vitest";
import { CSV_BOM, csvCell, csvLine } from "./csv";

describe("csvCell", () => {
  it.each([
    ["plain text", "plain text"],
    ["", ""],
    ["décès, réclamé", "décès, réclamé"],
    ["a;b", '"a;b"'],
    ['il a dit "non"', '"il a dit ""non"""'],
    ["ligne 1\nligne 2", '"ligne 1\nligne 2"'],
    ["ligne 1\r\nligne 2", '"ligne 1\r\nligne 2"'],
    ['"', '""""'],
  ])("quotes %j as %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["=HYPERLINK(\"http://evil.example\";\"clic\")", "\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"clic\"\")\""],
    ["+33 6 12 34 56 78", "'+33 6 12 34 56 78"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", "\"'\r=1+1\""],
  ])("neutralises the formula %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("leaves triggers alone when they are not the first character", () => {
    expect(csvCell("a=1")).toBe("a=1");
    expect(csvCell(" =1")).toBe(" =1");
  });

  it("renders numbers, booleans and missing values", () => {
    expect(csvCell(42)).toBe("42");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });
});

describe("csvLine", () => {
  it("joins cells with semicolons and ends with CRLF", () => {
    expect(csvLine(["n°", 1, null, "=cmd", "a;b"])).toBe("n°;1;;'=cmd;\"a;b\"\r\n");
  });

  it("keeps every hostile cell inside its own field", () => {
    const hostile = ['";=1;"', "\r\n", ";;;", '"""'];
    const line = csvLine(hostile);
    expect(parseRfc4180Line(line)).toEqual(['";=1;"', "'\r\n", ";;;", '"""']);
  });

  it("exposes the UTF-8 byte order mark", () => {
    expect(new TextEncoder().encode(CSV_BOM)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });
});

/** Minimal reader for one CSV record, to check the writer round-trips. */
function parseRfc4180Line(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        const c = line[i];
        if (c === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          i += 1;
          break;
        } else if (c === undefined) {
          throw new Error("unterminated quoted field");
        } else {
          field += c;
          i += 1;
        }
      }
    } else {
      while (i < line.length && line[i] !== ";" && !line.startsWith("\r\n", i)) {
        field += line[i];
        i += 1;
      }
    }
    fields.push(field);
    if (line[i] === ";") {
      i += 1;
      continue;
    }
    if (line.slice(i) !== "\r\n") throw new Error(`unexpected text after field at ${i}`);
    return fields;
  }
}
