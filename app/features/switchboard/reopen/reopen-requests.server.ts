import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import type { ServiceKey } from "../types";
import type { ReopenRequest, ReopenRequestStatus } from "./reopen-rules";

/*
 * Reading reopen requests, for the admin pages, the re-test and the CLI.
 */

export async function getReopenRequest(db: DbOrTx, requestId: string): Promise<ReopenRequest | null> {
  const [request] = await db.select().from(reopenRequests).where(eq(reopenRequests.id, requestId));
  return request ?? null;
}

/** Requests, newest first. */
export async function listReopenRequests(
  db: DbOrTx,
  filter: { key?: ServiceKey; status?: ReopenRequestStatus | readonly ReopenRequestStatus[]; limit?: number } = {},
): Promise<ReopenRequest[]> {
  const conditions: SQL[] = [];
  if (filter.key) conditions.push(eq(reopenRequests.serviceKey, filter.key));
  if (filter.status) {
    const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
    conditions.push(inArray(reopenRequests.status, statuses));
  }
  return db
    .select()
    .from(reopenRequests)
    .where(and(...conditions))
    .orderBy(desc(reopenRequests.requestedAt), desc(reopenRequests.id))
    .limit(filter.limit ?? 100);
}
