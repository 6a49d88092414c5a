import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import "./app.css";
import faviconHref from "./ui/favicon.svg?no-inline";
import "./context";
import { degradedNotices } from "./features/switchboard/public-status.server";
import { getSignedIn } from "./platform/auth/guards.server";
import { isStaff } from "./platform/auth/permissions";
import { DegradedServicesBanner } from "./ui/degraded-services-banner";
import { ErrorBoundary as PageError } from "./ui/error-page";
import { useNonce } from "./ui/nonce";
import { INSURER } from "~/ui/insurer";

export async function loader({ request, context }: Route.LoaderArgs) {
  const signedIn = await getSignedIn({ request, context });
  return {
    user: signedIn
      ? { displayName: signedIn.user.displayName, staff: isStaff(signedIn.user.role), email: signedIn.user.email }
      : null,
    // From this instance's switchboard snapshot, in memory: no database query.
    degraded: degradedNotices(),
  };
}

export function links() {
  // A fingerprinted file under /assets, served by the static middleware (never a data: URI).
  return [{ rel: "icon", type: "image/svg+xml", href: faviconHref }];
}

export function meta() {
  return [{ title: "Bascule — votre mutuelle santé" }];
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  const degraded = data?.degraded ?? [];
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="description" content="Bascule, mutuelle santé : devis, adhésion, remboursements et espace adhérent en ligne." />
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-screen flex-col font-sans">
        <a
          href="#contenu"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:text-brand-800 focus:shadow"
        >
          Aller au contenu
        </a>
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-4">
            <Link to="/" className="flex items-center gap-3 no-underline">
              <span aria-hidden="true" className="grid h-10 w-10 place-items-center rounded-lg bg-brand-700 text-xl font-bold text-white">
                B
              </span>
              <span className="text-xl font-bold text-brand-800">
                Bascule <span className="block text-sm font-normal text-muted">Mutuelle santé</span>
              </span>
            </Link>
            <nav aria-label="Navigation principale">
              <ul className="flex flex-wrap items-center gap-4">
                {user ? (
                  <>
                    <li>
                      <Link to={user.staff ? "/admin" : "/espace"}>{user.staff ? "Back-office" : "Mon espace"}</Link>
                    </li>
                    <li>
                      <form method="post" action="/deconnexion">
                        <button type="submit" className="rounded-md border border-brand-700 px-3 py-1.5 font-medium text-brand-700 hover:bg-brand-50">
                          Se déconnecter
                        </button>
                      </form>
                    </li>
                  </>
                ) : (
                  <li>
                    <Link to="/connexion" className="rounded-md bg-brand-700 px-4 py-2 font-semibold text-white no-underline hover:bg-brand-800 hover:text-white">
                      Espace adhérent
                    </Link>
                  </li>
                )}
              </ul>
            </nav>
          </div>
        </header>
        <DegradedServicesBanner services={degraded} />
        {children}
        <footer className="mt-auto border-t border-slate-200 bg-white">
          <div className="mx-auto grid max-w-6xl gap-6 px-4 py-8 text-sm text-muted sm:grid-cols-3">
            <div>
              <p className="font-semibold text-ink">{INSURER.legalName}</p>
              <p>Mutuelle régie par le livre II du Code de la mutualité.</p>
            </div>
            <div>
              <p className="font-semibold text-ink">Nous contacter</p>
              <p>
                Téléphone : <a href={INSURER.phoneHref}>{INSURER.phone}</a> ({INSURER.phoneHours})
              </p>
              <p>
                <Link to="/contact">Nous écrire en ligne</Link>
              </p>
            </div>
            <div>
              <p className="font-semibold text-ink">Courrier</p>
              <p>{INSURER.postalAddress}</p>
            </div>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return (
    <main id="contenu" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-10">
      <PageError />
    </main>
  );
}
