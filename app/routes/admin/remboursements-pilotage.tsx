import { Link } from "react-router";
import { formatDuration, formatShare, REFERENCE_SHARE } from "~/features/claims/review/service-level";
import { loadServiceLevel } from "~/features/claims/review/service-level.server";
import { BarChart, ColumnChart } from "~/features/claims/ui/charts";
import { CHANNEL_LABELS, reasonLabel } from "~/features/claims/ui/staff-labels";
import { requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-pilotage";
import { formatParisDateTimeShort } from "~/platform/time/paris";

export const meta = () => [{ title: "Pilotage des remboursements — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "claims:process");
  const now = new Date();
  return { report: await loadServiceLevel(db(), now) };
}

const shortDate = new Intl.DateTimeFormat("fr-FR", { day: "2-digit", month: "2-digit", timeZone: "UTC" });
const weekLabel = (weekStart: string) => `sem. du ${shortDate.format(new Date(`${weekStart}T12:00:00Z`))}`;
const percent = (v: number) => `${Math.round(v * 100)}\u00a0%`;
const nf = (v: number) => v.toLocaleString("fr-FR");

export default function ServiceLevelDashboard({ loaderData }: Route.ComponentProps) {
  const { report } = loaderData;
  const share = report.within48h.share;
  const reachesReference = share !== null && share >= REFERENCE_SHARE;
  const tiles = [
    {
      label: "Payées sous 48 h",
      value: formatShare(share),
      note:
        share === null
          ? "Pas encore de demande dont le délai est connu."
          : `${nf(report.within48h.paidWithin)} sur ${nf(report.within48h.counted)} — référence ${formatShare(REFERENCE_SHARE)} : ${reachesReference ? "atteinte" : "non atteinte"}.`,
    },
    { label: "Délai médian de décision", value: formatDuration(report.medianDecisionMs), note: `${nf(report.decided)} demandes décidées` },
    { label: "Délai médian de paiement", value: formatDuration(report.medianPaymentMs), note: `${nf(report.paid)} demandes payées` },
    {
      label: "En attente de traitement",
      value: nf(report.backlog.total),
      note: report.backlog.oldestReceivedAt
        ? `la plus ancienne reçue le ${formatParisDateTimeShort(report.backlog.oldestReceivedAt)}`
        : "aucune",
    },
  ];
  return (
    <>
      <PageHeader
        title="Pilotage des remboursements"
        lead={`Demandes reçues depuis le ${formatParisDateTimeShort(report.since)} (12 semaines). Une demande compte pour le délai de 48 h une fois payée, ou si elle ne l’est toujours pas 48 h après sa réception ; les demandes refusées ou sans montant à payer n’y entrent pas.`}
      />
      <section aria-labelledby="indicateurs" className="mb-8">
        <h2 id="indicateurs" className="mb-4 text-xl font-semibold text-brand-800">
          Indicateurs
        </h2>
        <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {tiles.map((t) => (
            <div key={t.label} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <dt className="text-sm text-muted">{t.label}</dt>
              <dd className="mt-1 text-3xl font-bold text-brand-800">{t.value}</dd>
              <dd className="mt-1 text-sm text-muted">{t.note}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-4">
          {nf(report.within48h.stillInTime)} demande{report.within48h.stillInTime > 1 ? "s" : ""} reçue
          {report.within48h.stillInTime > 1 ? "s" : ""} il y a moins de 48 h {report.within48h.stillInTime > 1 ? "sont" : "est"} encore dans
          les délais. <Link to="/admin/remboursements">Voir la file d’examen</Link>
        </p>
      </section>

      <div className="grid gap-6">
        <Card title="Part des demandes payées sous 48 h, par semaine">
          <ColumnChart
            title="Part des demandes payées sous 48 heures, par semaine de réception"
            description={`Histogramme sur 12 semaines ; la ligne pointillée marque la référence de ${formatShare(REFERENCE_SHARE)}. Les semaines sans demande dont le délai est connu sont vides.`}
            data={report.weeks.map((w) => ({ label: weekLabel(w.weekStart), value: w.within48h.share }))}
            valueHeader="Payées sous 48 h"
            max={1}
            reference={{ value: REFERENCE_SHARE, label: `référence ${formatShare(REFERENCE_SHARE)}` }}
            format={percent}
          />
        </Card>
        <Card title="Demandes reçues par semaine">
          <ColumnChart
            title="Nombre de demandes reçues, par semaine"
            description="Histogramme du nombre de demandes reçues chaque semaine sur 12 semaines, tous canaux confondus."
            data={report.weeks.map((w) => ({ label: weekLabel(w.weekStart), value: w.received }))}
            valueHeader="Demandes reçues"
            format={(v) => nf(Math.round(v))}
          />
        </Card>
        <Card title="Demandes en attente, par motif">
          {report.backlog.total === 0 ? (
            <p>Aucune demande en attente.</p>
          ) : (
            <BarChart
              title="Demandes en attente, par motif d’examen"
              description="Barres horizontales : nombre de demandes en examen pour chaque motif (une demande compte sous chacun de ses motifs), et demandes en attente d’un justificatif."
              data={report.backlog.byReason.map((r) => ({ label: reasonLabel(r.code), value: r.count }))}
              valueHeader="Demandes"
            />
          )}
        </Card>
        <Card title="Demandes en attente, par canal">
          <BarChart
            title="Demandes en attente, par canal de réception"
            description="Barres horizontales : nombre de demandes en examen ou en attente d’un justificatif, pour chaque canal."
            data={report.backlog.byChannel.map((c) => ({ label: CHANNEL_LABELS[c.channel], value: c.count }))}
            valueHeader="Demandes"
          />
        </Card>
        <Card title="Détail par semaine">
          <DataTable
            caption="Indicateurs par semaine de réception"
            captionHidden
            headers={["Semaine", "Reçues", "Délai connu", "Payées sous 48 h", "Part", "Délai médian de décision"]}
            rows={report.weeks.map((w) => [
              weekLabel(w.weekStart),
              nf(w.received),
              nf(w.within48h.counted),
              nf(w.within48h.paidWithin),
              formatShare(w.within48h.share),
              formatDuration(w.medianDecisionMs),
            ])}
          />
        </Card>
      </div>
    </>
  );
}
