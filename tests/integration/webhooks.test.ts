import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { changeServices } from "~/features/switchboard/change-services.server";
import { ensureServiceRows } from "~/features/switchboard/store.server";
import { parseConfig, setConfig } from "~/platform/config/env.server";
import { switchboardServices, webhookDeliveries } from "~/platform/db/schema";
import { dispatchDueWebhooks, enqueueWebhook, signWebhook, startWebhookDispatcher } from "~/platform/http/webhooks.server";
import { MAX_ATTEMPTS } from "~/platform/mail/backoff";
import { createUser } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * Signed webhooks of the switchboard, delivered by the dispatcher to an endpoint mocked with MSW:
 * verifiable signature, retry after a failure, dead letter after the last attempt.
 */

const URL_ = "https://hooks.example.test/bascule";
const SECRET = "un secret partagé de test, assez long";

type Received = { body: string; headers: Headers };
let received: Received[] = [];
let answers: number[] = [];

const server = setupServer(
  http.post(URL_, async ({ request }) => {
    received.push({ body: await request.text(), headers: request.headers });
    const status = answers.shift() ?? 200;
    return new HttpResponse(status === 204 ? null : "ok", { status });
  }),
);

let t: TestDatabase;

beforeAll(async () => {
  server.listen({ onUnhandledFrame: "error" });
  t = await createTestDatabase();
  setConfig(parseConfig({ ...process.env, SWITCHBOARD_WEBHOOK_URL: URL_, SWITCHBOARD_WEBHOOK_SECRET: SECRET }));
  await ensureServiceRows(t.db);
});

afterAll(async () => {
  server.close();
  setConfig(parseConfig(process.env));
  await t.dispose();
});

beforeEach(async () => {
  received = [];
  answers = [];
  await t.db.delete(webhookDeliveries);
});

afterEach(() => server.resetHandlers());

