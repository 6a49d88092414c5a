import { outboxMails } from "./support/outbox";
import { and, count, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeContactStatus, listContactMessages, readContactMessage } from "~/features/contact/contact-inbox.server";
import { CONTACT_WRITER_ROLE, ensureContactWriterRole, sqlStateOf } from "~/features/contact/contact-writer.server";
import { loadContactPrefill } from "~/features/contact/load-contact-prefill.server";
import { solvePow } from "~/features/contact/pow-client";
import { encodePowPayload } from "~/features/contact/proof-of-work";
import { createContactChallenge } from "~/features/contact/proof-of-work.server";
import { CONTACT_THROTTLE, countContactAttempt, emailBlindIndex, submitContact, type SubmitContactInput } from "~/features/contact/submit-contact.server";
import { auditLog, contactMessages } from "~/platform/db/schema";
import { createMemberPerson, createUser } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

let seq = 0;
const uniqueIp = () => `ip-hash-${++seq}-${Math.random().toString(36).slice(2)}`;
const uniqueEmail = () => `prospect.${++seq}.${Math.random().toString(36).slice(2)}@exemple.fr`;
const MESSAGE = "Bonjour, je voudrais connaître le délai de remboursement d’une paire de lunettes.";

async function solvedPow(): Promise<string> {
  const challenge = await createContactChallenge(new Date(), { min: 50, max: 300 });
  const solution = await solvePow(challenge);
  return encodePowPayload({ challenge, solution: solution! });
}

function input(overrides: Partial<SubmitContactInput> = {}): SubmitContactInput {
  return { category: "REIMBURSEMENT", message: MESSAGE, email: uniqueEmail(), sender: null, client: { ipHash: uniqueIp() }, ...overrides };
}

async function messageCount(): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(contactMessages);
  return row!.n;
}

