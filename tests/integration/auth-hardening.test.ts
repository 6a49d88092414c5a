import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword, disableTotp } from "~/features/accounts/account-security.server";
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

describe("current password asked again on the security page", () => {
  it("is under the login's throttle: locked after 5 wrong guesses (429), and the login is locked too", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const login = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("pw-1") });
    if (login.kind !== "signed-in") throw new Error("expected sign-in");
    const attempt = (currentPassword: string, ip = "pw-2") =>
      changePassword(t.db, { userId: user.id, sessionId: sessionIdOf(login.token), currentPassword, newPassword: "une autre phrase de passe", ipHash: ip });

    const kinds: string[] = [];
    for (let i = 0; i < 5; i++) kinds.push((await attempt(`devinette-${i}`)).kind);
    expect(kinds).toEqual(["bad-password", "bad-password", "bad-password", "bad-password", "throttled"]);
    // Locked, even with the right password, from another IP, and for the login as well.
    expect(await attempt(TEST_PASSWORD, "pw-3")).toMatchObject({ kind: "throttled" });
    expect((await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("pw-4") })).kind).toBe("throttled");
    expect(await disableTotp(t.db, { userId: user.id, password: TEST_PASSWORD, ipHash: "pw-5" })).toMatchObject({ throttled: expect.any(Number) });
  });

  it("turning two-step verification off counts its wrong passwords the same way", async () => {
    const user = await createUser(t.db, { role: "MEMBER", withTotp: true });
    const outcomes: unknown[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await disableTotp(t.db, { userId: user.id, password: `devinette-${i}`, ipHash: "pw-6" }));
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill("bad-password"));
    expect(outcomes[4]).toMatchObject({ throttled: expect.any(Number) });
  });
});
