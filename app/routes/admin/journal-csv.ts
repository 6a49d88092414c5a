import { exportAuditCsv, parseAuditFilters } from "~/platform/audit/query.server";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/journal-csv";

/** The audit log as a CSV download, with the filters of the journal page. */
export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "audit:read");
  const parsed = parseAuditFilters(new URL(args.request.url).searchParams);
  const { filename, body } = await exportAuditCsv(db(), parsed, {
    actor: auditActorOf(user),
    ipHash: ipHashOf(args.context),
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