/** Runs `statement` as the contact writer role and returns its SQLSTATE (undefined on success). */
async function asWriter(statement: string): Promise<string | undefined> {
  try {
    await t.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role ${CONTACT_WRITER_ROLE}`));
      await tx.execute(sql.raw(statement));
      // Never keep what the probe wrote.
      throw Object.assign(new Error("rollback"), { code: "ROLLB" });
    });
  } catch (err) {
    const state = sqlStateOf(err);
    return state === "ROLLB" ? undefined : state;
  }
  return undefined;
}

describe(`contact form on ${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("records an anonymous message with a valid proof of work, encrypted, acknowledged and audited", async () => {
    const email = uniqueEmail();
    const outcome = await submitContact(t.db, input({ email, memberNumber: "A00000018", pow: await solvedPow() }));
    expect(outcome.kind).toBe("sent");
    if (outcome.kind !== "sent") return;
    expect(outcome.reference).toMatch(/^MSG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

    const [row] = await t.db.select().from(contactMessages).where(eq(contactMessages.id, outcome.id));
    expect(row).toMatchObject({ reference: outcome.reference, category: "REIMBURSEMENT", status: "NEW", senderUserId: null, emailBidx: emailBlindIndex(email) });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(email);
    expect(stored).not.toContain("lunettes");
    expect(stored).not.toContain("A00000018");

    const [mail] = await outboxMails(t.db, { to: email });
    expect(mail!.subject).toContain(outcome.reference);
    expect(mail!.textBody).toContain("« Remboursement »");
    expect(mail!.textBody).not.toContain("lunettes");

    const [audit] = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "contact.message.received"), eq(auditLog.targetId, outcome.id)));
    expect(audit!.details).toMatchObject({ reference: outcome.reference, signedIn: false, proofOfWork: true });
    expect(JSON.stringify(audit)).not.toContain(email);
  });

  it("accepts a solution once: a replay is refused and writes nothing", async () => {
    const pow = await solvedPow();
    expect((await submitContact(t.db, input({ pow }))).kind).toBe("sent");
    const before = await messageCount();
    expect((await submitContact(t.db, input({ pow }))).kind).toBe("pow-replayed");
    expect(await messageCount()).toBe(before);
  });

  it("refuses anonymous messages without a proof of work, or with a forged one", async () => {
    expect((await submitContact(t.db, input())).kind).toBe("pow-missing");
    expect((await submitContact(t.db, input({ pow: "bm90IGEgcHJvb2Y=" }))).kind).toBe("pow-invalid");
    const expired = await createContactChallenge(new Date(Date.now() - 10 * 60_000), { min: 50, max: 300 });
    const pow = encodePowPayload({ challenge: expired, solution: (await solvePow(expired))! });
    expect((await submitContact(t.db, input({ pow }))).kind).toBe("pow-expired");
  });

  it("lets signed-in users send without a proof of work, but still checks one that is sent", async () => {
    const person = await createMemberPerson(t.db);
    const user = await createUser(t.db, { role: "MEMBER", personId: person.id });
    const sender = { userId: user.id, label: user.email };
    const outcome = await submitContact(t.db, input({ sender, email: user.email }));
    expect(outcome.kind).toBe("sent");
    if (outcome.kind !== "sent") return;
    const [row] = await t.db.select({ senderUserId: contactMessages.senderUserId }).from(contactMessages).where(eq(contactMessages.id, outcome.id));
    expect(row!.senderUserId).toBe(user.id);
    expect((await submitContact(t.db, input({ sender, pow: "bm90IGEgcHJvb2Y=" }))).kind).toBe("pow-invalid");
  });

  it("fills in a signed-in sender's e-mail and member number, and only the e-mail for staff", async () => {
    const person = await createMemberPerson(t.db);
    const member = await createUser(t.db, { role: "MEMBER", personId: person.id });
    expect(await loadContactPrefill(t.db, member)).toEqual({ email: member.email, memberNumber: person.memberNumber });
    const staff = await createUser(t.db, { role: "CLAIMS_HANDLER" });
    expect(await loadContactPrefill(t.db, staff)).toEqual({ email: staff.email, memberNumber: null });
  });

  it("limits accepted messages per address, whatever the IP", async () => {
    const person = await createMemberPerson(t.db);
    const user = await createUser(t.db, { role: "MEMBER", personId: person.id });
    const email = uniqueEmail();
    const sender = { userId: user.id, label: user.email };
    for (let i = 0; i < CONTACT_THROTTLE.sentAddress.limit; i++) {
      expect((await submitContact(t.db, input({ sender, email }))).kind).toBe("sent");
    }
    const blocked = await submitContact(t.db, input({ sender, email }));
    expect(blocked).toMatchObject({ kind: "throttled" });
    if (blocked.kind === "throttled") expect(blocked.retryAfterSeconds).toBeGreaterThan(3000);
  });

  it("limits accepted messages per IP, whatever the address", async () => {
    const person = await createMemberPerson(t.db);
    const user = await createUser(t.db, { role: "MEMBER", personId: person.id });
    const client = { ipHash: uniqueIp() };
    const sender = { userId: user.id, label: user.email };
    for (let i = 0; i < CONTACT_THROTTLE.sentIp.limit; i++) {
      expect((await submitContact(t.db, input({ sender, client }))).kind).toBe("sent");
    }
    expect((await submitContact(t.db, input({ sender, client }))).kind).toBe("throttled");
  });

  it("limits attempts per IP, valid or not", async () => {
    const ip = uniqueIp();
    const now = new Date();
    for (let i = 0; i < CONTACT_THROTTLE.attemptsIp.limit; i++) expect(await countContactAttempt(t.db, ip, now)).toBe(0);
    expect(await countContactAttempt(t.db, ip, now)).toBeGreaterThan(0);
    expect(await countContactAttempt(t.db, uniqueIp(), now)).toBe(0);
  });
});

