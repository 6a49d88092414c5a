import { eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeActivation, requestActivation } from "~/features/accounts/activate-account.server";
import { loginWithPassword } from "~/features/accounts/login.server";
import { completePasswordReset, requestPasswordReset } from "~/features/accounts/reset-password.server";
import { ingestMessage } from "~/features/claims/email/email-intake.server";
import { solvePow } from "~/features/contact/pow-client";
import { encodePowPayload } from "~/features/contact/proof-of-work";
import { createContactChallenge } from "~/features/contact/proof-of-work.server";
import { submitContact } from "~/features/contact/submit-contact.server";
import { DEMO_KARIM, DEMO_LUCIE, DEMO_MARIE, DEMO_PASSWORD, DEMO_STAFF } from "~/features/demo/demo-accounts";
import { seedDemoData } from "~/features/demo/seed.server";
import { ensureReferenceData } from "~/features/members/reference-data.server";
import { saveQuote } from "~/features/quotes/create-quote.server";
import { validateSubscription } from "~/features/subscriptions/review-subscriptions.server";
import { sendSignatureCode, verifySignatureCode } from "~/features/subscriptions/signature.server";
import {
  findDraft,
  saveAddress,
  saveBank,
  saveDocuments,
  saveFormula,
  savePersons,
  startDraft,
} from "~/features/subscriptions/subscription-draft.server";
import { addTester } from "~/features/switchboard/store.server";
import { auditActorOf } from "~/platform/auth/guards.server";
import { decryptField } from "~/platform/crypto/keyring.server";
import { emailIndex, openPersonContact, openUserEmail } from "~/platform/crypto/personal-data.server";
import { auditLog, contracts, mailOutbox, persons, systemState, users } from "~/platform/db/schema";
import { dispatchDueMail } from "~/platform/mail/dispatcher.server";
import type { MailTransport, OutboundMessage } from "~/platform/mail/transports.server";
import { buildMessage } from "./support/claims-email";
import { type Sensitive, scanPgDumpForClearValues, scanTablesForClearValues } from "./support/dump-scan";
import { outboxMails } from "./support/outbox";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * ADR 019 end to end: seed, run the paths that handle e-mail addresses, phone numbers, NIRs, IBANs,
 * one-time links and signature codes, then read every table (and a pg_dump on PostgreSQL) as a
 * thief would: none of those values may be readable, before the mail is sent nor after.
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const NOW = new Date("2026-11-30T10:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
let ip = 0;
const client = () => ({ ipHash: `ip-${++ip}`, userAgent: "vitest" });

const PROSPECT = { email: "Prospect.Scan@Exemple.fr", phone: "06 39 98 45 67", nir: "295109912611193", iban: "FR7630006000011234567890189" };
const CONTACT_EMAIL = "ecrit.au.contact@exemple.fr";
const UNKNOWN_SENDER = "expediteur.inconnu@exemple.fr";
const UNKNOWN_LOGIN = "personne.inconnue@exemple.fr";

let t: TestDatabase;
const sent: OutboundMessage[] = [];
const transport: MailTransport = {
  name: "capture",
  async send(message) {
    sent.push(message);
  },
};
const secrets: Sensitive[] = [];

const linkToken = (text: string | null, path: string) => {
  const token = new RegExp(`${path}/([A-Za-z0-9_-]{43})`).exec(text ?? "")?.[1];
  if (!token) throw new Error(`no ${path} link`);
  return token;
};

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureReferenceData(t.db);
  await seedDemoData(t.db, { seed: 19, members: 40, now: NOW });
}, 240_000);
afterAll(async () => {
  await t?.dispose();
});

/** Everything sensitive the seed wrote, read back with the keys (what a thief would want). */
async function seededSecrets(): Promise<Sensitive[]> {
  const found: Sensitive[] = [];
  for (const p of await t.db.select().from(persons)) {
    const contact = openPersonContact(p);
    if (contact.email) found.push({ kind: "email", value: contact.email });
    if (contact.phone) found.push({ kind: "phone", value: contact.phone });
    if (p.nirEnc) found.push({ kind: "nir", value: decryptField("persons.nir", p.nirEnc) });
  }
  for (const u of await t.db.select().from(users)) found.push({ kind: "email", value: openUserEmail(u.emailEnc) });
  for (const c of await t.db.select().from(contracts).where(isNotNull(contracts.ibanEnc))) {
    found.push({ kind: "iban", value: decryptField("contracts.iban", c.ibanEnc!) });
  }
  return found;
}

