import { Form, Link } from "react-router";
import { CLAIM_STATUS_LABELS } from "~/features/claims/member/claim-mail";
import { listReviewQueue } from "~/features/claims/review/review-queue.server";
import { AGE_FILTERS, queueQuerySchema } from "~/features/claims/review/staff-schemas";
import { REVIEW_REASON_LABELS } from "~/features/claims/engine/types";
import { ageLabel, CHANNEL_LABELS, reasonLabel } from "~/features/claims/ui/staff-labels";
import { requirePermission } from "~/platform/auth/guards.server";
import { can } from "~/platform/auth/permissions";
import { db } from "~/platform/db/client.server";
import { Alert, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements";
import { formatEuros } from "~/platform/format/euros";
import { formatParisDateTimeShort } from "~/platform/time/paris";
import { noticeFrom } from "~/platform/http/notice";

export const meta = () => [{ title: "Demandes à examiner — Remboursements — Bascule" }];

const PAGE_SIZE = 25;

const NOTICES: Record<string, string> = {
  acceptee: "La demande a été acceptée ; l’adhérent a été prévenu par e-mail.",
  renvoyee: "La demande a été renvoyée à l’adhérent pour un justificatif manquant ; il a été prévenu par e-mail.",
  refusee: "La demande a été refusée ; l’adhérent a été prévenu par e-mail.",
};

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const url = new URL(args.request.url);
  const q = queueQuerySchema.parse(Object.fromEntries(url.searchParams));
  const now = new Date();
  const queue = await listReviewQueue(
    db(),
    { status: q.statut, reason: q.motif, age: q.age, minAmountCents: q.min, maxAmountCents: q.max, page: q.page, pageSize: PAGE_SIZE },
    now,
  );
  const notice = noticeFrom(url, NOTICES);
  const claimNumber = url.searchParams.get("n") ?? "";
  return {
    filter: {
      statut: q.statut ?? "",
      motif: q.motif ?? "",
      age: q.age ?? "",
      min: q.min === undefined ? "" : String(q.min / 100),
      max: q.max === undefined ? "" : String(q.max / 100),
      page: q.page,
    },
    notice: notice !== null && /^RB-\d{4}-\d{7,}$/.test(claimNumber) ? { text: notice, number: claimNumber } : null,
    counts: queue.counts,
    total: queue.total,
    hasNextPage: queue.hasNextPage,
    items: queue.items.map((c) => ({ ...c, age: ageLabel(c.receivedAt, now) })),
    canPay: can(user.role, "payments:manage"),
  };
}

type Filter = Route.ComponentProps["loaderData"]["filter"];

function queueHref(filter: Filter, page: number): string {
  const params = new URLSearchParams();
  for (const key of ["statut", "motif", "age", "min", "max"] as const) if (filter[key]) params.set(key, filter[key]);
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `/admin/remboursements?${search}` : "/admin/remboursements";
}

const selectClass = "mt-2 block rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink";

