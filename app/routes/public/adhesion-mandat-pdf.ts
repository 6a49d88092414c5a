import { data } from "react-router";
import { mandatePdfForDraft } from "~/features/subscriptions/mandate-pdf.server";
import { findDraft, readDraftToken } from "~/features/subscriptions/subscription-draft.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/adhesion-mandat-pdf";

/** The SEPA mandate of the prospect's own draft (the cookie says which); nothing else is reachable. */
export async function loader({ request }: Route.LoaderArgs) {
  const draft = await findDraft(db(), readDraftToken(request));
  const pdf = draft ? await mandatePdfForDraft(draft) : null;
  if (!pdf) throw data({ message: "Aucun mandat à télécharger : enregistrez d’abord votre compte bancaire." }, { status: 404 });
  return new Response(Buffer.from(pdf.bytes), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${pdf.filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
