import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_STAFF, DEMO_TESTER, DEMO_TOTP_SECRET, DEMO_KARIM, DEMO_MARIE } from "./demo-accounts";
import { demoStartupBanner } from "./startup-banner";

describe("demoStartupBanner", () => {
  const banner = demoStartupBanner({ origin: "http://localhost:3000", color: false });

  it("gives the URL, the demo password and how to get a staff TOTP code", () => {
    expect(banner).toContain("Bascule is ready: http://localhost:3000");
    expect(banner).toContain(`password ${DEMO_PASSWORD}`);
    expect(banner).toContain("npm run demo:totp");
    expect(banner).toContain(DEMO_TOTP_SECRET);
  });

  it("lists every account of the demo data set, one per line, staff marked as needing TOTP", () => {
    for (const email of [DEMO_MARIE.email, DEMO_KARIM.email, DEMO_TESTER.email]) {
      expect(banner.split("\n").filter((l) => l.includes(email))).toHaveLength(1);
    }
    for (const staff of DEMO_STAFF) {
      expect(banner).toMatch(new RegExp(`${staff.email.replaceAll(".", "\\.")}\\s+(claims handler|administrator), TOTP`));
    }
  });

  it("uses no escape sequence unless colour is asked for", () => {
    expect(banner).not.toContain("\x1b");
    expect(demoStartupBanner({ origin: "http://localhost:3000", color: true })).toContain("\x1b[1m");
  });
});
