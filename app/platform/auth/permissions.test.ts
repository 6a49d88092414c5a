import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, permissionsOf, rolesWith } from "./permissions";

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

  it("lists the roles holding a permission, as can() decides", () => {
    expect(rolesWith("services:approve-reopen")).toEqual(["ADMIN"]);
    expect(rolesWith("claims:process")).toEqual(["CLAIMS_HANDLER", "ADMIN"]);
    expect(rolesWith("member-space:use")).toEqual(["MEMBER"]);
    for (const p of PERMISSIONS) {
      for (const role of ["MEMBER", "CLAIMS_HANDLER", "ADMIN"] as const) expect(rolesWith(p).includes(role)).toBe(can(role, p));
    }
  });
});
