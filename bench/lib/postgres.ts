import { randomBytes } from "node:crypto";
import pg from "pg";
import { onCleanup } from "./cleanup";

/**
 * The PostgreSQL server the benchmarks create their throw-away databases on: the local one, or
 * BENCH_POSTGRES_URL (a user allowed to create databases).
 */
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** POSTGRES_ADMIN_URL without its password, for messages and result files. */
function shownAdminUrl(): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  if (url.password) url.password = "***";
  return url.toString();
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export type BenchDatabase = { name: string; url: string; drop(): Promise<void> };

/**
 * Creates an empty database `bascule_bench_<random>` (dropped at cleanup), or explains why
 * PostgreSQL cannot be used.
 */
export async function createBenchDatabase(): Promise<BenchDatabase | { unavailable: string }> {
  const name = `bascule_bench_${randomBytes(4).toString("hex")}`;
  try {
    await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  } catch (err) {
    return { unavailable: `${shownAdminUrl()}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const drop = onCleanup(`database ${name}`, async () => {
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop };
}
