import { NavLink, Outlet } from "react-router";
import { requireStaff } from "~/platform/auth/guards.server";
import { can } from "~/platform/auth/permissions";
import type { Route } from "./+types/layout";

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requireStaff(args);
  return {
    user: { displayName: user.displayName, role: user.role },
    nav: {
      journal: can(user.role, "audit:read"),
      courriels: can(user.role, "mail:read"),
      services: can(user.role, "services:close"),
      remboursements: can(user.role, "claims:process"),
      paiements: can(user.role, "payments:manage"),
      contact: can(user.role, "contact:read"),
      adhesions: can(user.role, "subscriptions:review"),
    },
  };
}

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-md px-3 py-2 no-underline ${isActive ? "bg-brand-700 font-semibold text-white hover:text-white" : "text-brand-800 hover:bg-brand-50"}`;

export default function AdminLayout({ loaderData }: Route.ComponentProps) {
  const { user, nav } = loaderData;
  return (
    <div className="mx-auto flex w-full max-w-7xl flex-1 flex-col gap-8 px-4 py-8 md:flex-row">
      <nav aria-label="Back-office" className="md:w-56 md:shrink-0">
        <p className="mb-3 text-sm text-muted">
          {user.displayName}
          <br />
          {user.role === "ADMIN" ? "Administrateur" : "Gestionnaire"}
        </p>
        <ul className="space-y-1">
          <li>
            <NavLink to="/admin" end className={linkClass}>
              Accueil
            </NavLink>
          </li>
          {nav.journal ? (
            <li>
              <NavLink to="/admin/journal" className={linkClass}>
                Journal d’audit
              </NavLink>
            </li>
          ) : null}
          {nav.courriels ? (
            <li>
              <NavLink to="/admin/courriels" className={linkClass}>
                Courriels
              </NavLink>
            </li>
          ) : null}
          {nav.services ? (
            <li>
              <NavLink to="/admin/services" className={linkClass}>
                Services en ligne
              </NavLink>
            </li>
          ) : null}
          {nav.remboursements ? (
            <li>
              <NavLink to="/admin/remboursements" end className={linkClass}>
                Demandes à examiner
              </NavLink>
            </li>
          ) : null}
          {nav.remboursements ? (
            <li>
              <NavLink to="/admin/remboursements/pilotage" className={linkClass}>
                Pilotage des remboursements
              </NavLink>
            </li>
          ) : null}
          {nav.remboursements ? (
            <li>
              <NavLink to="/admin/remboursements/courriels" className={linkClass}>
                Demandes reçues par e-mail
              </NavLink>
            </li>
          ) : null}
          {nav.paiements ? (
            <li>
              <NavLink to="/admin/paiements" className={linkClass}>
                Paiements
              </NavLink>
            </li>
          ) : null}
          {nav.contact ? (
            <li>
              <NavLink to="/admin/contact" className={linkClass}>
                Messages reçus
              </NavLink>
            </li>
          ) : null}
          {nav.adhesions ? (
            <li>
              <NavLink to="/admin/adhesions" className={linkClass}>
                Adhésions à valider
              </NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <main id="contenu" tabIndex={-1} className="min-w-0 flex-1">
        <Outlet />
      </main>
    </div>
  );
}

export { ErrorBoundary } from "~/ui/error-page";
