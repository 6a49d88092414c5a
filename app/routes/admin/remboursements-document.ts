import { data } from "react-router";
import { isClaimNumber } from "~/features/claims/member/claim-number";
import { attachmentDisposition } from "~/features/claims/member/documents";
import { readClaimDocumentForStaff } from "~/features/claims/review/claim-review.server";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/remboursements-document";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A claim's document for a handler: decrypted on demand, audited, always downloaded as an
 * attachment (never rendered inline by the browser, whatever its content).
 */
export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const { number, documentId } = args.params;
  const notFound = () => data({ message: "Ce justificatif est introuvable." }, { status: 404 });
  if (!isClaimNumber(number) || !UUID.test(documentId)) throw notFound();
  const doc = await readClaimDocumentForStaff(
    db(),
    { number, documentId },
    { actor: auditActorOf(user), ipHash: ipHashOf(args.context), now: new Date() },
  );
  if (!doc) throw notFound();
  return new Response(new Uint8Array(doc.bytes), {
    headers: {
      "Content-Type": doc.mimeType,
      "Content-Disposition": attachmentDisposition(doc.fileName),
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Content-Length": String(doc.bytes.length),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