describe("the contact writer role (least privilege)", () => {
  it("is set up idempotently", async () => {
    expect(await ensureContactWriterRole(t.db)).toBe(true);
    expect(await ensureContactWriterRole(t.db)).toBe(true);
  });

  it("can insert a message", async () => {
    const state = await asWriter(
      `insert into contact_messages (id, reference, category, message_enc, email_enc, email_bidx, created_at)
       values (gen_random_uuid(), 'MSG-TEST-ROLE', 'OTHER', 'x', 'y', 'z', now())`,
    );
    expect(state).toBeUndefined();
  });

  it.each([
    "select * from persons",
    "select * from contracts",
    "select * from users",
    "select * from sessions",
    "select * from audit_log",
    "select * from mail_outbox",
    "select * from contact_messages",
    "select count(*) from contact_messages",
  ])("cannot read member data: %s → permission denied (42501)", async (statement) => {
    expect(await asWriter(statement)).toBe("42501");
  });

  it.each([
    "insert into contact_messages (id, reference, category, message_enc, email_enc, email_bidx, created_at) values (gen_random_uuid(), 'MSG-TEST-RETN', 'OTHER', 'x', 'y', 'z', now()) returning id",
    "insert into contact_messages (id, reference, category, message_enc, email_enc, email_bidx, created_at) values (gen_random_uuid(), 'MSG-TEST-SUBQ', 'OTHER', (select email from persons limit 1), 'y', 'z', now())",
    "update contact_messages set status = 'CLOSED'",
    "delete from contact_messages",
    "truncate contact_messages",
    "insert into mail_outbox (message_id, to_address, subject, text_body, template, next_attempt_at) values ('<x@y>', 'a@b.fr', 's', 't', 'x', now())",
    "insert into audit_log (at, actor_label, action, outcome) values (now(), 'x', 'x', 'success')",
    "create table stolen (x text)",
  ])("cannot do anything else: %s → permission denied (42501)", async (statement) => {
    expect(await asWriter(statement)).toBe("42501");
  });

  it("fails closed when the role has lost its grant: nothing is written, not even the acknowledgement", async () => {
    await t.db.execute(sql.raw(`revoke insert on contact_messages from ${CONTACT_WRITER_ROLE}`));
    try {
      const before = await messageCount();
      const person = await createMemberPerson(t.db);
      const user = await createUser(t.db, { role: "MEMBER", personId: person.id });
      const email = uniqueEmail();
      expect((await submitContact(t.db, input({ sender: { userId: user.id, label: user.email }, email }))).kind).toBe("unavailable");
      expect(await messageCount()).toBe(before);
      expect(await outboxMails(t.db, { to: email })).toHaveLength(0);
    } finally {
      await ensureContactWriterRole(t.db);
    }
  });
});

describe("staff inbox", () => {
  it("lists without content, reads with an audit entry, and changes status with history", async () => {
    const staff = await createUser(t.db, { role: "CLAIMS_HANDLER", withTotp: true });
    const actor = { userId: staff.id, label: staff.email };
    const email = uniqueEmail();
    const hostile = "<script>alert(1)</script>\n  ligne indentée\n'; DROP TABLE users; --";
    const sent = await submitContact(t.db, input({ email, message: hostile, category: "COMPLAINT", pow: await solvedPow() }));
    if (sent.kind !== "sent") throw new Error(sent.kind);

    const list = await listContactMessages(t.db, { status: "NEW", page: 1, pageSize: 200 });
    const item = list.items.find((m) => m.id === sent.id);
    expect(item).toMatchObject({ reference: sent.reference, category: "COMPLAINT", status: "NEW", fromMember: false });
    expect(JSON.stringify(list)).not.toContain("DROP TABLE");

    const detail = await readContactMessage(t.db, sent.id, { actor, ipHash: "staff-ip" });
    expect(detail).toMatchObject({ message: hostile, email, memberNumber: null, sender: null, history: [] });
    const [read] = await t.db.select().from(auditLog).where(eq(auditLog.action, "contact.message.read")).orderBy(desc(auditLog.id)).limit(1);
    expect(read).toMatchObject({ actorUserId: staff.id, targetId: sent.id });

    expect(await changeContactStatus(t.db, { id: sent.id, to: "IN_PROGRESS", actor, ipHash: "staff-ip" })).toBe("changed");
    expect(await changeContactStatus(t.db, { id: sent.id, to: "IN_PROGRESS", actor, ipHash: "staff-ip" })).toBe("unchanged");
    expect(await changeContactStatus(t.db, { id: "00000000-0000-4000-8000-000000000000", to: "CLOSED", actor, ipHash: "staff-ip" })).toBe("not-found");
    const after = await readContactMessage(t.db, sent.id, { actor, ipHash: "staff-ip" });
    expect(after).toMatchObject({ status: "IN_PROGRESS", history: [{ fromStatus: "NEW", toStatus: "IN_PROGRESS", actorLabel: staff.email }] });
    const [changed] = await t.db.select().from(auditLog).where(eq(auditLog.action, "contact.message.status-changed")).orderBy(desc(auditLog.id)).limit(1);
    expect(changed!.details).toMatchObject({ from: "NEW", to: "IN_PROGRESS" });
    expect((await listContactMessages(t.db, { status: "NEW", page: 1, pageSize: 200 })).items.some((m) => m.id === sent.id)).toBe(false);
  });

  it("paginates", async () => {
    const first = await listContactMessages(t.db, { page: 1, pageSize: 2 });
    const second = await listContactMessages(t.db, { page: 2, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.hasNextPage).toBe(true);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    expect(first.total).toBe(await messageCount());
  });
});
