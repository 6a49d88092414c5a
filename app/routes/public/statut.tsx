import { HISTORY_DAYS } from "~/features/switchboard/public-status";
import { getPublicStatus } from "~/features/switchboard/public-status.server";
import type { ServiceState } from "~/features/switchboard/types";
import { PUBLIC_STATE_LABELS } from "~/features/switchboard/wording";
import { db } from "~/platform/db/client.server";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/statut";
import { INSURER } from "~/ui/insurer";
import { formatParisTime, formatParisWeekdayTime } from "~/platform/time/paris";

export const meta = () => [
  { title: "État des services en ligne — Bascule" },
  { name: "description", content: "Disponibilité des services en ligne de Bascule : fermetures, fonctionnements dégradés, réouvertures et historique." },
];

export const links: Route.LinksFunction = () => [
  { rel: "alternate", type: "application/atom+xml", href: "/statut.atom", title: "Bascule — état des services en ligne" },
];

export async function loader() {
  return getPublicStatus(db(), Date.now());
}

const BADGE_CLASSES: Record<ServiceState, string> = {
  OPEN: "border-success bg-success-bg text-success",
  CLOSED: "border-danger bg-danger-bg text-danger",
  FALLBACK: "border-warning bg-warning-bg text-warning",
  RETESTING: "border-brand-700 bg-brand-50 text-brand-800",
  REOPENING: "border-brand-700 bg-brand-50 text-brand-800",
};

function StateLabel({ state }: { state: ServiceState }) {
  return (
    <p className={`inline-block rounded-full border px-2.5 py-0.5 text-sm font-semibold ${BADGE_CLASSES[state]}`}>
      <span className="sr-only">État : </span>
      {PUBLIC_STATE_LABELS[state]}
    </p>
  );
}

export default function StatusPage({ loaderData }: Route.ComponentProps) {
  const { services, history } = loaderData;
  const degraded = services.filter((s) => s.state !== "OPEN").length;
  return (
    <>
      <PageHeader
        title="État des services en ligne"
        lead={
          degraded === 0
            ? "Tous nos services en ligne fonctionnent normalement."
            : `${degraded === 1 ? "Un service en ligne est perturbé" : `${degraded} services en ligne sont perturbés`}. Nos conseillers restent joignables au ${INSURER.phone}.`
        }
      />

      <section aria-labelledby="services-titre">
        <h2 id="services-titre" className="text-2xl font-bold text-brand-800">
          Nos services
        </h2>
        <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {services.map((s) => (
            <li key={s.key} className="p-4 sm:p-6">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 className="text-lg font-semibold text-ink">{s.label}</h3>
                <StateLabel state={s.state} />
              </div>
              <p className="mt-1 text-muted">{s.description}</p>
              {s.state !== "OPEN" ? (
                <dl className="mt-3 grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
                  <dt className="font-medium">Depuis le</dt>
                  <dd>{formatParisWeekdayTime(s.since)}</dd>
                  <dt className="font-medium">Retour prévu</dt>
                  <dd>{s.expectedReturnAt ? `le ${formatParisWeekdayTime(s.expectedReturnAt)}` : "Pas encore connu"}</dd>
                  {s.message ? (
                    <>
                      <dt className="font-medium">Message</dt>
                      <dd>{s.message}</dd>
                    </>
                  ) : null}
                </dl>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="historique-titre" className="mt-12">
        <h2 id="historique-titre" className="text-2xl font-bold text-brand-800">
          Historique des {HISTORY_DAYS} derniers jours
        </h2>
        <p className="mt-2">
          <a href="/statut.atom" type="application/atom+xml">
            Suivre les changements avec le flux Atom
          </a>
        </p>
        {history.length === 0 ? (
          <p className="mt-4">Aucun changement au cours des {HISTORY_DAYS} derniers jours.</p>
        ) : (
          history.map((day) => (
            <div key={day.day} className="mt-6">
              <h3 className="text-lg font-semibold text-ink first-letter:uppercase">{day.label}</h3>
              <ul className="mt-2 space-y-3">
                {day.events.map((e) => (
                  <li key={e.id} className="rounded-md border-l-4 border-slate-300 bg-white py-2 pl-4 pr-2">
                    <p>
                      <span className="font-semibold">{formatParisTime(e.at)}</span> — {e.label} : {PUBLIC_STATE_LABELS[e.state].toLowerCase()}
                    </p>
                    <p className="text-muted">
                      {e.message}
                      {e.expectedReturnAt ? ` Retour prévu le ${formatParisWeekdayTime(e.expectedReturnAt)}.` : null}
                    </p>
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
      </section>
    </>
  );
}
