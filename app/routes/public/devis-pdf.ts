import { data, redirect } from "react-router";
import { findQuoteByReference } from "~/features/quotes/create-quote.server";
import { formulaSummaries } from "~/features/quotes/guarantees.server";
import { hasQuoteAccess } from "~/features/quotes/quote-access.server";
import { renderQuotePdf } from "~/features/quotes/quote-pdf.server";
import { REFERENCE_PATTERN } from "~/features/quotes/schemas";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/devis-pdf";

/** The saved quote as a PDF attachment, for whoever proved reference + e-mail (access cookie). */
export async function loader({ request, params }: Route.LoaderArgs) {
  const reference = params.reference.toUpperCase();
  if (!REFERENCE_PATTERN.test(reference)) throw data({ message: "Devis introuvable." }, { status: 404 });
  if (!hasQuoteAccess(request, reference)) throw redirect(`/devis/retrouver?reference=${encodeURIComponent(reference)}`);
  const quote = await findQuoteByReference(db(), reference);
  if (!quote || quote.expired) throw redirect(`/devis/retrouver?reference=${encodeURIComponent(reference)}`);
  const pdf = await renderQuotePdf(quote, await formulaSummaries(db()));
  // A copy typed on a plain ArrayBuffer, as BodyInit wants.
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="devis-bascule-${reference}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