/** The receiver's side: recompute the signature with the shared secret, in constant time. */
function verify(secret: string, headers: Headers, body: string): boolean {
  const timestamp = headers.get("x-bascule-timestamp") ?? "";
  const signature = headers.get("x-bascule-signature") ?? "";
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

describe("webhooks", () => {
  it("signs each delivery so the receiver can verify it with the shared secret", async () => {
    const admin = await createUser(t.db, { role: "ADMIN" });
    await t.db.update(switchboardServices).set({ state: "OPEN" });
    // One clock for queueing and dispatching: the database's own now() has microseconds that a
    // JavaScript Date taken in the same millisecond would not reach.
    const now = new Date();
    const { version, groupId } = await changeServices(t.db, {
      actor: { userId: admin.id, label: admin.email },
      changes: [{ key: "devis-en-ligne", to: "CLOSED" }],
      reason: "Maintenance du tarif",
      publicMessage: "Le devis en ligne revient bientôt.",
      now,
    });
    expect(await dispatchDueWebhooks(t.db, { now, secret: SECRET })).toEqual({ delivered: 1, failed: 0, dead: 0 });

    expect(received).toHaveLength(1);
    const [{ body, headers }] = received as [Received];
    expect(verify(SECRET, headers, body)).toBe(true);
    expect(verify("un autre secret quelconque", headers, body)).toBe(false);
    expect(verify(SECRET, headers, body.replace("devis", "DEVIS"))).toBe(false);
    expect(headers.get("x-bascule-timestamp")).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers.get("x-bascule-signature")).toBe(`sha256=${signWebhook(SECRET, Math.floor(now.getTime() / 1000), body)}`);
    expect(headers.get("content-type")).toBe("application/json");
    const [row] = await t.db.select().from(webhookDeliveries);
    expect(headers.get("x-bascule-delivery")).toBe(row!.id);
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 1, lastError: null });
    expect(JSON.parse(body)).toMatchObject({
      type: "switchboard.changed",
      version,
      groupId,
      changes: [
        { key: "devis-en-ligne", from: "OPEN", to: "CLOSED" },
        { key: "adhesion-en-ligne", from: "OPEN", to: "CLOSED" },
      ],
      reason: "Maintenance du tarif",
      publicMessage: "Le devis en ligne revient bientôt.",
      expectedReturnAt: null,
      actor: admin.email,
    });
  });

  it("retries after a 500 and delivers exactly once", async () => {
    const start = new Date();
    const id = await enqueueWebhook(t.db, { url: URL_, eventType: "switchboard.changed", payload: { type: "switchboard.changed", version: 1 }, now: start });
    answers = [500];
    expect(await dispatchDueWebhooks(t.db, { now: start, secret: SECRET, random: () => 0 })).toEqual({ delivered: 0, failed: 1, dead: 0 });
    const [failed] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1, lastError: "HTTP 500", lockedUntil: null });
    expect(failed!.nextAttemptAt.getTime()).toBe(start.getTime() + 15_000);

    // Not due yet: nothing is sent.
    expect(await dispatchDueWebhooks(t.db, { now: new Date(start.getTime() + 14_000), secret: SECRET })).toEqual({ delivered: 0, failed: 0, dead: 0 });
    const later = new Date(start.getTime() + 15_000);
    expect(await dispatchDueWebhooks(t.db, { now: later, secret: SECRET })).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(await dispatchDueWebhooks(t.db, { now: new Date(later.getTime() + 3_600_000), secret: SECRET })).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(received).toHaveLength(2);
    expect(received[0]!.headers.get("x-bascule-delivery")).toBe(received[1]!.headers.get("x-bascule-delivery"));
    const [delivered] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(delivered).toMatchObject({ status: "DELIVERED", attempts: 2, deliveredAt: later, lastError: null });
  });

  it("treats redirects and network errors as failures, and gives up after the last attempt", async () => {
    server.use(http.post(URL_, () => new HttpResponse(null, { status: 302, headers: { Location: "https://ailleurs.example.test/" } }), { once: true }));
    let now = new Date();
    const id = await enqueueWebhook(t.db, { url: URL_, eventType: "switchboard.changed", payload: { type: "switchboard.changed" }, now });
    expect(await dispatchDueWebhooks(t.db, { now, secret: SECRET })).toMatchObject({ failed: 1 });
    expect((await t.db.select().from(webhookDeliveries))[0]!.lastError).toBe("HTTP 302");

    server.use(http.post(URL_, () => HttpResponse.error()));
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      now = new Date(now.getTime() + 2 * 3_600_000);
      const result = await dispatchDueWebhooks(t.db, { now, secret: SECRET });
      expect(result).toEqual(attempt === MAX_ATTEMPTS ? { delivered: 0, failed: 0, dead: 1 } : { delivered: 0, failed: 1, dead: 0 });
    }
    const [dead] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(dead).toMatchObject({ status: "DEAD", attempts: MAX_ATTEMPTS, deliveredAt: null });
    expect(dead!.lastError).toBeTruthy();
    expect(await dispatchDueWebhooks(t.db, { now: new Date(now.getTime() + 86_400_000), secret: SECRET })).toEqual({ delivered: 0, failed: 0, dead: 0 });
  });

  it("gives up on an endpoint that does not answer within 5 s", async () => {
    const never = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      expect(init?.signal).toBeInstanceOf(AbortSignal);
      throw Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });
    }) as typeof fetch;
    const now = new Date();
    await enqueueWebhook(t.db, { url: URL_, eventType: "switchboard.changed", payload: {}, now });
    expect(await dispatchDueWebhooks(t.db, { now, secret: SECRET, fetchImpl: never })).toMatchObject({ failed: 1 });
    expect((await t.db.select().from(webhookDeliveries))[0]!.lastError).toBe("timeout");
  });

  it("never sends one delivery twice when two dispatchers run at once", async () => {
    const now = new Date();
    for (let i = 0; i < 5; i++) await enqueueWebhook(t.db, { url: URL_, eventType: "switchboard.changed", payload: { n: i }, now });
    const results = await Promise.all([dispatchDueWebhooks(t.db, { now, secret: SECRET }), dispatchDueWebhooks(t.db, { now, secret: SECRET })]);
    expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(5);
    expect(received).toHaveLength(5);
    expect(new Set(received.map((r) => r.headers.get("x-bascule-delivery"))).size).toBe(5);
  });

  it("delivers in the background loop, which stops cleanly", async () => {
    await enqueueWebhook(t.db, { url: URL_, eventType: "switchboard.changed", payload: { loop: true } });
    const dispatcher = startWebhookDispatcher({ db: () => t.db, secret: SECRET, intervalMs: 20, logger: pino({ level: "silent" }) });
    try {
      for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await dispatcher.stop();
    }
    expect(received).toHaveLength(1);
    expect((await t.db.select().from(webhookDeliveries))[0]!.status).toBe("DELIVERED");
  });
});
