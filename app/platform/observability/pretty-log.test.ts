import { describe, expect, it } from "vitest";
import { formatLogLine } from "./pretty-log";

const at = Date.UTC(2026, 11, 7, 14, 5, 9);
const plain = { color: false, timeZone: "UTC" };
const line = (entry: Record<string, unknown>) => JSON.stringify({ level: 30, time: at, service: "bascule", ...entry });

describe("formatLogLine", () => {
  it("prints time, level and message, then the other fields as key=value", () => {
    expect(formatLogLine(line({ msg: "Bascule listening on http://localhost:3000", port: 3000, database: "pglite" }), plain)).toBe(
      "14:05:09 INFO  Bascule listening on http://localhost:3000 port=3000 database=pglite",
    );
  });

  it("names each level and shows the component in brackets", () => {
    expect(formatLogLine(line({ level: 40, component: "switchboard", msg: "poll failed" }), plain)).toBe("14:05:09 WARN  [switchboard] poll failed");
    expect(formatLogLine(line({ level: 60, msg: "x" }), plain)).toMatch(/^14:05:09 FATAL x$/);
  });

  it("quotes strings with spaces and writes objects as JSON", () => {
    expect(formatLogLine(line({ msg: "seeded", who: "Marie Dupont", report: { members: 300 } }), plain)).toBe(
      '14:05:09 INFO  seeded who="Marie Dupont" report={"members":300}',
    );
  });

  it("prints the logged error message and only the stack's frames, indented", () => {
    const err = { message: "connexion [REDACTED]", stack: "Error: connexion secret-token\n    at open (db.ts:1:1)\n    at main (app.ts:2:2)" };
    const out = formatLogLine(line({ level: 50, msg: "render error", err }), plain);
    expect(out).toBe("14:05:09 ERROR render error\n    connexion [REDACTED]\n    at open (db.ts:1:1)\n    at main (app.ts:2:2)");
    expect(out).not.toContain("secret-token");
  });

  it("escapes control and bidirectional characters, so logged input cannot drive the terminal", () => {
    const out = formatLogLine(line({ msg: "bad \x1b[2J\u202Eevil", path: "/a\nb" }), plain);
    expect(out).toBe('14:05:09 INFO  bad \\u001b[2J\\u202eevil path="/a\\nb"');
    expect([...out].some((c) => c.charCodeAt(0) < 0x20 || c === "\u202e")).toBe(false);
  });

  it("colours the level only when asked", () => {
    expect(formatLogLine(line({ level: 50, msg: "boom" }), { color: true, timeZone: "UTC" })).toContain("\x1b[31mERROR\x1b[0m");
    expect(formatLogLine(line({ level: 50, msg: "boom" }), plain)).not.toContain("\x1b");
  });

  it("passes a line that is not a JSON object through, escaped", () => {
    expect(formatLogLine("not json \x07", plain)).toBe("not json \\u0007");
    expect(formatLogLine("[1,2]", plain)).toBe("[1,2]");
  });
});
