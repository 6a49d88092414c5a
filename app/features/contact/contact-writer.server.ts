import { sql } from "drizzle-orm";
import type { Db, Tx } from "~/platform/db/client.server";
import { contactMessages } from "~/platform/db/schema";
import { logger } from "~/platform/observability/logger.server";

/*
 * Least privilege for the public contact form (docs/decisions/009-contact-form.md). The message
 * is written under a database role that holds exactly one privilege: INSERT on contact_messages.
 * Drizzle sends each statement through the extended protocol, which runs a single statement per
 * call, so even an INSERT built wrongly could not chain a `RESET ROLE`: whatever it tried to read
 * (persons, contracts, users, other messages…) would fail with "permission denied". The same
 * path runs on PGlite, which supports CREATE ROLE and SET ROLE.
 */
export const CONTACT_WRITER_ROLE = "bascule_contact_writer";

/*
 * Idempotent, and safe when several instances (or test databases of one cluster) run it at once:
 * roles are cluster-wide, so a concurrent CREATE ROLE or membership GRANT may collide and is then
 * simply already done. Revoking everything first keeps the role at exactly one privilege even if
 * someone widened it by hand.
 */
const SETUP_STATEMENTS = [
  `do $$ begin
     create role ${CONTACT_WRITER_ROLE} nologin;
   exception when duplicate_object or unique_violation then null;
   end $$`,
  `revoke all on all tables in schema public from ${CONTACT_WRITER_ROLE}`,
  `revoke all on all sequences in schema public from ${CONTACT_WRITER_ROLE}`,
  `grant insert on table contact_messages to ${CONTACT_WRITER_ROLE}`,
  `do $$ begin
     execute format('grant %I to %I', '${CONTACT_WRITER_ROLE}', current_user);
   exception when duplicate_object or unique_violation then null;
   end $$`,
];

/**
 * Creates or repairs the writer role right after the migrations. When the application's
 * database user may not create roles (a hardened production), this logs what an administrator
 * must run and returns false: the contact form then refuses messages (fail closed) while the
 * rest of the portal works.
 */
export async function ensureContactWriterRole(db: Db): Promise<boolean> {
  try {
    for (const statement of SETUP_STATEMENTS) await db.execute(sql.raw(statement));
    return true;
  } catch (err) {
    logger.error(
      { err: { message: err instanceof Error ? err.message : String(err) }, role: CONTACT_WRITER_ROLE },
      "contact writer role could not be set up: the contact form will refuse messages until an administrator runs the setup SQL of docs/decisions/009-contact-form.md",
    );
    return false;
  }
}

export type ContactMessageRow = typeof contactMessages.$inferInsert;

/**
 * Inserts one message under the writer role, inside the caller's transaction. No RETURNING: it
 * would need SELECT. The role is dropped again right after, so the outbox and audit writes of
 * the same transaction run with the application's usual rights and commit (or not) with it.
 */
export async function insertAsContactWriter(tx: Tx, row: ContactMessageRow): Promise<void> {
  await tx.execute(sql.raw(`set local role ${CONTACT_WRITER_ROLE}`));
  await tx.insert(contactMessages).values(row);
  await tx.execute(sql`reset role`);
}

/** SQLSTATE of a database error, looking through Drizzle's wrapper. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
