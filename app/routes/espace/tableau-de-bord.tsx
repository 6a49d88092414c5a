import { data } from "react-router";
import { getMemberDashboard } from "~/features/members/member-dashboard.server";
import { requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/tableau-de-bord";

export const meta = () => [{ title: "Mon espace — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { personId } = await requireMember(args);
  const dashboard = await getMemberDashboard(db(), personId);
  if (!dashboard) throw data({ message: "Dossier introuvable." }, { status: 404 });
  const welcome = new URL(args.request.url).searchParams.has("bienvenue");
  return { dashboard, welcome };
}

const ROLE_LABELS = { MEMBER: "Adhérent(e)", SPOUSE: "Conjoint(e)", CHILD: "Enfant" } as const;
const STATUS_LABELS = { PENDING: "En attente de validation", ACTIVE: "Actif", SUSPENDED: "Suspendu", TERMINATED: "Résilié", REFUSED: "Refusé" } as const;
const dateFr = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });
const formatDate = (iso: string) => dateFr.format(new Date(`${iso}T00:00:00Z`));

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { dashboard: d, welcome } = loaderData;
  return (
    <>
      <PageHeader title={`Bonjour ${d.firstName}`} lead="Votre contrat, vos garanties et les personnes protégées." />
      {welcome ? (
        <Alert tone="success" role="status" title="Votre espace adhérent est activé">
          Bienvenue ! Vous pouvez dès maintenant consulter votre contrat et vos garanties.
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Mon contrat">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2">
            <dt className="font-medium">Numéro d’adhérent</dt>
            <dd>{d.memberNumber ?? "—"}</dd>
            <dt className="font-medium">Contrat</dt>
            <dd>
              {d.contract.number} ({d.contract.kind === "COLLECTIVE" ? `collectif${d.contract.employerName ? `, ${d.contract.employerName}` : ""}` : "individuel"})
            </dd>
            <dt className="font-medium">Statut</dt>
            <dd>{STATUS_LABELS[d.contract.status]}</dd>
            <dt className="font-medium">Formule</dt>
            <dd>
              {d.formula.name} ({d.formula.code})
            </dd>
            <dt className="font-medium">Début</dt>
            <dd>{formatDate(d.contract.startDate)}</dd>
            {d.contract.endDate ? (
              <>
                <dt className="font-medium">Fin</dt>
                <dd>{formatDate(d.contract.endDate)}</dd>
              </>
            ) : null}
            {d.contract.scheme === "ALSACE_MOSELLE" ? (
              <>
                <dt className="font-medium">Régime</dt>
                <dd>Alsace-Moselle</dd>
              </>
            ) : null}
            <dt className="font-medium">IBAN de remboursement</dt>
            <dd className="whitespace-nowrap font-mono text-sm">
              {d.contract.iban ?? "Aucun IBAN enregistré"}
            </dd>
          </dl>
        </Card>
        <Card title="Personnes protégées">
          <ul className="divide-y divide-slate-200">
            {d.beneficiaries.map((b) => (
              <li key={b.id} className="py-3">
                <p className="font-semibold">
                  {b.firstName} {b.lastName} <span className="font-normal text-muted">— {ROLE_LABELS[b.role]}</span>
                </p>
                <p className="text-sm text-muted">Né(e) le {formatDate(b.birthDate)}</p>
                <p className="text-sm">
                  N° de sécurité sociale : <span className="font-mono">{b.nir ?? "—"}</span>
                  {b.coveredOnParentNir ? " (rattaché(e) au numéro d’un parent)" : null}
                </p>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <div className="mt-6">
        <Card title={`Mes garanties — formule ${d.formula.name}`}>
          <p className="mb-4 text-muted">{d.formula.description}</p>
          <DataTable
            caption={`Tableau des garanties de la formule ${d.formula.name}`}
            captionHidden
            headers={["Poste", "Ce que Bascule rembourse"]}
            rows={d.guarantees.map((g) => [g.label, g.summary])}
          />
          <p className="mt-4 text-sm text-muted">Sauf mention contraire, les pourcentages s’entendent de la base de remboursement de la Sécurité sociale, part de la Sécurité sociale incluse.</p>
        </Card>
      </div>
    </>
  );
}
