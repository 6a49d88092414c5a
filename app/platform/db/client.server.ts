import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { logger } from "../observability/logger.server";
import { ALWAYS_AVAILABLE, createDatabaseAvailability, type DatabaseAvailability } from "./availability";
import { acquireDirectoryLock, type DirectoryLock } from "./lock.server";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type the features see, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Use-cases accept either the database or an open transaction. */
export type DbOrTx = Db | Tx;

export type DatabaseHandle = {
  db: Db;
  mode: "pglite" | "postgres";
  /** Runs raw SQL with no result mapping (migrations bookkeeping, health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Whether the database can be reached (PostgreSQL may restart or drop connections; PGlite cannot). */
  availability: DatabaseAvailability;
  /** The underlying client, for LISTEN/NOTIFY. */
  pglite?: PGlite;
  pool?: pg.Pool;
};

export type OpenOptions =
  | { databaseUrl: string; poolSize?: number; applicationName?: string }
  | { dataDir: string }
  | { inMemory: true };

/**
 * Opens the database. PGlite (embedded PostgreSQL) is a single-process engine: its data
 * directory is locked so that a second process fails clearly instead of corrupting it.
 */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if ("databaseUrl" in options) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? "bascule",
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    const ping = async () => {
      await pool.query("select 1");
    };
    const availability = createDatabaseAvailability({ ping, logger });
    // A client losing its connection emits 'error'; without a listener the process would crash.
    // The pool listens only while a client is idle: a client checked out by a request or a
    // transaction when PostgreSQL restarts or terminates it (57P01) needs its own listener, from
    // its creation. Its query fails (the request gets a 503), and the pool discards it on release.
    pool.on("connect", (client) => {
      client.on("error", (err) => {
        availability.reportFailure(err);
        logger.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, "postgres connection lost");
      });
    });
    pool.on("error", (err) => {
      availability.reportFailure(err);
      logger.warn({ err: { message: err.message } }, "postgres idle client error");
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      mode: "postgres",
      pool,
      availability,
      ping,
      async close() {
        availability.stop();
        await pool.end();
      },
    };
  }

  let lock: DirectoryLock | undefined;
  let client: PGlite;
  if ("dataDir" in options) {
    const dir = path.resolve(options.dataDir);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    lock = acquireDirectoryLock(`${dir}.lock`);
    try {
      client = await PGlite.create(dir);
    } catch (err) {
      lock.release();
      throw err;
    }
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    mode: "pglite",
    pglite: client,
    availability: ALWAYS_AVAILABLE,
    async ping() {
      await client.query("select 1");
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

let handle: DatabaseHandle | undefined;

export function setDatabase(next: DatabaseHandle | undefined): void {
  handle = next;
}

export function database(): DatabaseHandle {
  if (!handle) throw new Error("Database not opened: call openDatabase() at boot");
  return handle;
}

/** The database of this process (opened at boot). */
export function db(): Db {
  return database().db;
}
