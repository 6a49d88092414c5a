import { data } from "react-router";
import { attachmentDisposition } from "~/features/claims/member/documents";
import { readInboundAttachment } from "~/features/claims/email/triage.server";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/remboursements-courriels-piece";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A type-checked attachment of a message in the triage queue: decrypted on demand, audited, always
 * downloaded as an attachment (never rendered inline), with a sandbox policy in case it is opened.
 */
export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const notFound = () => data({ message: "Cette pièce jointe est introuvable." }, { status: 404 });
  const index = Number(args.params.index);
  if (!UUID.test(args.params.id) || !Number.isInteger(index) || index < 0 || index > 100) throw notFound();
  const file = await readInboundAttachment(db(), args.params.id, index, {
    actor: auditActorOf(user),
    ipHash: ipHashOf(args.context),
    now: new Date(),
  });
  if (!file) throw notFound();
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.mimeType,
      "Content-Disposition": attachmentDisposition(file.fileName),
      "Content-Length": String(file.bytes.length),
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
