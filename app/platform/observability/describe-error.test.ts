import { describe, expect, it } from "vitest";
import { describeError } from "./describe-error";

function drizzleLikeError() {
  const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021", detail: "Key (email)=(marie.dupont@exemple.fr) already exists." });
  const error = new Error(
    'Failed query: update "subscription_drafts" set "refusal_reason" = $1 where "id" = $2\nparams: marie.dupont@exemple.fr,A00000018,motif\u0000',
    { cause },
  );
  error.name = "DrizzleQueryError";
  return error;
}

describe("describeError", () => {
  it("keeps name, code, message and frames, never a query's parameters nor the database's detail", () => {
    const described = describeError(drizzleLikeError());
    const logged = JSON.stringify(described);
    expect(described.name).toBe("DrizzleQueryError");
    expect(described.message).toContain('update "subscription_drafts"');
    expect(described.cause).toMatchObject({ code: "22021", message: expect.stringContaining("0x00") });
    expect(described.frames?.length).toBeGreaterThan(0);
    expect(logged).not.toContain("marie.dupont");
    expect(logged).not.toContain("A00000018");
    expect(logged).not.toContain("params:");
  });

  it("describes what is not an Error", () => {
    expect(describeError("boom")).toEqual({ name: "string", message: "boom" });
  });
});
