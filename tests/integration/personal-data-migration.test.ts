import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { afterMigrate } from "~/after-migrate.server";
import { loginWithPassword } from "~/features/accounts/login.server";
import { openDraft } from "~/features/subscriptions/draft-storage.server";
import { appendAudit } from "~/platform/audit/audit.server";
import { sealAuditBacklog } from "~/platform/audit/seal.server";
import { verifyAuditChain } from "~/platform/audit/verify.server";
import { hashPassword } from "~/platform/auth/password.server";
import { emailIndex, openInboundSender, openPersonContact, openTokenEmail, openUserEmail } from "~/platform/crypto/personal-data.server";
import { encryptPersonalDataAtRest } from "~/platform/crypto/personal-data-conversion.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { auditLog, authTokens, inboundClaimEmails, mailOutbox, persons, subscriptionDrafts, switchboardEvents, users } from "~/platform/db/schema";
import { openMailContent, openMailRecipient } from "~/platform/mail/outbox.server";
import { scanTablesForClearValues } from "./support/dump-scan";
import { createTestDatabaseUpTo } from "./support/migrations";
import type { TestDatabase } from "./support/test-db";

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

describe(`migration 0005 and the boot-time conversion of personal data (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  let t: TestDatabase | undefined;
  afterAll(async () => {
    await t?.dispose();
  });

  it("encrypts the clear addresses, phones and outbox contents of a database at 0004, resumably; sealed audit entries still verify", async () => {
    t = await createTestDatabaseUpTo("0004_");
    const db = t.db;
    const passwordHash = await hashPassword("une phrase de passe solide");

    // Rows as a deployment at 0004 wrote them, everything in clear.
    await db.execute(sql`insert into formulas (code, name, description, tariff_multiplier_permille, valid_from) values ('F9', 'Test', 'Test', 1000, '2024-01-01')`);
    await db.execute(sql`insert into contracts (number, kind, status, formula_id, start_date, departement)
                         select 'CT-OLD-1', 'INDIVIDUAL', 'ACTIVE', id, '2024-01-01', '83' from formulas where code = 'F9'`);
    await db.execute(sql`insert into persons (contract_id, role, member_number, first_name, last_name, birth_date, nir_enc, nir_hint, email, phone, covered_from)
                         select id, 'MEMBER', 'A99990001', 'Ancien', 'Adhérent', '1970-01-01', 'x', '1700155', 'Ancien.Adherent@Exemple.fr', '06 39 98 11 22', '2024-01-01'
                         from contracts where number = 'CT-OLD-1'`);
    await db.execute(sql`insert into users (email, role, display_name, person_id, password_hash)
                         select 'ancien.adherent@exemple.fr', 'MEMBER', 'Ancien Adhérent', id, ${passwordHash} from persons where member_number = 'A99990001'`);
    await db.execute(sql`insert into users (email, role, display_name) values ('vieil.admin@bascule.example', 'ADMIN', 'Vieil Admin')`);
    await db.execute(sql`insert into auth_tokens (purpose, token_hash, person_id, email, expires_at)
                         select 'ACTIVATION', 'hash-1', id, 'ancien.adherent@exemple.fr', now() + interval '1 day' from persons where member_number = 'A99990001'`);
    await db.execute(sql`insert into mail_outbox (message_id, to_address, subject, text_body, html_body, template, status)
                         values ('<pending@x>', 'ancien.adherent@exemple.fr', 'Activez', 'Lien : https://portail/activation/SECRET-PENDING', '<p>SECRET-PENDING</p>', 'account.activation', 'PENDING'),
                                ('<sent@x>', 'ancien.adherent@exemple.fr', 'Code 123456', 'Lien : https://portail/activation/SECRET-SENT', null, 'account.activation', 'SENT')`);
    await db.execute(sql`insert into inbound_claim_emails (message_id, mailbox, uid_validity, uid, from_address, subject, received_at, size_bytes, attachment_count, status, triage_reason, raw_enc)
                         values ('m-1', 'INBOX', 1, 1, 'ancien.adherent@exemple.fr', 'Facture', now(), 10, 0, 'TRIAGE', 'UNKNOWN_SENDER', 'x'),
                                ('m-2', 'INBOX', 1, 2, '', 'Sans expéditeur', now(), 10, 0, 'TRIAGE', 'UNKNOWN_SENDER', 'x')`);
    const quote = { quoteId: crypto.randomUUID(), reference: "DV-OLD1-OLD1", email: "prospect.ancien@exemple.fr", postcode: "83000", departement: "83", scheme: "GENERAL", startDate: "2026-12-15", validUntil: "2026-12-30T00:00:00.000Z", persons: [], formulas: [], chosenFormulaCode: null };
    const data = { address: { addressLine: "1 rue", addressLine2: "", postcode: "83000", city: "Toulon", email: "prospect.ancien@exemple.fr", phone: "06 39 98 33 44" } };
    await db.execute(sql`insert into subscription_drafts (resume_token_hash, quote_id, quote_reference, quote, current_step, data, expires_at, decided_by_label)
                         values ('r-1', ${quote.quoteId}, 'DV-OLD1-OLD1', ${JSON.stringify(quote)}::jsonb, 'adresse', ${JSON.stringify(data)}::jsonb, now() + interval '30 days', 'vieil.admin@bascule.example')`);
    await db.execute(sql`insert into switchboard_events (version, service_key, to_state, at, actor_label) values (1, 'devis-en-ligne', 'CLOSED', now(), 'cli:vieil.admin@bascule.example')`);
    // An audit entry written the old way, sealed: it must stay byte for byte as it was.
    await appendAudit(db, { actor: { userId: null, label: "vieil.admin@bascule.example" }, action: "legacy.entry", outcome: "success" });
    await sealAuditBacklog(db);
    const [sealedBefore] = await db.select().from(auditLog).where(eq(auditLog.action, "legacy.entry"));

    await applyMigrations(t, afterMigrate);

    const [person] = await db.select().from(persons).where(eq(persons.memberNumber, "A99990001"));
    expect(person).toMatchObject({ legacyEmail: null, legacyPhone: null, emailBidx: emailIndex("ancien.adherent@exemple.fr") });
    expect(openPersonContact(person!)).toEqual({ email: "Ancien.Adherent@Exemple.fr", phone: "06 39 98 11 22" });
    const accounts = await db.select().from(users);
    expect(accounts.every((u) => u.legacyEmail === null && u.emailBidx !== null)).toBe(true);
    expect(accounts.map((u) => openUserEmail(u.emailEnc)).sort()).toEqual(["ancien.adherent@exemple.fr", "vieil.admin@bascule.example"]);
    const [token] = await db.select().from(authTokens);
    expect(token!.legacyEmail).toBeNull();
    expect(openTokenEmail(token!)).toBe("ancien.adherent@exemple.fr");

    // The unsent message keeps its content, encrypted; the sent one keeps metadata only.
    const mails = await db.select().from(mailOutbox).orderBy(mailOutbox.messageId);
    const [pending, sent] = [mails.find((m) => m.messageId === "<pending@x>")!, mails.find((m) => m.messageId === "<sent@x>")!];
    expect(openMailContent(pending.contentEnc!)).toEqual({ subject: "Activez", text: "Lien : https://portail/activation/SECRET-PENDING", html: "<p>SECRET-PENDING</p>" });
    expect(sent.contentEnc).toBeNull();
    for (const m of mails) {
      expect(m).toMatchObject({ legacyToAddress: null, legacySubject: null, legacyTextBody: null, legacyHtmlBody: null, recipientBidx: emailIndex("ancien.adherent@exemple.fr") });
      expect(openMailRecipient(m.recipientEnc!)).toBe("ancien.adherent@exemple.fr");
    }

    const inbound = await db.select().from(inboundClaimEmails).orderBy(inboundClaimEmails.uid);
    expect(inbound.map((m) => [m.legacyFromAddress, openInboundSender(m), m.fromBidx])).toEqual([
      [null, "ancien.adherent@exemple.fr", emailIndex("ancien.adherent@exemple.fr")],
      [null, "", null],
    ]);

    const [draft] = await db.select().from(subscriptionDrafts);
    expect(JSON.stringify(draft)).not.toContain("prospect.ancien");
    expect(JSON.stringify(draft)).not.toContain("06 39 98 33 44");
    const opened = openDraft(draft!);
    expect(opened.quote.email).toBe("prospect.ancien@exemple.fr");
    expect(opened.data.address).toMatchObject({ email: "prospect.ancien@exemple.fr", phone: "06 39 98 33 44" });
    expect(draft!.decidedByLabel).toBe("Vieil Admin");
    const [event] = await db.select().from(switchboardEvents);
    expect(event!.actorLabel).toBe("cli:Vieil Admin");

    // Nothing of it is left in clear, but the sealed audit entry, which is not rewritten and still verifies.
    const secrets = [
      { kind: "email" as const, value: "ancien.adherent@exemple.fr" },
      { kind: "email" as const, value: "prospect.ancien@exemple.fr" },
      { kind: "phone" as const, value: "06 39 98 11 22" },
      { kind: "phone" as const, value: "06 39 98 33 44" },
      { kind: "token" as const, value: "SECRET-PENDING" },
      { kind: "token" as const, value: "SECRET-SENT" },
    ];
    expect(await scanTablesForClearValues(db, secrets)).toEqual([]);
    expect(await scanTablesForClearValues(db, [{ kind: "email", value: "vieil.admin@bascule.example" }])).toEqual([
      { kind: "email", value: "vieil.admin@bascule.example", where: "audit_log.actor_label" },
    ]);
    const [sealedAfter] = await db.select().from(auditLog).where(eq(auditLog.action, "legacy.entry"));
    expect(sealedAfter).toEqual(sealedBefore);
    expect((await verifyAuditChain(db)).ok).toBe(true);

    // Sign-in by address works on the converted account, whatever the case typed.
    const login = await loginWithPassword(db, { email: "ANCIEN.ADHERENT@exemple.fr ", password: "une phrase de passe solide", client: { ipHash: "ip", userAgent: null } });
    expect(login.kind).toBe("signed-in");

    // A second boot has nothing left to do.
    expect(await encryptPersonalDataAtRest(db)).toEqual({ labels: 0, users: 0, persons: 0, authTokens: 0, outbox: 0, inbound: 0 });
  });
});
