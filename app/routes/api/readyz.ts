import { database } from "~/platform/db/client.server";
import { pendingMigrationCount } from "~/platform/db/migrate.server";

/** Readiness: the database answers and every migration is applied. */
export async function loader() {
  const headers = { "Cache-Control": "no-store" };
  try {
    const handle = database();
    await handle.ping();
    const pending = await pendingMigrationCount(handle);
    if (pending > 0) return Response.json({ status: "not-ready", reason: "migrations-pending", pending }, { status: 503, headers });
    return Response.json({ status: "ready", database: handle.mode }, { headers });
  } catch {
    return Response.json({ status: "not-ready", reason: "database-unreachable" }, { status: 503, headers });
  }
}
