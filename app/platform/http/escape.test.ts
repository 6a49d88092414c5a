import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "./escape";

describe("escapeHtml", () => {
  it.each([
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    ['"><img src=x onerror=alert(1)>', "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"],
    ["' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)"],
    ["&lt; already escaped", "&amp;lt; already escaped"],
    ["</title><!--", "&lt;/title&gt;&lt;!--"],
    ["Fermé à 14 h — « maintenance »", "Fermé à 14 h — « maintenance »"],
    ["nul\u0000byte\u001Fand\u000Bvt", "nulbyteandvt"],
    ["tab\tnewline\ncr\r", "tab\tnewline\ncr\r"],
    ["lone \uD800 surrogate", "lone  surrogate"],
    ["emoji 🚑 kept", "emoji 🚑 kept"],
  ])("%j → %j", (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it("never lets a markup-significant character through", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        // Every ampersand starts one of our entities.
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
      }),
    );
  });
});
