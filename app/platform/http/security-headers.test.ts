import { describe, expect, it } from "vitest";
import { securityHeaders } from "./security-headers";

describe("securityHeaders", () => {
  it("locks the page down in production", () => {
    const h = securityHeaders({ nonce: "abc123", https: true, dev: false });
    const csp = h["Content-Security-Policy"]!;
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toContain("unsafe-inline");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
  });

  it("sends no HSTS over plain HTTP", () => {
    expect(securityHeaders({ nonce: "n", https: false, dev: false })["Strict-Transport-Security"]).toBeUndefined();
  });
});
