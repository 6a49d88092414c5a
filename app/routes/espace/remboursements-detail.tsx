import { data, Link } from "react-router";
import { REVIEW_DELAY_LABEL } from "~/features/claims/member/claim-mail";
import { isClaimNumber } from "~/features/claims/member/claim-number";
import { DOCUMENT_KIND_LABELS } from "~/features/claims/member/documents";
import { getMemberClaim } from "~/features/claims/member/member-claims.server";
import { CARE_CATEGORY_LABELS } from "~/features/claims/member/schemas";
import { DECIDED_STATUSES, StatusBadge, Timeline } from "~/features/claims/ui/member-claim-ui";
import { requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-detail";
import { formatEuros } from "~/platform/format/euros";
import { formatCivilDate } from "~/platform/time/civil-date";
import { formatParisDate } from "~/platform/time/paris";

export const meta = ({ data: loaded }: Route.MetaArgs) => [{ title: `${loaded ? `Demande ${loaded.claim.number}` : "Demande introuvable"} — Bascule` }];

export async function loader(args: Route.LoaderArgs) {
  const { personId } = await requireMember(args);
  const number = args.params.number;
  // Another contract's claim and a number that does not exist look exactly the same.
  const claim = isClaimNumber(number) ? await getMemberClaim(db(), personId, number) : null;
  if (!claim) throw data({ message: "Demande introuvable." }, { status: 404 });
  const justFiled = new URL(args.request.url).searchParams.has("envoyee");
  return { claim, justFiled };
}

const kb = (bytes: number) => `${new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 }).format(Math.max(1, bytes / 1024))} Ko`;

export default function ClaimDetail({ loaderData }: Route.ComponentProps) {
  const { claim, justFiled } = loaderData;
  const decided = DECIDED_STATUSES.includes(claim.status);
  const beneficiary = `${claim.beneficiaryFirstName} ${claim.beneficiaryLastName}`;
  return (
    <>
      <p className="mb-4">
        <Link to="/espace/remboursements">← Mes remboursements</Link>
      </p>
      <PageHeader title={`Demande ${claim.number}`} lead={`Pour ${beneficiary}, reçue le ${formatParisDate(claim.receivedAt)}.`} />
      <p className="-mt-4 mb-6">
        Statut : <StatusBadge status={claim.status} />
      </p>
      {claim.status === "VALUATED" ? (
        <Alert tone="success" role={justFiled ? "status" : undefined} title={claim.amcCents > 0 ? `Bascule vous rembourse ${formatEuros(claim.amcCents)}` : "Votre demande a été traitée"}>
          {claim.amcCents > 0
            ? "Votre demande est acceptée. Le remboursement est versé sur votre compte bancaire habituel sous 48 heures."
            : "Ces soins ne donnent pas lieu à un remboursement de Bascule : le détail du calcul est ci-dessous."}
        </Alert>
      ) : null}
      {claim.status === "PAID" ? (
        <Alert tone="success" title={`Remboursement de ${formatEuros(claim.amcCents)} versé`}>
          Virement effectué{claim.paidAt ? ` le ${formatParisDate(claim.paidAt)}` : ""} sur votre compte bancaire habituel.
        </Alert>
      ) : null}
      {claim.status === "REVIEW" || claim.status === "SUBMITTED" || claim.status === "CHECKED" ? (
        <Alert tone="info" role={justFiled ? "status" : undefined} title={justFiled ? "Demande bien reçue" : "Demande en cours d’examen"}>
          Un gestionnaire va examiner votre demande {REVIEW_DELAY_LABEL}. Vous n’avez rien à faire : vous recevrez un e-mail dès qu’elle sera traitée.
        </Alert>
      ) : null}
      {claim.status === "RETURNED" ? (
        <Alert tone="warning" title="Il nous manque un justificatif">
          {claim.returnReason ?? "Un gestionnaire vous a écrit pour préciser le document attendu."}
        </Alert>
      ) : null}
      {claim.status === "REJECTED" ? (
        <Alert tone="danger" title="Demande refusée">
          {claim.rejectReason ?? "Cette demande n’a pas pu être acceptée."}
        </Alert>
      ) : null}

      <div className="space-y-6">
        {claim.lines.length > 0 ? (
          <Card title="Détail du remboursement">
            <DataTable
              caption={`Détail du remboursement de la demande ${claim.number}`}
              captionHidden
              headers={["Soins", "Vous avez payé", "Base de remboursement", "Payé par la Sécurité sociale", "Payé par Bascule", "Reste à votre charge"]}
              rows={claim.lines.map((l) => [
                <span key="care">
                  {CARE_CATEGORY_LABELS[l.input.category]}
                  <br />
                  <span className="text-muted">
                    {formatCivilDate(l.input.careDate)} · {l.input.providerName}
                  </span>
                </span>,
                formatEuros(l.input.realCostCents),
                l.input.secu.covered ? `${formatEuros(l.input.secu.baseCents)} à ${l.input.secu.ratePct} %` : "Non remboursé par la Sécurité sociale",
                formatEuros(l.valuation.amoPaidCents),
                decided ? formatEuros(l.status === "REJECTED" ? 0 : l.amcCents) : "En cours d’examen",
                decided ? formatEuros(l.status === "REJECTED" ? l.input.realCostCents - l.valuation.amoPaidCents : l.valuation.resteAChargeCents) : "—",
              ])}
            />
            {decided ? (
              <div className="mt-4 space-y-3">
                <h3 className="text-base font-semibold">Comment ce montant est calculé</h3>
                {claim.lines.map((l) => (
                  <div key={l.lineNo}>
                    <p>{l.valuation.explanation}</p>
                    {l.adjusted ? (
                      <p className="mt-1 text-sm">
                        Montant revu par un gestionnaire : {formatEuros(l.amcCents)}
                        {l.adjustmentReason ? ` (${l.adjustmentReason})` : ""}.
                      </p>
                    ) : null}
                  </div>
                ))}
              </div>
            ) : null}
            {claim.invoiceNumber ? <p className="mt-4 text-sm text-muted">Facture n° {claim.invoiceNumber}</p> : null}
          </Card>
        ) : (
          <Card title="Détail du remboursement">
            <p>Les montants de cette demande reçue par e-mail sont en cours de saisie par un gestionnaire.</p>
          </Card>
        )}

        <Card title="Justificatifs">
          {claim.documents.length === 0 ? (
            <p>Aucun justificatif n’est joint à cette demande.</p>
          ) : (
            <ul className="list-disc space-y-1 pl-6">
              {claim.documents.map((d) => (
                <li key={d.id}>
                  {DOCUMENT_KIND_LABELS[d.kind]} :{" "}
                  <a href={`/espace/remboursements/${claim.number}/justificatifs/${d.id}`} download>
                    {d.fileName}
                  </a>{" "}
                  <span className="text-sm text-muted">({kb(d.sizeBytes)})</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Suivi de la demande">
          <Timeline events={claim.timeline} label={`Étapes de la demande ${claim.number}`} />
        </Card>
      </div>
    </>
  );
}

export { ErrorBoundary } from "~/ui/error-page";
