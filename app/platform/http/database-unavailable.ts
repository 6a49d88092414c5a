import { escapeHtml } from "./escape";
import { documentUrl, type RequestKind } from "./request-kind";

/*
 * The answer while the database cannot be reached (PostgreSQL restarting, connections terminated):
 * a 503 that says so in French, built without the database nor a React render. Browsers get a
 * static page; React Router's client-side navigations are told to load the page as a document
 * (which then gets that page, or the real one once the database is back); other clients get an
 * RFC 9457 problem document.
 */

/** Seconds a client is asked to wait: PostgreSQL restarts in seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const DATABASE_UNAVAILABLE_PROBLEM_TYPE = "https://bascule.example/problemes/base-indisponible";
export const DATABASE_UNAVAILABLE_TITLE = "Bascule est momentanément indisponible";
const DETAIL =
  "Nos serveurs ne peuvent pas joindre leur base de données pour quelques instants. Réessayez dans quelques secondes : une demande de remboursement renvoyée ne sera pas enregistrée deux fois.";

export type UnavailableAnswer = { status: number; headers: Record<string, string>; body: string | null };

export type ContactDetails = { legalName: string; phone: string; phoneHref: string; phoneHours: string };

export function databaseUnavailableAnswer(input: {
  kind: RequestKind;
  path: string;
  search: string;
  stylesheetHref: string | null;
  contact: ContactDetails;
}): UnavailableAnswer {
  if (input.kind === "data") {
    return {
      status: 204,
      headers: { "X-Remix-Redirect": documentUrl(input.path, input.search), "X-Remix-Status": "302", "X-Remix-Reload-Document": "true", "Cache-Control": "no-store" },
      body: null,
    };
  }
  const common = { "Cache-Control": "no-store", "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) };
  if (input.kind === "document") {
    return { status: 503, headers: { ...common, "Content-Type": "text/html; charset=utf-8" }, body: renderPage(input.stylesheetHref, input.contact) };
  }
  return {
    status: 503,
    headers: { ...common, "Content-Type": "application/problem+json; charset=utf-8" },
    body: JSON.stringify({ type: DATABASE_UNAVAILABLE_PROBLEM_TYPE, title: DATABASE_UNAVAILABLE_TITLE, status: 503, detail: DETAIL }),
  };
}

function renderPage(stylesheetHref: string | null, contact: ContactDetails): string {
  const stylesheet = stylesheetHref ? `\n    <link rel="stylesheet" href="${escapeHtml(stylesheetHref)}">` : "";
  return `<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${escapeHtml(DATABASE_UNAVAILABLE_TITLE)}</title>${stylesheet}
  </head>
  <body class="flex min-h-screen flex-col font-sans">
    <header class="border-b border-slate-200 bg-white">
      <div class="mx-auto max-w-6xl px-4 py-4">
        <a href="/" class="text-xl font-bold text-brand-800 no-underline">Bascule <span class="block text-sm font-normal text-muted">Mutuelle santé</span></a>
      </div>
    </header>
    <main id="contenu" class="mx-auto w-full max-w-3xl flex-1 px-4 py-10">
      <h1 class="text-3xl font-bold tracking-tight text-brand-800">${escapeHtml(DATABASE_UNAVAILABLE_TITLE)}</h1>
      <p class="mt-4">Nos serveurs ne peuvent pas joindre leur base de données pour quelques instants. Votre dernière action n’a peut-être pas été enregistrée.</p>
      <p class="mt-2">Réessayez dans quelques secondes (rechargez la page). Si vous déposiez une demande de remboursement, la renvoyer ne la créera pas en double.</p>
      <p class="mt-6">Une question urgente ? Appelez-nous au <a href="${escapeHtml(contact.phoneHref)}">${escapeHtml(contact.phone)}</a> (${escapeHtml(contact.phoneHours)}).</p>
    </main>
    <footer class="mt-auto border-t border-slate-200 bg-white">
      <p class="mx-auto max-w-6xl px-4 py-6 text-sm text-muted">${escapeHtml(contact.legalName)}</p>
    </footer>
  </body>
</html>
`;
}
