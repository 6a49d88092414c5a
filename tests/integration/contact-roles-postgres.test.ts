import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTACT_WRITER_ROLE, ensureContactWriterRole } from "~/features/contact/contact-writer.server";
import { submitContact } from "~/features/contact/submit-contact.server";
import { type DatabaseHandle, openDatabase } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { setKeyring } from "~/platform/crypto/keyring.server";
import { createMemberPerson, createUser } from "./support/fixtures";
import { TEST_KEYRING } from "./support/test-db";

/*
 * Production does not run as a superuser. These tests connect as an ordinary application role
 * owning its database, as in production: with CREATEROLE the writer role is set up by the
 * application itself; without it, the setup reports failure and the contact form refuses
 * messages instead of writing with the application's broader rights.
 */
const url = process.env.TEST_DATABASE_URL;

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

type Instance = { handle: DatabaseHandle; drop(): Promise<void> };

async function instanceAs(options: { createRole: boolean }): Promise<Instance> {
  const suffix = randomBytes(5).toString("hex");
  const role = `bascule_t_app_${suffix}`;
  const database = `bascule_t_${suffix}`;
  await adminQuery(`create role ${role} login ${options.createRole ? "createrole" : ""}`);
  await adminQuery(`create database ${database} owner ${role}`);
  const dbUrl = new URL(url!);
  dbUrl.username = role;
  dbUrl.pathname = `/${database}`;
  const handle = await openDatabase({ databaseUrl: dbUrl.toString(), poolSize: 2 });
  return {
    handle,
    async drop() {
      await handle.close();
      await adminQuery(`drop database if exists ${database} with (force)`);
      await adminQuery(`drop role if exists ${role}`);
    },
  };
}

const sender = async (handle: DatabaseHandle) => {
  const person = await createMemberPerson(handle.db);
  const user = await createUser(handle.db, { role: "MEMBER", personId: person.id });
  return { userId: user.id, label: user.email };
};

const message = {
  category: "OTHER" as const,
  message: "Bonjour, une question sur mon contrat, assez longue pour passer.",
  email: "role.test@exemple.fr",
  client: { ipHash: "ip-role-test" },
};

describe.skipIf(!url)("contact writer role with a non-superuser application role (PostgreSQL)", () => {
  let withCreateRole: Instance;
  let withoutCreateRole: Instance;
  beforeAll(async () => {
    setKeyring(TEST_KEYRING);
    withCreateRole = await instanceAs({ createRole: true });
    withoutCreateRole = await instanceAs({ createRole: false });
  });
  afterAll(async () => {
    await withCreateRole?.drop();
    await withoutCreateRole?.drop();
  });

  it("sets the role up after the migrations when the application may create roles, and writes through it", async () => {
    await applyMigrations(withCreateRole.handle, afterMigrate);
    expect(await ensureContactWriterRole(withCreateRole.handle.db)).toBe(true);
    const outcome = await submitContact(withCreateRole.handle.db, { ...message, sender: await sender(withCreateRole.handle) });
    expect(outcome.kind).toBe("sent");
    await expect(
      withCreateRole.handle.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local role ${CONTACT_WRITER_ROLE}`));
        await tx.execute(sql`select * from persons`);
      }),
    ).rejects.toMatchObject({ cause: { code: "42501" } });
  });

  it("fails closed when the application may not set the role up", async () => {
    await applyMigrations(withoutCreateRole.handle, afterMigrate);
    expect(await ensureContactWriterRole(withoutCreateRole.handle.db)).toBe(false);
    const outcome = await submitContact(withoutCreateRole.handle.db, { ...message, sender: await sender(withoutCreateRole.handle) });
    expect(outcome.kind).toBe("unavailable");
    const rows = await withoutCreateRole.handle.db.execute(sql`select count(*)::int as n from contact_messages`);
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });
});
