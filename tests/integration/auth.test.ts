import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword } from "~/features/accounts/account-security.server";
import { completeActivation, requestActivation } from "~/features/accounts/activate-account.server";
import { completeTotpStep, loginWithPassword } from "~/features/accounts/login.server";
import { completePasswordReset, requestPasswordReset } from "~/features/accounts/reset-password.server";
import { validateSessionToken } from "~/platform/auth/session.server";
import { SESSION_POLICY } from "~/platform/auth/session-policy";
import { totpAt, totpKeyFromBase32 } from "~/platform/auth/totp";
import { emailIndex, openUserEmail } from "~/platform/crypto/personal-data.server";
import { auditLog, sessions, users } from "~/platform/db/schema";
import { lastMailTo as lastMailToIn, outboxMails } from "./support/outbox";
import { createMemberPerson, createUser, TEST_PASSWORD, TEST_TOTP_BASE32 } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

const client = (ip = "ip-1") => ({ ipHash: ip, userAgent: "vitest" });
const sessionIdOf = (token: string) => token.split(".")[0]!;

const lastMailTo = (to: string) => lastMailToIn(t.db, to);

function linkToken(text: string | null, path: string): string {
  const match = new RegExp(`${path}/([A-Za-z0-9_-]{43})`).exec(text ?? "");
  if (!match?.[1]) throw new Error(`no ${path} link in mail`);
  return match[1];
}

