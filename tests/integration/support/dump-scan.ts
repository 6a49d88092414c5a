import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";

/*
 * The "stolen database" check (ADR 019): looks for known sensitive values, in clear, in every
 * text, JSON and bytea column of every table, or in a `pg_dump` of the whole database. Reusable by
 * any test that knows which values it wrote (seeded people, tokens it e-mailed, codes it sent).
 */

export type SensitiveKind = "email" | "phone" | "nir" | "iban" | "token" | "code";
export type Sensitive = { kind: SensitiveKind; value: string };
export type ClearHit = { kind: SensitiveKind; value: string; where: string };

/** The spellings under which a value would be readable: as typed, compacted, upper/lower case… */
export function variantsOf(secret: Sensitive): string[] {
  const v = secret.value.trim();
  switch (secret.kind) {
    case "email":
      return [v.toLowerCase()];
    case "phone": {
      const digits = v.replace(/\D/g, "");
      const national = digits.startsWith("33") ? `0${digits.slice(2)}` : digits;
      const spaced = national.replace(/(\d{2})(?=\d)/g, "$1 ");
      return unique([national, spaced, national.replace(/(\d{2})(?=\d)/g, "$1."), `+33${national.slice(1)}`, `+33 ${spaced.slice(1).trim()}`]);
    }
    case "nir": {
      const compact = v.replace(/\s/g, "").toUpperCase();
      return unique([compact, compact.replace(/^(.)(..)(..)(..)(...)(...)(..)$/, "$1 $2 $3 $4 $5 $6 $7")]);
    }
    case "iban": {
      const compact = v.replace(/\s/g, "").toUpperCase();
      return unique([compact, compact.replace(/(.{4})(?=.)/g, "$1 ")]);
    }
    default:
      return [v];
  }
}

const unique = (values: string[]) => [...new Set(values.filter((s) => s.length > 0))];

/** Short numeric codes only count with no letter or digit around them (ciphertext is full of digits). */
function matcherOf(secret: Sensitive): (text: string) => boolean {
  const variants = variantsOf(secret);
  if (secret.kind === "code") {
    const patterns = variants.map((v) => new RegExp(`(?<![A-Za-z0-9_+/=-])${v}(?![A-Za-z0-9_+/=-])`));
    return (text) => patterns.some((p) => p.test(text));
  }
  if (secret.kind === "email") return (text) => variants.some((v) => text.toLowerCase().includes(v));
  return (text) => variants.some((v) => text.includes(v));
}

type Column = { table: string; column: string; type: string };

async function rowsOf<T>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] } | T[];
  return Array.isArray(result) ? result : result.rows;
}

/** Every text-like column (text, varchar, char, json, jsonb, bytea) of every table of `public`. */
export async function textColumns(db: DbOrTx): Promise<Column[]> {
  return rowsOf<Column>(
    db,
    sql`select c.table_name as "table", c.column_name as "column", c.data_type as "type"
          from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
           and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')
         order by c.table_name, c.ordinal_position`,
  );
}

/**
 * Reads every text, JSON and bytea value of the database (bytea as its bytes read as UTF-8 and as
 * Latin-1, so that a clear value inside a binary column shows) and reports each sensitive value
 * found in clear, with the table and column holding it.
 */
export async function scanTablesForClearValues(db: DbOrTx, secrets: readonly Sensitive[]): Promise<ClearHit[]> {
  const matchers = secrets.map((s) => ({ secret: s, matches: matcherOf(s) }));
  const hits: ClearHit[] = [];
  for (const { table, column, type } of await textColumns(db)) {
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    const values = await rowsOf<{ v: unknown }>(
      db,
      type === "bytea" ? sql`select ${c} as v from ${t} where ${c} is not null` : sql`select ${c}::text as v from ${t} where ${c} is not null`,
    );
    for (const { v } of values) {
      const texts =
        v instanceof Uint8Array
          ? [Buffer.from(v).toString("utf8"), Buffer.from(v).toString("latin1")]
          : typeof v === "string" && v.startsWith("\\x")
            ? [Buffer.from(v.slice(2), "hex").toString("utf8"), Buffer.from(v.slice(2), "hex").toString("latin1")]
            : [String(v)];
      for (const { secret, matches } of matchers) {
        if (texts.some(matches)) hits.push({ kind: secret.kind, value: secret.value, where: `${table}.${column}` });
      }
    }
  }
  return dedupe(hits);
}

/** The same check on the output of `pg_dump --data-only` (PostgreSQL only); null when pg_dump is not installed. */
export async function scanPgDumpForClearValues(databaseUrl: string, secrets: readonly Sensitive[]): Promise<ClearHit[] | null> {
  let dump: string;
  try {
    const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", "--no-owner", "--dbname", databaseUrl], {
      maxBuffer: 512 * 1024 * 1024,
      encoding: "utf8",
    });
    dump = stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  // COPY blocks name their table: report the block a value was found in.
  const blocks = dump.split(/\n(?=COPY )/);
  const hits: ClearHit[] = [];
  for (const secret of secrets) {
    const matches = matcherOf(secret);
    for (const block of blocks) {
      if (!matches(block)) continue;
      const table = /^COPY ([^ ]+)/.exec(block)?.[1] ?? "(dump header)";
      hits.push({ kind: secret.kind, value: secret.value, where: `pg_dump ${table}` });
    }
  }
  return dedupe(hits);
}

function dedupe(hits: ClearHit[]): ClearHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.kind}|${h.value}|${h.where}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
