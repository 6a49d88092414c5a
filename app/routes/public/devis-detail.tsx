import { Link, data, redirect } from "react-router";
import { findQuoteByReference } from "~/features/quotes/create-quote.server";
import { ROLE_LABELS } from "~/features/quotes/format";
import { formulaSummaries } from "~/features/quotes/guarantees.server";
import { hasQuoteAccess } from "~/features/quotes/quote-access.server";
import { REFERENCE_PATTERN } from "~/features/quotes/schemas";
import { db } from "~/platform/db/client.server";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/devis-detail";
import { formatEuros } from "~/platform/format/euros";
import { formatCivilDate } from "~/platform/time/civil-date";
import { formatParisDate } from "~/platform/time/paris";

export const meta = ({ data: loaded }: Route.MetaArgs) => [{ title: `${loaded ? `Devis ${loaded.quote.reference}` : "Devis"} — Bascule` }];

/**
 * A saved quote. The reference alone never opens it: the browser must hold the access cookie
 * given when the quote was saved or reopened with its e-mail address (features/quotes/quote-access).
 */
export async function loader({ request, params }: Route.LoaderArgs) {
  const reference = params.reference.toUpperCase();
  if (!REFERENCE_PATTERN.test(reference)) throw data({ message: "Devis introuvable." }, { status: 404 });
  const reopen = `/devis/retrouver?reference=${encodeURIComponent(reference)}`;
  if (!hasQuoteAccess(request, reference)) throw redirect(reopen);
  const quote = await findQuoteByReference(db(), reference);
  if (!quote) throw redirect(reopen);
  const justSaved = new URL(request.url).searchParams.has("enregistre");
  const formulas = await formulaSummaries(db());
  return { quote, justSaved, guarantees: formulas.find((f) => f.code === quote.chosenFormula) ?? null };
}

export default function DevisDetail({ loaderData }: Route.ComponentProps) {
  const { quote, justSaved, guarantees } = loaderData;
  const chosen = quote.chosen;
  return (
    <div>
      <PageHeader title={`Votre devis ${quote.reference}`} lead={`Établi le ${formatParisDate(new Date(quote.createdAt))}, pour une couverture à partir du ${formatCivilDate(quote.startDate)}.`} />
      {quote.expired ? (
        <Alert tone="warning" role="alert" title="Ce devis a expiré">
          Il était valable jusqu’au {formatParisDate(new Date(quote.expiresAt))}. Les tarifs ont pu changer : <Link to="/devis">faites un nouveau devis</Link>, c’est
          immédiat.
        </Alert>
      ) : (
        <Alert tone={justSaved ? "success" : "info"} role="status" title={justSaved ? "Devis enregistré" : undefined}>
          Notez sa référence : <strong>{quote.reference}</strong>. Il est valable jusqu’au {formatParisDate(new Date(quote.expiresAt))} ; pour le
          retrouver, il vous faudra cette référence et votre adresse e-mail.
          {justSaved ? " Si vous avez demandé à le recevoir par e-mail, le message arrive dans quelques minutes." : ""}
        </Alert>
      )}

      {quote.expired ? null : (
        <p className="mb-8 flex flex-wrap gap-4">
          <a
            href={`/devis/${quote.reference}/pdf`}
            download
            className="inline-block rounded-md border-2 border-brand-700 px-5 py-2.5 font-semibold text-brand-800 no-underline hover:bg-brand-50"
          >
            Télécharger le devis (PDF)
          </a>
          <Link
            to={`/adhesion?devis=${encodeURIComponent(quote.reference)}`}
            className="inline-block rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white no-underline hover:bg-brand-800"
          >
            Adhérer en ligne avec ce devis
          </Link>
        </p>
      )}

      <div className="grid gap-6">
        <Card title={`Formule retenue : ${chosen.code} ${chosen.name}`}>
          <p className="mb-4 text-lg">
            <strong>{formatEuros(chosen.monthlyCents)}</strong> par mois, soit {formatEuros(chosen.yearlyCents)} par an
            {quote.chosenFormula === quote.recommendedFormula ? " — la formule recommandée pour vos besoins." : "."}
          </p>
          <DataTable
            caption="Cotisation mensuelle par personne"
            headers={["Personne", "Date de naissance", "Âge retenu", "Par mois"]}
            rows={chosen.persons.map((p) => [
              p.childRank ? `${ROLE_LABELS[p.role]} ${p.childRank}` : ROLE_LABELS[p.role],
              formatCivilDate(p.birthDate),
              `${p.age} ans`,
              p.free ? "Gratuit (à partir du 3e enfant)" : formatEuros(p.monthlyCents),
            ])}
          />
        </Card>

        <Card title="Les quatre formules">
          <DataTable
            caption="Cotisation de la famille selon la formule"
            headers={["Formule", "Par mois", "Par an"]}
            rows={quote.formulas.map((f) => [
              `${f.code} ${f.name}${f.code === quote.recommendedFormula ? " (recommandée)" : ""}${f.code === quote.chosenFormula ? " (retenue)" : ""}`,
              formatEuros(f.monthlyCents),
              formatEuros(f.yearlyCents),
            ])}
          />
        </Card>

        {guarantees ? (
          <Card title={`Garanties de la formule ${guarantees.code} ${guarantees.name}`}>
            <DataTable caption="Ce que Bascule rembourse, poste par poste" captionHidden headers={["Poste", "Garantie"]} rows={guarantees.lines.map((l) => [l.label, l.summary])} />
          </Card>
        ) : null}
      </div>

      <p className="mt-8 text-sm text-muted">
        Contrat responsable, sans questionnaire de santé. Après une adhésion à distance, vous disposez de 14 jours pour vous rétracter.{" "}
        <Link to="/devis">Faire un autre devis</Link>
      </p>
    </div>
  );
}
