import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeTotpStep, loginWithPassword } from "~/features/accounts/login.server";
import { totpAt, totpKeyFromBase32 } from "~/platform/auth/totp";
import { createUser, TEST_PASSWORD, TEST_TOTP_BASE32 } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

const client = (ip: string) => ({ ipHash: ip, userAgent: "vitest" });
const sessionIdOf = (token: string) => token.split(".")[0]!;

describe("TOTP single use", () => {
  it("six sessions posting the same code at once: exactly one is accepted", async () => {
    const user = await createUser(t.db, { role: "ADMIN", withTotp: true });
    const now = new Date();
    const pending: string[] = [];
    for (let i = 0; i < 6; i++) {
      const login = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client(`totp-race-${i}`) }, now);
      if (login.kind !== "mfa-required") throw new Error("expected the TOTP step");
      pending.push(sessionIdOf(login.token));
    }
    const code = totpAt(totpKeyFromBase32(TEST_TOTP_BASE32), now);
    const results = await Promise.all(
      pending.map((pendingSessionId, i) => completeTotpStep(t.db, { pendingSessionId, code, client: client(`totp-race-${i}`) }, now)),
    );
    expect(results.filter((r) => r.kind === "signed-in")).toHaveLength(1);
    // The others are replays: refused, and counted against the account (the fifth locks it).
    expect(results.filter((r) => r.kind === "invalid" || r.kind === "throttled")).toHaveLength(5);
  });
});
