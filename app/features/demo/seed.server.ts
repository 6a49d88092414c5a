import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { ensureCatalogue } from "~/features/members/index.server";
import { ensureTariff } from "~/features/quotes/index.server";
import { SYSTEM_ACTOR, appendAudit } from "~/platform/audit/audit.server";
import { hashPassword } from "~/platform/auth/password.server";
import { config } from "~/platform/config/env.server";
import { encryptField } from "~/platform/crypto/keyring.server";
import { sealUserEmail } from "~/platform/crypto/personal-data.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import {
  authTokens,
  contracts,
  employers,
  persons,
  sessions,
  switchboardTesters,
  systemState,
  throttleBuckets,
  users,
} from "~/platform/db/schema";
import { BATCH_SIZE, bulkInsert } from "./bulk-insert.server";
import { seedDemoClaims } from "./demo-claims.server";
import { seedDemoInboundEmails } from "./demo-inbound-emails.server";
import { DEMO_KARIM, DEMO_LUCIE, DEMO_MARIE, DEMO_PASSWORD, DEMO_STAFF, DEMO_TESTER, DEMO_TOTP_SECRET } from "./demo-accounts";
import { DemoGenerator, isoDate } from "./generator";
import { contractRow, personRow } from "./household-rows.server";
import { type Household, draftEmployers, marieHousehold, pickEmployer, randomHousehold, singleMemberHousehold } from "./households";

/*
 * Synthetic demo data, generated at run time: no real person is ever in a Bascule database
 * outside production. The same seed (and reference date) always gives the same people, so a demo
 * or a bug report can be reproduced. Everything is written in one transaction: a failed seed
 * leaves nothing behind. The people come from pure generators (generator.ts, households.ts); this
 * module orchestrates: catalogue, employers, households in slices (bulk-insert.server.ts), accounts,
 * then the demo claims and e-mails.
 */

export type SeedOptions = {
  /** Seed of the pseudo-random generator; same seed, same people. */
  seed?: number;
  /** Number of members (subscribers), the three demo members included. */
  members?: number;
  /** Reference date for ages and contract dates. */
  now?: Date;
  log?: (message: string) => void;
};

export type SeedReport = {
  seed: number;
  members: number;
  persons: number;
  contracts: number;
  employers: number;
  users: number;
  ms: number;
};

export const DEFAULT_SEED = 1;
export const DEFAULT_MEMBER_COUNT = 300;
/** Marie, Karim, Lucie and the switchboard's re-test account: always the first four members. */
const DEMO_MEMBER_COUNT = 4;
export const MIN_MEMBER_COUNT = DEMO_MEMBER_COUNT;
/** Member numbers have a 7-digit sequence. */
export const MAX_MEMBER_COUNT = 9_999_999;
const SEED_STATE_KEY = "demo-seed";

type UserRow = typeof users.$inferInsert;

function refuseInProduction(what: string): void {
  if (config().isProduction) {
    throw new Error(`Refusing to ${what} demo data in production (BASCULE_ENV=production)`);
  }
}

/** True when no one is in the database yet: no protected person and no account. */
export async function isDatabaseEmpty(db: DbOrTx): Promise<boolean> {
  const [person] = await db.select({ id: persons.id }).from(persons).limit(1);
  const [user] = await db.select({ id: users.id }).from(users).limit(1);
  return person === undefined && user === undefined;
}

/**
 * Fills an empty database with synthetic members, contracts, employers and the demo accounts
 * (DEMO_* in demo-accounts.ts). Refuses in production and on a database that already has people.
 */
