import { data } from "react-router";
import { readPaymentFile } from "~/features/claims/payments/payments.server";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/paiements-fichier";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SEPA file of a batch, exactly as generated, as an attachment; every download is audited. */
export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "payments:manage");
  const notFound = () => data({ message: "Ce lot de virement est introuvable." }, { status: 404 });
  if (!UUID.test(args.params.batchId)) throw notFound();
  const file = await readPaymentFile(db(), args.params.batchId, {
    actor: auditActorOf(user),
    ipHash: ipHashOf(args.context),
    now: new Date(),
  });
  if (!file) throw notFound();
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": "application/xml; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Content-Length": String(file.bytes.length),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