export default function ClaimsQueue({ loaderData }: Route.ComponentProps) {
  const { filter, items, counts } = loaderData;
  return (
    <>
      <PageHeader
        title="Demandes à examiner"
        lead="Les demandes que le traitement automatique a confiées à un gestionnaire, et celles qui attendent un justificatif de l’adhérent. Les plus anciennes d’abord."
      />
      {loaderData.notice ? (
        <Alert tone="success" role="status">
          {loaderData.notice.number} : {loaderData.notice.text}
        </Alert>
      ) : null}
      <dl className="mb-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <dt className="text-sm text-muted">{CLAIM_STATUS_LABELS.REVIEW}</dt>
          <dd className="mt-1 text-3xl font-bold text-brand-800">{counts.REVIEW.toLocaleString("fr-FR")}</dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <dt className="text-sm text-muted">{CLAIM_STATUS_LABELS.RETURNED}</dt>
          <dd className="mt-1 text-3xl font-bold text-brand-800">{counts.RETURNED.toLocaleString("fr-FR")}</dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <dt className="text-sm text-muted">Voir aussi</dt>
          <dd className="mt-1 space-y-1">
            <Link to="/admin/remboursements/pilotage" className="block">
              Pilotage du service
            </Link>
            {loaderData.canPay ? (
              <Link to="/admin/paiements" className="block">
                Paiements
              </Link>
            ) : null}
          </dd>
        </div>
      </dl>

      <section aria-labelledby="filtres">
        <h2 id="filtres" className="mb-4 text-xl font-semibold text-brand-800">
          Filtrer la file
        </h2>
        <Form method="get" className="mb-6 flex flex-wrap items-end gap-4">
          <div>
            <label htmlFor="statut" className="block font-medium text-ink">
              Statut
            </label>
            <select id="statut" name="statut" defaultValue={filter.statut} className={selectClass}>
              <option value="">Tous</option>
              <option value="REVIEW">{CLAIM_STATUS_LABELS.REVIEW}</option>
              <option value="RETURNED">{CLAIM_STATUS_LABELS.RETURNED}</option>
            </select>
          </div>
          <div>
            <label htmlFor="motif" className="block font-medium text-ink">
              Motif d’examen
            </label>
            <select id="motif" name="motif" defaultValue={filter.motif} className={selectClass}>
              <option value="">Tous</option>
              {Object.entries(REVIEW_REASON_LABELS).map(([code, label]) => (
                <option key={code} value={code}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="age" className="block font-medium text-ink">
              Ancienneté
            </label>
            <select id="age" name="age" defaultValue={filter.age} className={selectClass}>
              <option value="">Toutes</option>
              {Object.entries(AGE_FILTERS).map(([key, a]) => (
                <option key={key} value={key}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="flex flex-wrap items-end gap-3">
            <legend className="font-medium text-ink">Montant payé par l’adhérent (€)</legend>
            <div>
              <label htmlFor="min" className="block text-sm text-muted">
                Au moins
              </label>
              <input id="min" name="min" inputMode="decimal" defaultValue={filter.min} className={`${selectClass} w-28`} />
            </div>
            <div>
              <label htmlFor="max" className="block text-sm text-muted">
                Au plus
              </label>
              <input id="max" name="max" inputMode="decimal" defaultValue={filter.max} className={`${selectClass} w-28`} />
            </div>
          </fieldset>
          <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
            Filtrer
          </button>
          <Link to="/admin/remboursements" className="py-2">
            Effacer les filtres
          </Link>
        </Form>
      </section>

      <section aria-labelledby="file">
        <h2 id="file" className="mb-4 text-xl font-semibold text-brand-800">
          {loaderData.total.toLocaleString("fr-FR")} demande{loaderData.total > 1 ? "s" : ""}
        </h2>
        {items.length === 0 ? (
          <p>Aucune demande ne correspond à ces critères.</p>
        ) : (
          <DataTable
            caption={`Demandes à examiner, des plus anciennes aux plus récentes — page ${filter.page}`}
            headers={[
              "Demande",
              "Reçue le",
              "Ancienneté",
              "Bénéficiaire",
              "Canal",
              "Payé par l’adhérent",
              "Part Bascule calculée",
              "Score",
              "Motifs",
              "Statut",
            ]}
            rows={items.map((c) => [
              <Link key="n" to={`/admin/remboursements/${c.number}`} className="font-semibold whitespace-nowrap">
                {c.number}
              </Link>,
              <time key="t" dateTime={c.receivedAt.toISOString()} className="whitespace-nowrap">
                {formatParisDateTimeShort(c.receivedAt)}
              </time>,
              c.age,
              c.beneficiaryName,
              CHANNEL_LABELS[c.channel],
              <span key="r" className="whitespace-nowrap tabular-nums">
                {formatEuros(c.realCostCents)}
              </span>,
              <span key="a" className="whitespace-nowrap tabular-nums">
                {formatEuros(c.amcCents)}
              </span>,
              c.fraudScore,
              <ul key="m" className="list-disc pl-4">
                {c.reasons.map((r, i) => (
                  <li key={`${r.code}-${i}`}>{reasonLabel(r.code)}</li>
                ))}
              </ul>,
              CLAIM_STATUS_LABELS[c.status],
            ])}
          />
        )}
        {filter.page > 1 || loaderData.hasNextPage ? (
          <nav aria-label="Pagination des demandes" className="mt-4 flex gap-6">
            {filter.page > 1 ? <Link to={queueHref(filter, filter.page - 1)}>Page précédente</Link> : null}
            {loaderData.hasNextPage ? <Link to={queueHref(filter, filter.page + 1)}>Page suivante</Link> : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
