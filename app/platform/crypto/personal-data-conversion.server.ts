import { type SQL, eq, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.server";
import { authTokens, inboundClaimEmails, mailOutbox, persons, users } from "../db/schema";
import { sealMailContent } from "../mail/outbox.server";
import { encryptField } from "./keyring.server";
import {
  PERSONAL_DATA_PURPOSES,
  emailIndex,
  sealInboundSender,
  sealPersonContact,
  sealTokenEmail,
  sealUserEmail,
} from "./personal-data.server";

/*
 * The boot-time conversion of ADR 019, run after the migrations (under their lock on PostgreSQL):
 * SQL alone cannot encrypt with the application's keys, so the migration only adds the encrypted
 * columns and this step moves every clear e-mail address, phone number and outbox content into
 * them, a batch per transaction, emptying the clear column in the same update. It is resumable (a
 * crash leaves some rows converted, the next boot converts the rest) and a no-op once done: each
 * pass selects only rows whose clear columns still hold something.
 */

const BATCH = 500;

export type ConversionReport = Record<"labels" | "users" | "persons" | "authTokens" | "outbox" | "inbound", number>;

/** Converts what is left; returns how many rows of each kind it changed. */
export async function encryptPersonalDataAtRest(db: Db): Promise<ConversionReport> {
  // Labels first: they are matched against the clear addresses still in `users`.
  const labels = await replaceAddressLabels(db);
  return {
    labels,
    users: await drain(db, convertUsers),
    persons: await drain(db, convertPersons),
    authTokens: await drain(db, convertAuthTokens),
    outbox: await drain(db, convertOutbox),
    inbound: await drain(db, convertInbound),
  };
}

async function drain(db: Db, batch: (db: Db) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await batch(db);
    total += n;
    if (n < BATCH) return total;
  }
}

async function convertUsers(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.select({ id: users.id, email: users.legacyEmail }).from(users).where(isNotNull(users.legacyEmail)).limit(BATCH).for("update");
    for (const r of rows) await tx.update(users).set({ ...sealUserEmail(r.email!), legacyEmail: null }).where(eq(users.id, r.id));
    return rows.length;
  });
}

async function convertPersons(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: persons.id, email: persons.legacyEmail, phone: persons.legacyPhone })
      .from(persons)
      .where(or(isNotNull(persons.legacyEmail), isNotNull(persons.legacyPhone)))
      .limit(BATCH)
      .for("update");
    for (const r of rows) {
      await tx.update(persons).set({ ...sealPersonContact(r), legacyEmail: null, legacyPhone: null }).where(eq(persons.id, r.id));
    }
    return rows.length;
  });
}

async function convertAuthTokens(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.select({ id: authTokens.id, email: authTokens.legacyEmail }).from(authTokens).where(isNotNull(authTokens.legacyEmail)).limit(BATCH).for("update");
    for (const r of rows) await tx.update(authTokens).set({ ...sealTokenEmail(r.email!), legacyEmail: null }).where(eq(authTokens.id, r.id));
    return rows.length;
  });
}

/** Unsent messages keep their content, encrypted; sent ones lose it, as they would have once sent. */
async function convertOutbox(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(mailOutbox)
      .where(or(isNotNull(mailOutbox.legacyToAddress), isNotNull(mailOutbox.legacyTextBody), isNotNull(mailOutbox.legacySubject), isNotNull(mailOutbox.legacyHtmlBody)))
      .limit(BATCH)
      .for("update");
    for (const r of rows) {
      const to = r.legacyToAddress?.trim();
      const keepContent = r.status !== "SENT" && r.legacyTextBody !== null;
      await tx
        .update(mailOutbox)
        .set({
          ...(to ? { recipientEnc: encryptField(PERSONAL_DATA_PURPOSES.outboxRecipient, to), recipientBidx: emailIndex(to) } : {}),
          contentEnc: keepContent ? sealMailContent({ subject: r.legacySubject ?? "", text: r.legacyTextBody!, html: r.legacyHtmlBody }) : r.contentEnc,
          legacyToAddress: null,
          legacySubject: null,
          legacyTextBody: null,
          legacyHtmlBody: null,
        })
        .where(eq(mailOutbox.id, r.id));
    }
    return rows.length;
  });
}

async function convertInbound(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: inboundClaimEmails.id, from: inboundClaimEmails.legacyFromAddress })
      .from(inboundClaimEmails)
      .where(isNotNull(inboundClaimEmails.legacyFromAddress))
      .limit(BATCH)
      .for("update");
    for (const r of rows) {
      await tx.update(inboundClaimEmails).set({ ...sealInboundSender(r.from!), legacyFromAddress: null }).where(eq(inboundClaimEmails.id, r.id));
    }
    return rows.length;
  });
}

/*
 * Before ADR 019, the people who acted were named by their e-mail address in the labels of
 * switchboard changes, claim timelines and subscription decisions (`admin@…`, `cli:admin@…`).
 * Those labels now carry the account's display name; existing ones are rewritten the same way.
 * The audit log is not touched: its sealed entries are hashed as written (ADR 014).
 */
const LABEL_COLUMNS: readonly [table: string, column: string][] = [
  ["switchboard_services", "updated_by_label"],
  ["switchboard_events", "actor_label"],
  ["switchboard_testers", "added_by_label"],
  ["reopen_requests", "requested_by_label"],
  ["reopen_requests", "decided_by_label"],
  ["reopen_requests", "cancelled_by_label"],
  ["claim_events", "actor_label"],
  ["subscription_drafts", "decided_by_label"],
];

async function replaceAddressLabels(db: Db): Promise<number> {
  const [pending] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from users where email is not null`);
  if (!pending || pending.n === 0) return 0;
  let changed = 0;
  for (const [table, column] of LABEL_COLUMNS) {
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    const result = await rowsOf<{ n: number }>(
      db,
      sql`with changed as (
            update ${t} set ${c} = case when ${t}.${c} like 'cli:%' then 'cli:' || u.display_name else u.display_name end
            from users u
            where u.email is not null and lower(${t}.${c}) in (u.email, 'cli:' || u.email)
            returning 1)
          select count(*)::int as n from changed`,
    );
    changed += result[0]?.n ?? 0;
  }
  // The same names inside JSON documents (re-open checklists and test reports, webhook payloads),
  // as whole JSON strings; a row naming several people takes one pass per person.
  for (const [table, column] of JSON_LABEL_COLUMNS) {
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    for (;;) {
      const result = await rowsOf<{ n: number }>(
        db,
        sql`with changed as (
              update ${t} set ${c} = replace(${t}.${c}::text, to_json(u.email)::text, to_json(u.display_name)::text)::jsonb
              from users u
              where u.email is not null and position(to_json(u.email)::text in ${t}.${c}::text) > 0
              returning 1)
            select count(*)::int as n from changed`,
      );
      const n = result[0]?.n ?? 0;
      changed += n;
      if (n === 0) break;
    }
  }
  return changed;
}

const JSON_LABEL_COLUMNS: readonly [table: string, column: string][] = [
  ["reopen_requests", "checklist"],
  ["reopen_requests", "test_report"],
  ["webhook_deliveries", "payload"],
];

async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] } | T[];
  return Array.isArray(result) ? result : result.rows;
}
