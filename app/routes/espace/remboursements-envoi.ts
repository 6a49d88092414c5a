import { processClaimPost } from "~/features/claims/member/member-claims.server";
import { ipHashOf, requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/remboursements-envoi";

/**
 * The claim form's endpoint for browsers with JavaScript: the same processing as the page's
 * action, answered in JSON so that the page can show the upload's progress (XMLHttpRequest) and
 * then the errors or the claim. Without JavaScript the page's own action is used.
 */
export async function action(args: Route.ActionArgs) {
  const signedIn = await requireMember(args);
  const outcome = await processClaimPost(db(), args.request, {
    member: { userId: signedIn.user.id, displayName: signedIn.user.displayName, personId: signedIn.personId },
    now: new Date(),
    ipHash: ipHashOf(args.context),
  });
  const headers = { "Cache-Control": "no-store" };
  switch (outcome.kind) {
    case "rejected":
      return Response.json({ kind: "rejected", message: outcome.message }, { status: outcome.status, headers });
    case "invalid":
      return Response.json({ kind: "invalid", result: outcome.result }, { status: outcome.status, headers });
    case "estimate":
      return Response.json({ kind: "estimate", result: outcome.result, estimate: outcome.estimate }, { headers });
    case "filed":
      return Response.json(
        { kind: "filed", number: outcome.number, location: `/espace/remboursements/${outcome.number}?envoyee=1` },
        { status: outcome.replayed ? 200 : 201, headers },
      );
  }
}

export async function loader(args: Route.LoaderArgs) {
  await requireMember(args);
  return new Response(null, { status: 405, headers: { Allow: "POST" } });
}
