import { NavLink, Outlet } from "react-router";
import { requireMember } from "~/platform/auth/guards.server";
import type { Route } from "./+types/layout";

export async function loader(args: Route.LoaderArgs) {
  await requireMember(args);
  return null;
}

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-md px-3 py-2 no-underline ${isActive ? "bg-brand-700 font-semibold text-white hover:text-white" : "text-brand-800 hover:bg-brand-50"}`;

export default function MemberLayout() {
  return (
    <div className="mx-auto flex w-full max-w-6xl flex-1 flex-col gap-8 px-4 py-8 md:flex-row">
      <nav aria-label="Mon espace" className="md:w-56 md:shrink-0">
        <ul className="space-y-1">
          <li>
            <NavLink to="/espace" end className={linkClass}>
              Tableau de bord
            </NavLink>
          </li>
          <li>
            <NavLink to="/espace/remboursements" className={linkClass}>
              Mes remboursements
            </NavLink>
          </li>
          <li>
            <NavLink to="/espace/securite" className={linkClass}>
              Sécurité du compte
            </NavLink>
          </li>
        </ul>
      </nav>
      <main id="contenu" tabIndex={-1} className="min-w-0 flex-1">
        <Outlet />
      </main>
    </div>
  );
}

export { ErrorBoundary } from "~/ui/error-page";
