import { Link } from "react-router";
import { listMemberClaims } from "~/features/claims/member/member-claims.server";
import { CARE_CATEGORY_LABELS } from "~/features/claims/member/schemas";
import type { CareCategory } from "~/features/claims/engine/types";
import { DECIDED_STATUSES, StatusBadge, Timeline } from "~/features/claims/ui/member-claim-ui";
import { requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements";
import { formatEuros } from "~/platform/format/euros";
import { formatCivilDate } from "~/platform/time/civil-date";
import { formatParisDate } from "~/platform/time/paris";

export const meta = () => [{ title: "Mes remboursements — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { personId } = await requireMember(args);
  return { claims: await listMemberClaims(db(), personId) };
}

export default function Claims({ loaderData }: Route.ComponentProps) {
  const { claims } = loaderData;
  return (
    <>
      <PageHeader title="Mes remboursements" lead="Les demandes de remboursement de toutes les personnes protégées par votre contrat, des plus récentes aux plus anciennes." />
      <p className="mb-8 flex flex-wrap gap-4">
        <Link
          to="/espace/remboursements/nouveau"
          className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white no-underline hover:bg-brand-800 hover:text-white"
        >
          Nouvelle demande de remboursement
        </Link>
        <Link to="/espace/remboursements/envoi-par-courriel" className="self-center">
          Envoyer une demande par e-mail
        </Link>
      </p>
      {claims.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6">Vous n’avez encore fait aucune demande de remboursement.</p>
      ) : (
        <ul className="space-y-6" aria-label="Demandes de remboursement">
          {claims.map((c) => {
            const decided = DECIDED_STATUSES.includes(c.status);
            return (
              <li key={c.number}>
                <article className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm" aria-labelledby={`demande-${c.number}`}>
                  <div className="flex flex-wrap items-baseline justify-between gap-3">
                    <h2 id={`demande-${c.number}`} className="text-xl font-semibold text-brand-800">
                      <Link to={`/espace/remboursements/${c.number}`}>
                        {c.care ? CARE_CATEGORY_LABELS[c.care.category as CareCategory] : "Demande par e-mail"} — {c.beneficiaryFirstName} {c.beneficiaryLastName}
                      </Link>
                    </h2>
                    <StatusBadge status={c.status} />
                  </div>
                  <p className="mt-1 text-sm text-muted">
                    Demande {c.number}, reçue le {formatParisDate(c.receivedAt)}
                    {c.care ? `, soins du ${formatCivilDate(c.care.careDate)} (${c.care.providerName})` : ""}
                  </p>
                  <dl className="mt-4 grid grid-cols-1 gap-x-8 gap-y-2 sm:grid-cols-4">
                    <div>
                      <dt className="text-sm text-muted">Vous avez payé</dt>
                      <dd className="font-semibold">{c.care ? formatEuros(c.realCostCents) : "—"}</dd>
                    </div>
                    <div>
                      <dt className="text-sm text-muted">Payé par la Sécurité sociale</dt>
                      <dd className="font-semibold">{c.care ? formatEuros(c.amoPaidCents) : "—"}</dd>
                    </div>
                    <div>
                      <dt className="text-sm text-muted">Payé par Bascule</dt>
                      <dd className="font-semibold">{decided ? formatEuros(c.amcCents) : "En cours d’examen"}</dd>
                    </div>
                    <div>
                      <dt className="text-sm text-muted">Reste à votre charge</dt>
                      <dd className="font-semibold">{decided ? formatEuros(c.resteAChargeCents) : "—"}</dd>
                    </div>
                  </dl>
                  <h3 className="mt-4 text-base font-semibold">Suivi</h3>
                  <Timeline events={c.timeline} label={`Suivi de la demande ${c.number}`} />
                </article>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

export { ErrorBoundary } from "~/ui/error-page";
