import { Link } from "react-router";
import { getStaffHome } from "~/features/staff/staff-home.server";
import { requireStaff } from "~/platform/auth/guards.server";
import { can } from "~/platform/auth/permissions";
import { db } from "~/platform/db/client.server";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/accueil";

export const meta = () => [{ title: "Back-office — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requireStaff(args);
  return {
    firstName: user.displayName.split(" ")[0] ?? user.displayName,
    figures: await getStaffHome(db()),
    canReadAudit: can(user.role, "audit:read"),
    canReadMail: can(user.role, "mail:read"),
  };
}

const nf = new Intl.NumberFormat("fr-FR");

export default function StaffHome({ loaderData }: Route.ComponentProps) {
  const { figures } = loaderData;
  const tiles = [
    { label: "Personnes protégées", value: figures.protectedPersons },
    { label: "Contrats actifs", value: figures.activeContracts },
    { label: "Échecs de connexion (24 h)", value: figures.failedLogins24h },
    { label: "Courriels en attente", value: figures.mailPending },
    { label: "Courriels en échec définitif", value: figures.mailDead },
  ];
  return (
    <>
      <PageHeader title={`Bonjour ${loaderData.firstName}`} lead="Vue d’ensemble du portail." />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {tiles.map((t) => (
          <li key={t.label} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <p className="text-sm text-muted">{t.label}</p>
            <p className="mt-1 text-3xl font-bold text-brand-800">{nf.format(t.value)}</p>
          </li>
        ))}
      </ul>
      <ul className="mt-8 space-y-2">
        {loaderData.canReadAudit ? (
          <li>
            <Link to="/admin/journal">Consulter le journal d’audit</Link>
          </li>
        ) : null}
        {loaderData.canReadMail ? (
          <li>
            <Link to="/admin/courriels">Consulter les courriels envoyés</Link>
          </li>
        ) : null}
      </ul>
    </>
  );
}