describe("login", () => {
  it("signs a member in with e-mail (any case) and password, and audits it", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const result = await loginWithPassword(t.db, { email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD, client: client() });
    expect(result.kind).toBe("signed-in");
    if (result.kind !== "signed-in") return;
    const validated = await validateSessionToken(result.token);
    expect(validated?.user.id).toBe(user.id);
    expect(validated?.session.mfaVerified).toBe(true);
    const entries = await t.db.select().from(auditLog).where(and(eq(auditLog.actorUserId, user.id), eq(auditLog.action, "auth.login.succeeded")));
    expect(entries).toHaveLength(1);
  });

  it("answers unknown e-mails and wrong passwords alike", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const wrong = await loginWithPassword(t.db, { email: user.email, password: "pas le bon mot de passe", client: client("ip-2") });
    const unknown = await loginWithPassword(t.db, { email: "personne@exemple.fr", password: TEST_PASSWORD, client: client("ip-2") });
    expect(wrong).toEqual({ kind: "invalid" });
    expect(unknown).toEqual({ kind: "invalid" });
  });

  it("blocks an account after 5 failures, even with the right password, from the database state", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const now = new Date("2026-11-28T10:00:00Z");
    const kinds: string[] = [];
    for (let i = 0; i < 5; i++) {
      kinds.push((await loginWithPassword(t.db, { email: user.email, password: "mauvais mot de passe", client: client(`ip-a${i}`) }, now)).kind);
    }
    expect(kinds).toEqual(["invalid", "invalid", "invalid", "invalid", "throttled"]);
    const blocked = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-other") }, now);
    expect(blocked.kind).toBe("throttled");
    const later = new Date(now.getTime() + 16 * 60_000);
    expect((await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-other") }, later)).kind).toBe("signed-in");
  });

  it("blocks an IP after 30 failures across accounts", async () => {
    const now = new Date("2026-11-28T11:00:00Z");
    let last = "";
    for (let i = 0; i < 30; i++) {
      last = (await loginWithPassword(t.db, { email: `inconnu${i}@exemple.fr`, password: "x".repeat(12), client: client("ip-spray") }, now)).kind;
    }
    expect(last).toBe("throttled");
    const user = await createUser(t.db, { role: "MEMBER" });
    expect((await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-spray") }, now)).kind).toBe("throttled");
  });

  it("refuses staff accounts without TOTP", async () => {
    const user = await createUser(t.db, { role: "ADMIN" });
    expect((await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-3") })).kind).toBe("invalid");
  });
});

describe("TOTP step", () => {
  it("requires a valid code for staff, rotates the session and refuses a replay", async () => {
    const user = await createUser(t.db, { role: "ADMIN", withTotp: true });
    const now = new Date();
    const first = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-4") }, now);
    expect(first.kind).toBe("mfa-required");
    if (first.kind !== "mfa-required") return;
    expect(await validateSessionToken(first.token)).toMatchObject({ session: { mfaVerified: false } });

    const bad = await completeTotpStep(t.db, { pendingSessionId: sessionIdOf(first.token), code: "000000", client: client("ip-4") }, now);
    expect(bad.kind).toBe("invalid");

    const code = totpAt(totpKeyFromBase32(TEST_TOTP_BASE32), now);
    const ok = await completeTotpStep(t.db, { pendingSessionId: sessionIdOf(first.token), code, client: client("ip-4") }, now);
    expect(ok.kind).toBe("signed-in");
    if (ok.kind !== "signed-in") return;
    expect(sessionIdOf(ok.token)).not.toBe(sessionIdOf(first.token));
    expect(await validateSessionToken(first.token)).toBeNull();
    expect((await validateSessionToken(ok.token))?.session.mfaVerified).toBe(true);

    const second = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-4") }, now);
    if (second.kind !== "mfa-required") throw new Error("expected mfa");
    const replay = await completeTotpStep(t.db, { pendingSessionId: sessionIdOf(second.token), code, client: client("ip-4") }, now);
    expect(replay.kind).toBe("invalid");
  });
});

describe("sessions", () => {
  it("expire after inactivity and at their absolute limit, and reject forged secrets", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const now = new Date();
    const result = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-5") }, now);
    if (result.kind !== "signed-in") throw new Error("expected sign-in");
    const [id] = result.token.split(".");
    expect(await validateSessionToken(`${id}.forgedsecretforgedsecret`)).toBeNull();
    expect(await validateSessionToken(result.token, new Date(now.getTime() + 10 * 60_000))).not.toBeNull();
    const idle = new Date(now.getTime() + 10 * 60_000 + SESSION_POLICY.MEMBER.idleMs);
    expect(await validateSessionToken(result.token, idle)).toBeNull();
    expect(await t.db.select().from(sessions).where(eq(sessions.id, id!))).toHaveLength(0);
  });
});

describe("password reset", () => {
  it("e-mails a single-use link that sets the password and ends every session", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const login = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-6") });
    if (login.kind !== "signed-in") throw new Error("expected sign-in");

    expect(await requestPasswordReset(t.db, { email: user.email, client: client("ip-6") })).toEqual({ kind: "accepted" });
    const mail = await lastMailTo(user.email);
    const token = linkToken(mail!.textBody, "/mot-de-passe-oublie");

    const weak = await completePasswordReset(t.db, { token, password: "password1234", client: client("ip-6") });
    expect(weak).toEqual({ kind: "weak-password", problem: "common" });
    const done = await completePasswordReset(t.db, { token, password: "un tout nouveau mot de passe", client: client("ip-6") });
    expect(done).toEqual({ kind: "reset" });
    expect(await validateSessionToken(login.token)).toBeNull();
    expect(await completePasswordReset(t.db, { token, password: "encore un autre mot de passe", client: client("ip-6") })).toEqual({ kind: "invalid-token" });
    expect((await loginWithPassword(t.db, { email: user.email, password: "un tout nouveau mot de passe", client: client("ip-6") })).kind).toBe("signed-in");
  });

  it("answers the same for an unknown address and sends nothing", async () => {
    const before = await outboxMails(t.db);
    expect(await requestPasswordReset(t.db, { email: "inconnu@exemple.fr", client: client("ip-7") })).toEqual({ kind: "accepted" });
    expect(await outboxMails(t.db)).toHaveLength(before.length);
  });

  it("rejects expired tokens", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const now = new Date();
    await requestPasswordReset(t.db, { email: user.email, client: client("ip-8") }, now);
    const token = linkToken((await lastMailTo(user.email))!.textBody, "/mot-de-passe-oublie");
    const late = new Date(now.getTime() + 31 * 60_000);
    expect(await completePasswordReset(t.db, { token, password: "un tout nouveau mot de passe", client: client("ip-8") }, late)).toEqual({ kind: "invalid-token" });
  });
});

