import { isClaimNumber } from "~/features/claims/member/claim-number";
import { attachmentDisposition } from "~/features/claims/member/documents";
import { getMemberClaimDocument } from "~/features/claims/member/member-claims.server";
import { ipHashOf, requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/remboursements-justificatif";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Download of a claim's document, for the member whose contract it belongs to (404 otherwise).
 * Always an attachment with the type detected at upload (the server adds nosniff to every
 * response): an uploaded file is never rendered by the browser in the portal's origin.
 */
export async function loader(args: Route.LoaderArgs) {
  const signedIn = await requireMember(args);
  const { number, documentId } = args.params;
  const notFound = () => new Response("Justificatif introuvable.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  if (!isClaimNumber(number) || !UUID.test(documentId)) return notFound();
  const doc = await getMemberClaimDocument(
    db(),
    { userId: signedIn.user.id, displayName: signedIn.user.displayName, personId: signedIn.personId },
    number,
    documentId,
    ipHashOf(args.context),
  );
  if (!doc) return notFound();
  return new Response(new Uint8Array(doc.bytes), {
    status: 200,
    headers: {
      "Content-Type": doc.mimeType,
      "Content-Disposition": attachmentDisposition(doc.fileName),
      "Content-Length": String(doc.bytes.length),
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "no-store",
    },
  });
}