export async function seedDemoData(db: Db, options: SeedOptions = {}): Promise<SeedReport> {
  refuseInProduction("seed");
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const memberCount = options.members ?? DEFAULT_MEMBER_COUNT;
  if (!Number.isInteger(memberCount) || memberCount < MIN_MEMBER_COUNT || memberCount > MAX_MEMBER_COUNT) {
    throw new RangeError(`members must be an integer between ${MIN_MEMBER_COUNT} and ${MAX_MEMBER_COUNT}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError("seed must be an integer");
  const log = options.log ?? (() => undefined);
  const today = isoDate((options.now ?? new Date()).getTime());

  if (!(await isDatabaseEmpty(db))) {
    throw new Error("Refusing to seed: the database already holds people or accounts (reset it first)");
  }
  // Hashed once for every demo account: argon2id is deliberately slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const g = new DemoGenerator(seed, today, randomUUID);

  const report = await db.transaction(async (tx) => {
    const formulaIds = await ensureCatalogue(tx);
    await ensureTariff(tx);
    log("Formulas, guarantees and regulatory parameters in place");

    const employerDrafts = draftEmployers(g, Math.max(5, Math.round((memberCount * 0.4) / 50)));
    await bulkInsert(
      tx,
      employers,
      employerDrafts.map((e) => e.row),
    );
    log(`${employerDrafts.length} employers`);

    const pending: Household[] = [
      marieHousehold(g, formulaIds),
      singleMemberHousehold(g, formulaIds, DEMO_KARIM, 2, "male", employerDrafts[0]!),
      singleMemberHousehold(g, formulaIds, DEMO_LUCIE, 3, "female", null),
      singleMemberHousehold(g, formulaIds, { ...DEMO_TESTER, email: DEMO_TESTER.contactEmail }, 4, "male", null),
    ];
    const demoPersons = pending.map((h) => h.persons[0]!);
    let personCount = 0;
    let pendingPersons = pending.reduce((n, h) => n + h.persons.length, 0);
    const flush = async () => {
      await bulkInsert(tx, contracts, pending.map((h) => contractRow(h.contract)));
      await bulkInsert(tx, persons, pending.flatMap((h) => h.persons.map(personRow)));
      personCount += pendingPersons;
      pending.length = 0;
      pendingPersons = 0;
    };

    for (let sequence = DEMO_MEMBER_COUNT + 1; sequence <= memberCount; sequence++) {
      const household = randomHousehold(
        g,
        sequence,
        formulaIds,
        g.chance(0.4) ? pickEmployer(g, employerDrafts) : null,
      );
      pending.push(household);
      pendingPersons += household.persons.length;
      if (pendingPersons >= BATCH_SIZE) await flush();
      if (sequence % 10_000 === 0) log(`${sequence} / ${memberCount} members`);
    }
    await flush();
    log(`${memberCount} members, ${personCount} protected people`);

    const [marie, karim, , tester] = demoPersons;
    const testerUserId = randomUUID();
    const now = new Date();
    const account = ({ email, ...row }: Omit<UserRow, "passwordHash" | "passwordChangedAt"> & { email: string }): UserRow => ({
      ...row,
      ...sealUserEmail(email),
      passwordHash,
      passwordChangedAt: now,
    });
    const accounts: UserRow[] = [
      account({
        email: DEMO_MARIE.email,
        role: "MEMBER",
        displayName: `${DEMO_MARIE.firstName} ${DEMO_MARIE.lastName}`,
        personId: marie!.id,
      }),
      account({
        email: DEMO_KARIM.email,
        role: "MEMBER",
        displayName: `${DEMO_KARIM.firstName} ${DEMO_KARIM.lastName}`,
        personId: karim!.id,
      }),
      account({
        id: testerUserId,
        email: DEMO_TESTER.email,
        role: "MEMBER",
        displayName: `${DEMO_TESTER.firstName} ${DEMO_TESTER.lastName}`,
        personId: tester!.id,
      }),
      ...DEMO_STAFF.map((s) =>
        account({
          email: s.email,
          role: s.role,
          displayName: s.displayName,
          totpKeyEnc: encryptField("users.totp_key", DEMO_TOTP_SECRET),
          totpEnabled: true,
        }),
      ),
    ];
    await tx.insert(users).values(accounts);
    await tx.insert(switchboardTesters).values({ userId: testerUserId, addedByLabel: "system", addedAt: now });
    await seedDemoClaims(tx, now);
    await seedDemoInboundEmails(tx, now);

    const result = {
      seed,
      members: memberCount,
      persons: personCount,
      contracts: memberCount,
      employers: employerDrafts.length,
      users: accounts.length,
    };
    const state = { ...result, referenceDate: today, seededAt: now.toISOString() };
    await tx
      .insert(systemState)
      .values({ key: SEED_STATE_KEY, value: state, updatedAt: now })
      .onConflictDoUpdate({ target: systemState.key, set: { value: state, updatedAt: now } });
    await appendAudit(tx, { actor: SYSTEM_ACTOR, action: "demo.seeded", outcome: "success", details: result });
    return result;
  });
  return { ...report, ms: Math.round(performance.now() - started) };
}

/**
 * Wipes people, contracts, employers, accounts and sessions, so that the demo can be seeded again.
 * CASCADE also empties every table that references them (claims, documents…): all of it is
 * member data. The catalogue and the audit log stay; the reset itself is audited.
 */
export async function resetDemoData(db: Db): Promise<void> {
  refuseInProduction("reset");
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`truncate table ${sessions}, ${authTokens}, ${throttleBuckets}, ${users}, ${persons}, ${contracts}, ${employers} cascade`,
    );
    await tx.delete(systemState).where(eq(systemState.key, SEED_STATE_KEY));
    await appendAudit(tx, { actor: SYSTEM_ACTOR, action: "demo.reset", outcome: "success" });
  });
}
