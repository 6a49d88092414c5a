import { outboxMails } from "./support/outbox";
import net, { type AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, mailOutbox } from "~/platform/db/schema";
import { MAX_ATTEMPTS } from "~/platform/mail/backoff";
import { DEFAULT_LEASE_MS, dispatchDueMail, outboxBacklog, retryDeadMail, startMailDispatcher } from "~/platform/mail/dispatcher.server";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { createSmtpTransport, type MailTransport } from "~/platform/mail/transports.server";
import { logger } from "~/platform/observability/logger.server";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * Delivery from the outbox to a real SMTP server listening on loopback. The server records what it
 * accepted and can be told to refuse (451, temporary failure) or to be slow.
 */

const FROM = "Bascule <ne-pas-repondre@bascule.example>";
const MESSAGE_ID = /^Message-ID:[ \t]*(<[^>\r\n]+>)/im;

type Received = { messageId: string | undefined; to: string[]; raw: string };

class TestSmtpServer {
  readonly accepted: Received[] = [];
  readonly refused: Received[] = [];
  refuse = false;
  delayMs = 0;
  port = 0;
  private readonly server = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, callback) => {
      // Echoes the password it was given, as a careless relay might: it must not reach the outbox.
      if (auth.password === "correct-horse") callback(null, { user: auth.username });
      else callback(Object.assign(new Error(`Invalid credentials ${auth.username}:${auth.password}`), { responseCode: 535 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const message = { raw, messageId: MESSAGE_ID.exec(raw)?.[1], to: session.envelope.rcptTo.map((a) => a.address) };
        setTimeout(() => {
          if (this.refuse) {
            this.refused.push(message);
            callback(Object.assign(new Error("Greylisted, please try again later"), { responseCode: 451 }));
          } else {
            this.accepted.push(message);
            callback();
          }
        }, this.delayMs);
      });
    },
  });

  async start(): Promise<void> {
    this.server.on("error", () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  reset(): void {
    this.accepted.length = 0;
    this.refused.length = 0;
    this.refuse = false;
    this.delayMs = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** A loopback port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

let t: TestDatabase;
const smtp = new TestSmtpServer();
let transport: MailTransport;

beforeAll(async () => {
  t = await createTestDatabase();
  await smtp.start();
  transport = createSmtpTransport(`smtp://127.0.0.1:${smtp.port}`);
});

afterAll(async () => {
  await transport.close?.();
  await smtp.close();
  await t.dispose();
});

beforeEach(async () => {
  smtp.reset();
  await t.db.delete(mailOutbox);
});

function mail(n: number) {
  return {
    to: `adherent${n}@exemple.fr`,
    subject: `Message n° ${n} — accès à votre espace`,
    text: `Bonjour,\n\nVoici le message numéro ${n}.\n\nLa mutuelle Bascule`,
    template: "test.message",
  };
}

async function row(id: string) {
  const [found] = await t.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  if (!found) throw new Error(`no outbox row ${id}`);
  return found;
}

const dispatch = (now = new Date(), using: MailTransport = transport, batchSize = 10) =>
  dispatchDueMail(t.db, using, { now, batchSize, from: FROM });

describe(`mail delivery over SMTP (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("delivers the messages committed with a transaction, once each", async () => {
    const ids = await t.db.transaction(async (tx) => [await enqueueMail(tx, mail(1)), await enqueueMail(tx, mail(2)), await enqueueMail(tx, mail(3))]);

    expect(await dispatch()).toEqual({ sent: 3, failed: 0, dead: 0 });

    expect(smtp.accepted).toHaveLength(3);
    const rows = await Promise.all(ids.map(row));
    for (const r of rows) {
      expect(r).toMatchObject({ status: "SENT", attempts: 0, lockedUntil: null, lastError: null });
      expect(r.sentAt).toBeInstanceOf(Date);
    }
    expect(smtp.accepted.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
    expect(smtp.accepted.flatMap((m) => m.to).sort()).toEqual(["adherent1@exemple.fr", "adherent2@exemple.fr", "adherent3@exemple.fr"]);
    expect(await dispatch()).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(smtp.accepted).toHaveLength(3);
  });

  it("sends nothing for a transaction that rolled back", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await enqueueMail(tx, mail(1));
        throw new Error("the change failed after the message was queued");
      }),
    ).rejects.toThrow("the change failed");

    expect(await dispatch()).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(smtp.accepted).toHaveLength(0);
    expect(await outboxMails(t.db)).toHaveLength(0);
  });

  it("retries a refused message later, with the same Message-ID, and delivers it exactly once", async () => {
    const id = await enqueueMail(t.db, mail(1));
    smtp.refuse = true;
    const now = new Date();

    expect(await dispatch(now)).toEqual({ sent: 0, failed: 1, dead: 0 });
    const failed = await row(id);
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1, lockedUntil: null, sentAt: null });
    expect(failed.lastError).toMatch(/451/);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
    expect(smtp.refused).toHaveLength(1);

    smtp.refuse = false;
    expect(await dispatch(now)).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(smtp.accepted).toHaveLength(0);

    const later = new Date(failed.nextAttemptAt.getTime() + 1);
    expect(await dispatch(later)).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(await dispatch(new Date(later.getTime() + 3_600_000))).toEqual({ sent: 0, failed: 0, dead: 0 });

    expect(smtp.accepted).toHaveLength(1);
    expect(smtp.accepted[0]?.messageId).toBe(failed.messageId);
    expect(smtp.refused[0]?.messageId).toBe(failed.messageId);
    expect(await row(id)).toMatchObject({ status: "SENT", attempts: 1, lastError: null, lockedUntil: null });
  });

  it("keeps relay credentials out of the stored error", async () => {
    const id = await enqueueMail(t.db, mail(1));
    const wrongLogin = createSmtpTransport(`smtp://alice:p%40ss-hunter2@127.0.0.1:${smtp.port}`);

    expect(await dispatch(new Date(), wrongLogin)).toEqual({ sent: 0, failed: 1, dead: 0 });

    const { lastError } = await row(id);
    expect(lastError).toMatch(/535/);
    expect(lastError).not.toContain("hunter2");
    expect(lastError).toContain("[REDACTED]");
    expect(smtp.accepted).toHaveLength(0);
  });

  it("turns a message into a dead letter after the last attempt, and an admin can send it again", async () => {
    const id = await enqueueMail(t.db, mail(1));
    const unreachable = createSmtpTransport(`smtp://127.0.0.1:${await closedPort()}`);

    let now = new Date();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const result = await dispatch(now, unreachable);
      const current = await row(id);
      expect(current.attempts).toBe(attempt);
      expect(current.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
      if (attempt < MAX_ATTEMPTS) {
        expect(result).toEqual({ sent: 0, failed: 1, dead: 0 });
        expect(current.status).toBe("PENDING");
        now = current.nextAttemptAt;
      } else {
        expect(result).toEqual({ sent: 0, failed: 0, dead: 1 });
        expect(current.status).toBe("DEAD");
      }
    }
    expect(await dispatch(new Date(now.getTime() + 86_400_000), unreachable)).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(await outboxBacklog(t.db)).toMatchObject({ pending: 0, dead: 1, oldestPendingAgeSeconds: null });

    const admin = { userId: null, label: "admin@bascule.example" };
    const retriedAt = new Date();
    expect(await retryDeadMail(t.db, id, admin, { ipHash: "ip-hash", now: retriedAt })).toBe(true);
    expect(await row(id)).toMatchObject({ status: "PENDING", attempts: 0, lockedUntil: null });
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(entry).toMatchObject({
      action: "admin.mail.retried",
      outcome: "success",
      actorLabel: "admin@bascule.example",
      targetType: "mail",
      ipHash: "ip-hash",
      details: { template: "test.message" },
    });
    // Only a dead letter can be sent again.
    expect(await retryDeadMail(t.db, id, admin)).toBe(false);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.targetId, id))).toHaveLength(1);

    expect(await dispatch(new Date(retriedAt.getTime() + 1))).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(smtp.accepted.map((m) => m.messageId)).toEqual([(await row(id)).messageId]);
  });

  it("delivers each message once when two dispatchers claim the same rows concurrently", async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 12; n++) ids.push(await enqueueMail(t.db, mail(n)));
    smtp.delayMs = 10;
    const other = createSmtpTransport(`smtp://127.0.0.1:${smtp.port}`);
    const now = new Date();

    const results = await Promise.all([dispatch(now, transport, 8), dispatch(now, other, 8)]);

    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(12);
    expect(results.every((r) => r.failed === 0 && r.dead === 0)).toBe(true);
    const delivered = smtp.accepted.map((m) => m.messageId);
    expect(delivered).toHaveLength(12);
    expect(new Set(delivered).size).toBe(12);
    expect((await outboxBacklog(t.db)).sent).toBe(12);
  });

  it("renews its short lease while a slow batch is being sent: another instance takes none of it", async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) ids.push(await enqueueMail(t.db, mail(n)));
    // Three sends of 250 ms each under a 300 ms lease: only renewals keep the batch.
    smtp.delayMs = 250;
    const leaseMs = 300;
    const first = dispatchDueMail(t.db, transport, { now: new Date(), batchSize: 3, from: FROM, leaseMs });
    let finished = false;
    void first.finally(() => (finished = true));
    const taken: number[] = [];
    while (!finished) {
      await new Promise((r) => setTimeout(r, 40));
      taken.push((await dispatch(new Date())).sent);
    }
    expect(await first).toEqual({ sent: 3, failed: 0, dead: 0 });
    expect(taken.length).toBeGreaterThan(5);
    expect(taken.every((n) => n === 0)).toBe(true);
    expect(smtp.accepted.map((m) => m.messageId).sort()).toEqual((await Promise.all(ids.map(row))).map((r) => r.messageId).sort());
  });

  it("takes over, within its 30-second lease, the messages of an instance that died while sending", async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) ids.push(await enqueueMail(t.db, mail(n)));
    // The dead instance: it claimed the batch, then its send never returned and it could reach
    // the database no more (no renewal, no outcome), as after a SIGKILL.
    let claims = 0;
    const deadDb = new Proxy(t.db, {
      get(target, property, receiver) {
        if (property === "update" && claims++ > 0) return () => { throw new Error("process killed"); };
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    let release: () => void = () => undefined;
    const hanging: MailTransport = { name: "hanging", send: () => new Promise<void>((resolve) => (release = resolve)) };
    const claimedAt = Date.now();
    const dead = dispatchDueMail(deadDb, hanging, { now: new Date(claimedAt), batchSize: 10, from: FROM }).catch(() => "killed");
    await until(async () => (await Promise.all(ids.map(row))).every((r) => r.lockedUntil !== null));
    const leases = (await Promise.all(ids.map(row))).map((r) => r.lockedUntil!.getTime() - claimedAt);
    expect(Math.max(...leases)).toBeLessThanOrEqual(DEFAULT_LEASE_MS + 1_000);

    // Still held a moment later, free once the lease has passed (well within a minute of the crash).
    expect(await dispatch(new Date(claimedAt + 5_000))).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(await dispatch(new Date(claimedAt + DEFAULT_LEASE_MS + 1_000))).toEqual({ sent: 3, failed: 0, dead: 0 });
    expect(DEFAULT_LEASE_MS + 1_000).toBeLessThan(60_000);
    expect(new Set(smtp.accepted.map((m) => m.messageId)).size).toBe(3);
    release();
    expect(await dead).toBe("killed");
  });

  it("runs in the background, wakes up on kick, and finishes the batch in flight when stopped", async () => {
    const dispatcher = startMailDispatcher({ db: () => t.db, transport, intervalMs: 60_000, from: FROM, logger });
    try {
      const first = await enqueueMail(t.db, mail(1));
      dispatcher.kick();
      await until(async () => (await row(first)).status === "SENT");

      smtp.delayMs = 300;
      const second = await enqueueMail(t.db, mail(2));
      dispatcher.kick();
      // Claimed and being sent (the server takes 300 ms to answer): stop() must wait for it.
      await until(async () => (await row(second)).lockedUntil !== null);
    } finally {
      await dispatcher.stop();
    }
    expect(smtp.accepted).toHaveLength(2);
    const rows = await t.db.select().from(mailOutbox);
    expect(rows.every((r) => r.status === "SENT" && r.lockedUntil === null)).toBe(true);
  });

  it("logs a failed tick and carries on at the next one", async () => {
    const id = await enqueueMail(t.db, mail(1));
    const errors: unknown[] = [];
    const spy = { info: () => undefined, warn: () => undefined, error: (...args: unknown[]) => errors.push(args) };
    let ticks = 0;
    const dispatcher = startMailDispatcher({
      db: () => {
        if (ticks++ === 0) throw new Error("database unavailable");
        return t.db;
      },
      transport,
      intervalMs: 20,
      from: FROM,
      logger: spy as unknown as Logger,
    });
    try {
      await until(async () => (await row(id)).status === "SENT");
    } finally {
      await dispatcher.stop();
    }
    expect(errors).toHaveLength(1);
    expect(smtp.accepted).toHaveLength(1);
  });

  it("reports the backlog by status with the age of the oldest pending message", async () => {
    const id = await enqueueMail(t.db, mail(1));
    await enqueueMail(t.db, mail(2));
    const { createdAt } = await row(id);
    const backlog = await outboxBacklog(t.db, new Date(createdAt.getTime() + 90_500));
    expect(backlog).toEqual({ pending: 2, sent: 0, dead: 0, oldestPendingAgeSeconds: 90 });
  });
});