describe(`personal data at rest (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("runs sign-in, activation, reset, quote, subscription, contact and e-mail intake", async () => {
    secrets.push(...(await seededSecrets()));
    expect(secrets.filter((s) => s.kind === "email").length).toBeGreaterThan(40);
    expect(secrets.filter((s) => s.kind === "phone").length).toBeGreaterThan(40);
    expect(secrets.some((s) => s.kind === "nir") && secrets.some((s) => s.kind === "iban")).toBe(true);
    secrets.push(
      ...[PROSPECT.email, CONTACT_EMAIL, UNKNOWN_SENDER, UNKNOWN_LOGIN].map((value) => ({ kind: "email" as const, value })),
      { kind: "phone", value: PROSPECT.phone },
      { kind: "nir", value: PROSPECT.nir },
      { kind: "iban", value: PROSPECT.iban },
    );

    // Sign-in by e-mail (any case), and a failed one for an address nobody has.
    const login = await loginWithPassword(t.db, { email: ` ${DEMO_MARIE.email.toUpperCase()}`, password: DEMO_PASSWORD, client: client() }, NOW);
    expect(login.kind).toBe("signed-in");
    expect((await loginWithPassword(t.db, { email: UNKNOWN_LOGIN, password: "pas le bon mot de passe", client: client() }, NOW)).kind).toBe("invalid");

    // Activation (Lucie) and password reset (Karim): their links are live secrets.
    await requestActivation(t.db, { memberNumber: DEMO_LUCIE.memberNumber, birthDate: DEMO_LUCIE.birthDate, client: client() }, NOW);
    const activation = linkToken((await outboxMails(t.db, { to: DEMO_LUCIE.email, template: "account.activation" })).at(-1)!.textBody, "/activation");
    secrets.push({ kind: "token", value: activation });
    expect((await completeActivation(t.db, { token: activation, password: "ma mutuelle en ligne enfin", client: client() }, at(1))).kind).toBe("activated");
    const [lucie] = await t.db.select().from(users).where(eq(users.emailBidx, emailIndex(DEMO_LUCIE.email)));
    expect(openUserEmail(lucie!.emailEnc)).toBe(DEMO_LUCIE.email);
    await requestActivation(t.db, { memberNumber: DEMO_LUCIE.memberNumber, birthDate: DEMO_LUCIE.birthDate, client: client() }, at(2));

    await requestPasswordReset(t.db, { email: DEMO_KARIM.email, client: client() }, NOW);
    const reset = linkToken((await outboxMails(t.db, { to: DEMO_KARIM.email, template: "auth.password-reset" })).at(-1)!.textBody, "/mot-de-passe-oublie");
    secrets.push({ kind: "token", value: reset });
    // An unused second link stays live in the outbox until sent: it must not be readable either.
    await requestPasswordReset(t.db, { email: DEMO_MARIE.email, client: client() }, NOW);
    secrets.push({ kind: "token", value: linkToken((await outboxMails(t.db, { to: DEMO_MARIE.email, template: "auth.password-reset" })).at(-1)!.textBody, "/mot-de-passe-oublie") });
    expect((await completePasswordReset(t.db, { token: reset, password: "un tout nouveau mot de passe solide", client: client() }, at(1))).kind).toBe("reset");

    // A saved, e-mailed quote, then the online subscription from it, signed and validated.
    const quote = await saveQuote(
      t.db,
      { postcode: "83000", startDate: "2026-12-15", memberBirthDate: "1995-10-14", children: [], priorities: [], formula: "F2", email: PROSPECT.email, sendByEmail: true },
      client(),
      NOW,
    );
    if (quote.kind !== "saved") throw new Error(quote.kind);
    const started = await startDraft(t.db, { reference: quote.reference, email: PROSPECT.email.toLowerCase(), client: client() }, NOW);
    if (started.kind !== "started") throw new Error(started.kind);
    const reload = async () => (await findDraft(t.db, started.token, NOW))!;
    await saveFormula(t.db, await reload(), "F2", NOW);
    await savePersons(t.db, await reload(), [{ civility: "Mme", firstName: "Camille", lastName: "Scan", birthDate: "1995-10-14", nir: PROSPECT.nir }], NOW);
    await saveAddress(t.db, await reload(), { addressLine: "3 rue du Port", addressLine2: "", postcode: "83000", city: "Toulon", email: PROSPECT.email, phone: PROSPECT.phone }, NOW);
    await saveBank(t.db, await reload(), { iban: PROSPECT.iban.replace(/(.{4})/g, "$1 "), bic: "", accountHolder: "Camille Scan" }, NOW);
    await saveDocuments(t.db, await reload(), { startDate: "2026-12-15" }, NOW);
    expect((await sendSignatureCode(t.db, await reload(), client(), NOW)).kind).toBe("sent");
    const codeMail = (await outboxMails(t.db, { to: PROSPECT.email, template: "subscription.signature-code" })).at(-1)!;
    const code = /(\d{6})/.exec(codeMail.subject ?? "")![1]!;
    secrets.push({ kind: "code", value: code });
    const draftId = (await reload()).id;
    expect((await verifySignatureCode(t.db, draftId, code, client(), at(1))).kind).toBe("signed");

    const [handlerRow] = await t.db.select().from(users).where(eq(users.emailBidx, emailIndex(DEMO_STAFF[0]!.email)));
    const staff = auditActorOf(handlerRow!);
    expect((await validateSubscription(t.db, draftId, { actor: staff, ipHash: "ip-staff" }, at(2))).kind).toBe("done");
    secrets.push({ kind: "token", value: linkToken((await outboxMails(t.db, { to: PROSPECT.email, template: "subscription.validated" })).at(-1)!.textBody, "/activation") });

    // The contact form, anonymous (proof of work) and signed in.
    const challenge = await createContactChallenge(new Date(), { min: 50, max: 300 });
    const pow = encodePowPayload({ challenge, solution: (await solvePow(challenge))! });
    const message = "Bonjour, pouvez-vous me rappeler au 06 39 98 45 67 ?";
    expect((await submitContact(t.db, { category: "OTHER", message, email: CONTACT_EMAIL, sender: null, client: { ipHash: "ip-contact" }, pow })).kind).toBe("sent");

    // E-mail intake: a member's claim and a message from an unknown sender (triage).
    const context = { mailbox: "INBOX", uidValidity: 1, now: NOW, origin: "http://localhost" };
    for (const [uid, from, subject] of [
      [1, `Marie Dupont <${DEMO_MARIE.email}>`, `Facture BAS-${DEMO_MARIE.memberNumber}`],
      [2, `Inconnu <${UNKNOWN_SENDER}>`, "Remboursement"],
    ] as const) {
      const raw = await buildMessage({ from, subject, attachments: [{ filename: "facture.pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n"), contentType: "application/pdf" }] });
      await ingestMessage(t.db, { uid, source: raw, size: raw.length, internalDate: NOW, envelopeMessageId: null }, context);
    }

    // A staff action naming another person: the audit log refers to both by id.
    const [admin] = await t.db.select().from(users).where(eq(users.emailBidx, emailIndex(DEMO_STAFF.find((s) => s.role === "ADMIN")!.email)));
    await addTester(t.db, { actor: auditActorOf(admin!), userId: lucie!.id, now: at(3) });
  }, 120_000);

  it("holds none of them in clear while the mail waits in the outbox", async () => {
    expect((await t.db.select().from(mailOutbox).where(isNotNull(mailOutbox.contentEnc))).length).toBeGreaterThan(5);
    expect(await scanTablesForClearValues(t.db, secrets)).toEqual([]);
  });

  it("erases the content of each message once sent, keeping its metadata", async () => {
    // Some paths queue mail at the wall clock's time, others at NOW: dispatch after both.
    const later = new Date(Math.max(Date.now(), at(60).getTime()) + 60_000);
    for (;;) {
      const result = await dispatchDueMail(t.db, transport, { now: later, batchSize: 50, from: "Bascule <ne-pas-repondre@bascule.example>" });
      if (result.sent + result.failed + result.dead === 0) break;
    }
    // What was sent carried the secrets (so the scan below looks for values that existed)…
    const tokens = secrets.filter((s) => s.kind === "token" || s.kind === "code").map((s) => s.value);
    expect(tokens.filter((token) => !sent.some((m) => m.text.includes(token) || m.subject.includes(token)))).toEqual([]);
    // …and the outbox keeps only metadata and the recipient's envelope.
    const rows = await t.db.select().from(mailOutbox);
    expect(rows.length).toBe(sent.length);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "SENT", contentEnc: null, legacyTextBody: null, legacyHtmlBody: null, legacySubject: null, legacyToAddress: null });
      expect(row.recipientEnc).not.toBeNull();
      expect(row.template).not.toBe("");
    }
  });

  it("holds none of them in clear once the mail is sent, the audit log included", async () => {
    const hits = await scanTablesForClearValues(t.db, secrets);
    expect(hits).toEqual([]);
    const entries = await t.db.select().from(auditLog);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.filter((e) => /@/.test(e.actorLabel) || /@/.test(JSON.stringify(e.details)))).toEqual([]);
  });

  it.runIf(onPostgres)("finds none of them in a pg_dump of the database", async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    const result = (await t.db.execute(sql`select current_database() as name`)) as unknown as { rows: { name: string }[] };
    url.pathname = `/${result.rows[0]!.name}`;
    const hits = await scanPgDumpForClearValues(url.toString(), secrets);
    if (hits === null) return; // pg_dump not installed: the table scan above stands alone.
    expect(hits).toEqual([]);
  });

  it("the scanner does see a value left in clear (in text, JSON and bytea)", async () => {
    const planted = { kind: "email" as const, value: DEMO_MARIE.email };
    await t.db.insert(systemState).values({ key: "dump-scan-probe", value: { note: `écrire à ${DEMO_MARIE.email.toUpperCase()}` } });
    try {
      const hits = await scanTablesForClearValues(t.db, [planted, { kind: "phone", value: "0639984567" }, { kind: "code", value: "123456" }]);
      expect(hits).toEqual([{ kind: "email", value: DEMO_MARIE.email, where: "system_state.value" }]);
    } finally {
      await t.db.delete(systemState).where(eq(systemState.key, "dump-scan-probe"));
    }
  });
});
