import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, permissionsOf } from "./permissions";

describe("permissions", () => {
  it("gives members only their own space", () => {
    expect(permissionsOf("MEMBER")).toEqual(["member-space:use"]);
  });

  it("keeps switchboard and audit powers for admins", () => {
    for (const p of ["services:close", "services:approve-reopen", "audit:read"] as const) {
      expect(can("ADMIN", p)).toBe(true);
      expect(can("CLAIMS_HANDLER", p)).toBe(false);
      expect(can("MEMBER", p)).toBe(false);
    }
  });

  it("never lets staff into the member space", () => {
    expect(can("ADMIN", "member-space:use")).toBe(false);
    expect(can("CLAIMS_HANDLER", "member-space:use")).toBe(false);
  });

  it("grants every permission to some role", () => {
    for (const p of PERMISSIONS) {
      expect(["MEMBER", "CLAIMS_HANDLER", "ADMIN"].some((r) => can(r as "ADMIN", p))).toBe(true);
    }
  });
});
