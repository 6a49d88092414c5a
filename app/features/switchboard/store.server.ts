import { and, asc, desc, eq, gte, max, sql, type SQL } from "drizzle-orm";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import type { Db, DbOrTx, Tx } from "~/platform/db/client.server";
import { switchboardEvents, switchboardServices, switchboardTesters, switchboardVersionSeq, users } from "~/platform/db/schema";
import { SwitchboardError } from "./errors";
import { SERVICE_KEYS, type ServiceKey, type ServiceStatus } from "./types";
import { openUserEmail } from "~/platform/crypto/personal-data.server";

/*
 * Reading and bookkeeping of the switchboard tables. Every write that takes a version number
 * holds SWITCHBOARD_WRITE_LOCK for the rest of its transaction: versions are then committed in
 * the order they were drawn, so an instance that has applied version N has seen every change
 * numbered N or less (a poll comparing one number cannot miss a change committed late).
 */

/** Fixed advisory-lock key serialising the transactions that change the switchboard. */
const SWITCHBOARD_WRITE_LOCK = 7_310_002;

const SYSTEM_LABEL = "system";

const NEXT_VERSION = sql.raw(`nextval('${switchboardVersionSeq.seqName}')`);

/** Takes the switchboard write lock until the end of the transaction. */
export async function lockSwitchboard(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SWITCHBOARD_WRITE_LOCK})`);
}

/** The next switchboard version (one per changed service). */
export async function nextVersion(tx: DbOrTx): Promise<number> {
  const result = (await tx.execute(sql`select ${NEXT_VERSION} as v`)) as unknown as { rows: { v: string | number }[] };
  return Number(result.rows[0]!.v);
}

export function isServiceKey(value: string): value is ServiceKey {
  return (SERVICE_KEYS as readonly string[]).includes(value);
}

export type ServiceRow = typeof switchboardServices.$inferSelect;

export function toStatus(row: ServiceRow): ServiceStatus {
  return {
    key: row.key as ServiceKey,
    state: row.state,
    since: row.since.toISOString(),
    reason: row.reason,
    publicMessage: row.publicMessage,
    expectedReturnAt: row.expectedReturnAt?.toISOString() ?? null,
    rolloutPercent: row.rolloutPercent,
    groupId: row.groupId,
  };
}

/**
 * Inserts an OPEN row for every catalogue service that has none (first boot, or a service added
 * by a deployment). Idempotent, and safe when several instances boot at once.
 */
export async function ensureServiceRows(db: Db, now: Date = new Date()): Promise<void> {
  const present = await db.select({ key: switchboardServices.key }).from(switchboardServices);
  const known = new Set(present.map((r) => r.key));
  if (SERVICE_KEYS.every((key) => known.has(key))) return;
  await db.transaction(async (tx) => {
    await lockSwitchboard(tx);
    await tx
      .insert(switchboardServices)
      .values(
        SERVICE_KEYS.map((key) => ({
          key,
          state: "OPEN" as const,
          since: now,
          version: NEXT_VERSION,
          updatedByLabel: SYSTEM_LABEL,
        })),
      )
      .onConflictDoNothing({ target: switchboardServices.key });
  });
}

/** Rows of every catalogue service, locked until the end of the transaction (callers hold the write lock). */
export async function lockServiceRows(tx: Tx): Promise<Map<ServiceKey, ServiceRow>> {
  const rows = await tx.select().from(switchboardServices).orderBy(asc(switchboardServices.key)).for("update");
  return rowsByKey(rows);
}

function rowsByKey(rows: readonly ServiceRow[]): Map<ServiceKey, ServiceRow> {
  const byKey = new Map<ServiceKey, ServiceRow>();
  for (const row of rows) if (isServiceKey(row.key)) byKey.set(row.key, row);
  for (const key of SERVICE_KEYS) {
    if (!byKey.has(key)) throw new Error(`switchboard: no row for service ${key} (ensureServiceRows() runs at boot)`);
  }
  return byKey;
}

/** The whole switchboard as an instance holds it: every service's status and the version. */
export async function loadServiceStatuses(db: DbOrTx): Promise<{ version: number; services: Record<ServiceKey, ServiceStatus> }> {
  const rows = await db.select().from(switchboardServices);
  const byKey = rowsByKey(rows);
  const services = {} as Record<ServiceKey, ServiceStatus>;
  let version = 0;
  for (const [key, row] of byKey) {
    services[key] = toStatus(row);
    version = Math.max(version, row.version);
  }
  return { version, services };
}

/** The version of the switchboard: the highest version of any service (0 before the first boot). */
export async function currentVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ v: max(switchboardServices.version) }).from(switchboardServices);
  return row?.v ?? 0;
}

export type SwitchboardEvent = typeof switchboardEvents.$inferSelect;

/** State changes, newest first: a service's timeline, the status page's history. */
export async function listEvents(
  db: DbOrTx,
  filter: { key?: ServiceKey; since?: Date; limit: number },
): Promise<SwitchboardEvent[]> {
  const conditions: SQL[] = [];
  if (filter.key) conditions.push(eq(switchboardEvents.serviceKey, filter.key));
  if (filter.since) conditions.push(gte(switchboardEvents.at, filter.since));
  return db
    .select()
    .from(switchboardEvents)
    .where(and(...conditions))
    .orderBy(desc(switchboardEvents.at), desc(switchboardEvents.id))
    .limit(filter.limit);
}

// ---------------------------------------------------------------------------------------------
// Testers: accounts allowed to use services under re-test

/**
 * True when the user may use a service under re-test: an active staff member, or an active
 * account on the testers' allow-list.
 */
export async function isTester(db: DbOrTx, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ role: users.role, listed: switchboardTesters.userId })
    .from(users)
    .leftJoin(switchboardTesters, eq(switchboardTesters.userId, users.id))
    .where(and(eq(users.id, userId), eq(users.status, "ACTIVE")))
    .limit(1);
  if (!row) return false;
  return row.role !== "MEMBER" || row.listed !== null;
}

export type Tester = {
  userId: string;
  email: string;
  displayName: string;
  role: (typeof users.role.enumValues)[number];
  status: (typeof users.status.enumValues)[number];
  hasPerson: boolean;
  addedByLabel: string;
  addedAt: Date;
};

export async function listTesters(db: DbOrTx): Promise<Tester[]> {
  const rows = await db
    .select({
      userId: users.id,
      emailEnc: users.emailEnc,
      displayName: users.displayName,
      role: users.role,
      status: users.status,
      personId: users.personId,
      addedByLabel: switchboardTesters.addedByLabel,
      addedAt: switchboardTesters.addedAt,
    })
    .from(switchboardTesters)
    .innerJoin(users, eq(users.id, switchboardTesters.userId))
    .orderBy(asc(switchboardTesters.addedAt), asc(users.id));
  return rows.map(({ personId, emailEnc, ...rest }) => ({ ...rest, email: openUserEmail(emailEnc), hasPerson: personId !== null }));
}

/** Adds an account to the allow-list (audited). False when it already was on it. */
export async function addTester(
  db: Db,
  input: { actor: Actor; userId: string; ipHash?: string | null; now?: Date },
): Promise<boolean> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
    if (!user) throw new SwitchboardError("not-found", "Ce compte n’existe pas.");
    const added = await tx
      .insert(switchboardTesters)
      .values({ userId: user.id, addedByLabel: input.actor.label, addedAt: now })
      .onConflictDoNothing()
      .returning({ userId: switchboardTesters.userId });
    if (added.length === 0) return false;
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: "switchboard.tester.added",
        outcome: "success",
        targetType: "user",
        targetId: user.id,
        ipHash: input.ipHash ?? null,

      },
      now,
    );
    return true;
  });
}

/** Removes accounts from the allow-list (audited). False when it was not on it. */
export async function removeTester(
  db: Db,
  input: { actor: Actor; userId: string; ipHash?: string | null; now?: Date },
): Promise<boolean> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(switchboardTesters)
      .where(eq(switchboardTesters.userId, input.userId))
      .returning({ userId: switchboardTesters.userId });
    if (removed.length === 0) return false;
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: "switchboard.tester.removed",
        outcome: "success",
        targetType: "user",
        targetId: input.userId,
        ipHash: input.ipHash ?? null,
      },
      now,
    );
    return true;
  });
}
