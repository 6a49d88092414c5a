import { escapeHtml } from "~/platform/http/escape";
import type { ServiceDefinition, ServiceKey, ServiceState, ServiceStatus } from "./types";
import { INSURER } from "~/ui/insurer";
import { formatParisWeekdayTime } from "~/platform/time/paris";

/*
 * The shutter: what a person gets instead of a service that is not open for them. Built from the
 * in-memory snapshot only — no database, no React render — as a static French page following the
 * GOV.UK "service unavailable" pattern, or as an RFC 9457 problem document for non-HTML clients.
 */

export type ShutterContent = {
  key: ServiceKey;
  label: string;
  state: ServiceState;
  /** When the current state began; null when this instance closed an open service out of caution. */
  since: string | null;
  expectedReturnAt: string | null;
  publicMessage: string | null;
  alternativeChannel: string;
  dataNotice: string;
  /** The instance could not confirm its view of the switchboard is current (fail-safe closure). */
  stale: boolean;
  /** Mailbox to write to instead, for a service with an e-mail fallback (online claims); null otherwise. */
  fallbackMailbox: string | null;
  /** The e-mail fallback is in effect for this person (members are sent to its instructions page). */
  worksByEmail: boolean;
};

export function shutterContent(input: {
  definition: Pick<ServiceDefinition, "key" | "label" | "alternativeChannel" | "dataNotice" | "hasFallback">;
  status: Pick<ServiceStatus, "state" | "since" | "publicMessage" | "expectedReturnAt">;
  decision: { state: ServiceState; stale: boolean; fallback: boolean };
  claimsMailbox: string;
}): ShutterContent {
  const { definition, status, decision } = input;
  // A stale instance closing a service the switchboard says is open knows nothing of a closure.
  const knownClosure = status.state !== "OPEN";
  return {
    key: definition.key,
    label: definition.label,
    state: decision.state,
    since: knownClosure ? status.since : null,
    expectedReturnAt: knownClosure ? status.expectedReturnAt : null,
    publicMessage: knownClosure ? status.publicMessage : null,
    alternativeChannel: definition.alternativeChannel,
    dataNotice: definition.dataNotice,
    stale: decision.stale,
    // The alternative channel of a service with an e-mail fallback refers to the mailbox shown here.
    fallbackMailbox: decision.fallback || definition.hasFallback ? input.claimsMailbox : null,
    worksByEmail: decision.fallback,
  };
}

/** Seconds for `Retry-After`: until the expected return, at least a minute; null when unknown. */
export function retryAfterSeconds(expectedReturnAt: string | null, nowMs: number): number | null {
  if (!expectedReturnAt) return null;
  const at = Date.parse(expectedReturnAt);
  if (Number.isNaN(at)) return null;
  return Math.max(60, Math.ceil((at - nowMs) / 1000));
}

function shutterTitle(content: Pick<ShutterContent, "label">): string {
  return `Le service « ${content.label} » est temporairement indisponible`;
}

function sinceSentence(content: ShutterContent): string {
  if (!content.since) {
    return "Nous ne pouvons pas vérifier pour le moment que ce service fonctionne normalement : par précaution, il est fermé quelques instants.";
  }
  const since = escapeHtml(formatParisWeekdayTime(content.since));
  switch (content.state) {
    case "FALLBACK":
      return `Depuis le ${since}, ce service fonctionne par e-mail.`;
    case "RETESTING":
      return `Le service est fermé depuis le ${since}. Nous le vérifions avant de le rouvrir.`;
    case "REOPENING":
      return `Le service rouvre progressivement depuis le ${since} : il n’est pas encore accessible à tout le monde.`;
    default:
      return `Le service est fermé depuis le ${since}.`;
  }
}

function returnSentence(content: ShutterContent): string {
  if (content.stale && !content.since) return "Réessayez dans quelques minutes.";
  if (content.expectedReturnAt) {
    return `Nous prévoyons de le rouvrir le ${escapeHtml(formatParisWeekdayTime(content.expectedReturnAt))}.`;
  }
  return "Nous ne savons pas encore quand le service rouvrira.";
}

function fallbackSection(mailbox: string): string {
  const address = escapeHtml(mailbox);
  return `
          <h3 class="mt-4 font-semibold">Envoyer votre demande de remboursement par e-mail</h3>
          <p class="mt-1">Écrivez à <a href="mailto:${address}">${address}</a> et indiquez votre numéro d’adhérent dans l’objet.</p>
          <p class="mt-1">Joignez la facture et, si vous en avez un, le décompte de la Sécurité sociale. N’envoyez jamais vos coordonnées bancaires par e-mail.</p>
          <p class="mt-1">Adhérent ? <a href="/connexion?redirectTo=%2Fespace%2Fremboursements%2Fenvoi-par-courriel">Connectez-vous</a> pour obtenir la référence exacte à indiquer.</p>`;
}