describe("account activation", () => {
  it("proves membership, then the mailbox, then creates the account", async () => {
    const person = await createMemberPerson(t.db, { memberNumber: "A11112222", birthDate: "1975-03-09" });
    expect(await requestActivation(t.db, { memberNumber: "A11112222", birthDate: "1975-03-10", client: client("ip-9") })).toEqual({ kind: "accepted" });
    expect(await lastMailTo(person.email!)).toBeUndefined();

    expect(await requestActivation(t.db, { memberNumber: "A11112222", birthDate: "1975-03-09", client: client("ip-9") })).toEqual({ kind: "accepted" });
    const token = linkToken((await lastMailTo(person.email!))!.textBody, "/activation");
    const weak = await completeActivation(t.db, { token, password: "camille-testeur-2026", client: client("ip-9") });
    expect(weak).toEqual({ kind: "weak-password", problem: "personal" });
    const done = await completeActivation(t.db, { token, password: "ma mutuelle en ligne enfin", client: client("ip-9") });
    expect(done.kind).toBe("activated");
    const [user] = await t.db.select().from(users).where(eq(users.personId, person.id));
    expect(user).toMatchObject({ role: "MEMBER", emailBidx: emailIndex(person.email) });
    expect(openUserEmail(user!.emailEnc)).toBe(person.email);

    await requestActivation(t.db, { memberNumber: "A11112222", birthDate: "1975-03-09", client: client("ip-9b") });
    expect((await lastMailTo(person.email!))!.template).toBe("account.already-active");
  });

  it("answers and throttles the same whether or not the member number and birth date match", async () => {
    await createMemberPerson(t.db, { memberNumber: "A22223333", birthDate: "1980-01-01" });
    await createMemberPerson(t.db, { memberNumber: "A33334444", birthDate: "1980-01-01" });
    const now = new Date();
    const attempts = async (memberNumber: string, birthDate: string, ip: string) => {
      const out = [];
      for (let i = 0; i < 4; i++) out.push(await requestActivation(t.db, { memberNumber, birthDate, client: client(ip) }, now));
      return out;
    };
    // Matching data (an e-mail goes out each time) and wrong data, each from its own address.
    const matching = await attempts("A22223333", "1980-01-01", "ip-act-1");
    const wrong = await attempts("A33334444", "1999-12-31", "ip-act-2");
    expect(wrong).toEqual(matching);
    expect(matching.slice(0, 3)).toEqual([{ kind: "accepted" }, { kind: "accepted" }, { kind: "accepted" }]);
    expect(matching[3]).toEqual({ kind: "throttled", retryAfterSeconds: 3600 });
    // The per-number throttle holds from another address too, and is keyed without the number in clear.
    expect(await requestActivation(t.db, { memberNumber: "A33334444", birthDate: "1980-01-01", client: client("ip-act-3") }, now)).toEqual({
      kind: "throttled",
      retryAfterSeconds: 3600,
    });
    const keys = await t.db.execute(sql`select * from throttle_buckets`);
    expect(JSON.stringify(keys)).not.toContain("A33334444");
  });
});

describe("password change", () => {
  it("ends the other sessions but keeps the current one", async () => {
    const user = await createUser(t.db, { role: "MEMBER" });
    const a = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-10") });
    const b = await loginWithPassword(t.db, { email: user.email, password: TEST_PASSWORD, client: client("ip-10") });
    if (a.kind !== "signed-in" || b.kind !== "signed-in") throw new Error("expected sign-in");
    const result = await changePassword(t.db, {
      userId: user.id,
      sessionId: sessionIdOf(a.token),
      currentPassword: TEST_PASSWORD,
      newPassword: "une autre phrase de passe",
      ipHash: "ip-10",
    });
    expect(result).toEqual({ kind: "changed" });
    expect(await validateSessionToken(a.token)).not.toBeNull();
    expect(await validateSessionToken(b.token)).toBeNull();
  });
});
