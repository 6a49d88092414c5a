import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "~/platform/db/client.server";

/** Rows per INSERT statement (and per generated slice the seed holds in memory). */
export const BATCH_SIZE = 2_000;

/**
 * PostgreSQL's text form of an array, every element quoted. Built here rather than by the driver
 * because PGlite only serialises arrays of the built-in types, not of enums.
 */
function pgArrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((v) => (v === null ? "NULL" : `"${String(v).replace(/[\\"]/g, "\\$&")}"`));
  return `{${elements.join(",")}}`;
}

/**
 * Inserts through `unnest`: one bind parameter per column (an array of values) instead of one per
 * value. It spares drizzle's per-value query building and PostgreSQL's parsing of thousands of
 * parameters: 65,000 members take about 15 s instead of more than a minute with multi-row VALUES.
 * Columns that no row sets keep their defaults; a row lacking a NOT NULL column that other rows
 * set would get NULL instead of the default, so it is refused.
 */
export async function bulkInsert<T extends PgTable>(tx: DbOrTx, table: T, rows: readonly T["$inferInsert"][]): Promise<void> {
  const tableColumns = Object.entries(getTableColumns(table));
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    const chunk = rows.slice(i, i + BATCH_SIZE) as readonly Record<string, unknown>[];
    const columns = tableColumns.filter(([key]) => chunk.some((row) => row[key] !== undefined));
    const arrays = columns.map(([key, column]) => {
      const values = chunk.map((row) => {
        const value = row[key];
        if (value !== undefined && value !== null) return column.mapToDriverValue(value);
        if (column.notNull) throw new Error(`bulkInsert: a ${getTableName(table)} row lacks ${key}`);
        return null;
      });
      return sql`${pgArrayLiteral(values)}::${sql.raw(column.getSQLType())}[]`;
    });
    await tx.execute(
      sql`insert into ${table} (${sql.join(
        columns.map(([, column]) => sql.identifier(column.name)),
        sql`, `,
      )}) select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  }
}