/** The shutter as a complete HTML document, with the site's header, footer and stylesheet. */
export function renderShutterPage(content: ShutterContent, options: { stylesheetHref: string | null }): string {
  const title = escapeHtml(shutterTitle(content));
  const stylesheet = options.stylesheetHref ? `\n    <link rel="stylesheet" href="${escapeHtml(options.stylesheetHref)}">` : "";
  const message = content.publicMessage
    ? `\n        <p class="mt-4 text-lg">${escapeHtml(content.publicMessage)}</p>`
    : "";
  const fallback = content.fallbackMailbox ? fallbackSection(content.fallbackMailbox) : "";
  return `<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${title} — Bascule</title>${stylesheet}
  </head>
  <body class="flex min-h-screen flex-col font-sans">
    <a href="#contenu" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:text-brand-800 focus:shadow">Aller au contenu</a>
    <header class="border-b border-slate-200 bg-white">
      <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-4">
        <a href="/" class="flex items-center gap-3 no-underline">
          <span aria-hidden="true" class="grid h-10 w-10 place-items-center rounded-lg bg-brand-700 text-xl font-bold text-white">B</span>
          <span class="text-xl font-bold text-brand-800">Bascule <span class="block text-sm font-normal text-muted">Mutuelle santé</span></span>
        </a>
        <nav aria-label="Navigation principale">
          <ul class="flex flex-wrap items-center gap-4">
            <li><a href="/connexion" class="rounded-md bg-brand-700 px-4 py-2 font-semibold text-white no-underline hover:bg-brand-800 hover:text-white">Espace adhérent</a></li>
          </ul>
        </nav>
      </div>
    </header>
    <main id="contenu" tabindex="-1" class="mx-auto w-full max-w-6xl flex-1 px-4 py-10">
      <div class="mx-auto max-w-3xl">
        <h1 class="text-3xl font-bold tracking-tight text-brand-800">${title}</h1>${message}
        <p class="mt-4">${sinceSentence(content)}</p>
        <p class="mt-2">${returnSentence(content)}</p>
        <section aria-labelledby="autre-moyen" class="mt-8 rounded-md border-l-4 border-brand-600 bg-brand-50 p-4">
          <h2 id="autre-moyen" class="text-xl font-semibold text-brand-800">Faire votre démarche autrement</h2>${fallback}
          <p class="mt-2">${escapeHtml(content.alternativeChannel)}</p>
        </section>
        <h2 class="mt-8 text-xl font-semibold text-brand-800">Ce que vous aviez saisi</h2>
        <p class="mt-2">${escapeHtml(content.dataNotice)}</p>
        <ul class="mt-8 space-y-2">
          <li><a href="/statut">Consulter l’état de tous nos services en ligne</a></li>
          <li><a href="/">Retour à l’accueil</a></li>
        </ul>
      </div>
    </main>
    <footer class="mt-auto border-t border-slate-200 bg-white">
      <div class="mx-auto grid max-w-6xl gap-6 px-4 py-8 text-sm text-muted sm:grid-cols-3">
        <div>
          <p class="font-semibold text-ink">${escapeHtml(INSURER.legalName)}</p>
          <p>Mutuelle régie par le livre II du Code de la mutualité.</p>
        </div>
        <div>
          <p class="font-semibold text-ink">Nous contacter</p>
          <p>Téléphone : <a href="${INSURER.phoneHref}">${INSURER.phone}</a> (${INSURER.phoneHours})</p>
        </div>
        <div>
          <p class="font-semibold text-ink">Courrier</p>
          <p>${escapeHtml(INSURER.postalAddress)}</p>
        </div>
      </div>
    </footer>
  </body>
</html>
`;
}

export const SHUTTER_PROBLEM_TYPE = "https://bascule.example/problemes/service-ferme";

/** RFC 9457 problem details for APIs, resource routes and other non-HTML clients. */
export function shutterProblem(content: ShutterContent) {
  return {
    type: SHUTTER_PROBLEM_TYPE,
    title: shutterTitle(content),
    status: 503,
    detail:
      content.publicMessage ??
      (content.worksByEmail && content.fallbackMailbox
        ? `Ce service fonctionne par e-mail : écrivez à ${content.fallbackMailbox} en indiquant votre numéro d’adhérent dans l’objet.`
        : content.alternativeChannel),
    service: content.key,
    state: content.state,
    expectedReturnAt: content.expectedReturnAt,
  };
}
