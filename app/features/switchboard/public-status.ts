import { escapeXml } from "~/platform/http/escape";
import { SERVICE_CATALOGUE } from "./catalogue";
import { SERVICE_KEYS, type ServiceKey, type ServiceState, type ServiceStatus } from "./types";
import { PUBLIC_STATE_LABELS } from "./wording";
import { formatParisWeekday, formatParisWeekdayTime, parisDateOf } from "~/platform/time/paris";

/*
 * What the public may know about the switchboard: each service's state and public message, and
 * the history of changes — never the internal reason, never who made the change.
 */

/** The status page and its feed show this much history. */
export const HISTORY_DAYS = 90;

/** A state change as the status page and its Atom feed show it. */
export type PublicEvent = {
  id: number;
  serviceKey: ServiceKey;
  label: string;
  state: ServiceState;
  at: string; // ISO
  message: string;
  expectedReturnAt: string | null;
};

/** The columns of a switchboard event that may be published (the internal reason is not one). */
export type EventRow = {
  id: number;
  serviceKey: string;
  toState: ServiceState;
  at: Date;
  publicMessage: string | null;
  expectedReturnAt: Date | null;
  rolloutPercent: number | null;
};

/** The sentence said when a change came without a public message. */
export function defaultMessage(label: string, state: ServiceState, rolloutPercent: number | null): string {
  switch (state) {
    case "OPEN":
      return `Le service « ${label} » est de nouveau ouvert.`;
    case "CLOSED":
      return `Le service « ${label} » est temporairement fermé.`;
    case "FALLBACK":
      return `Le service « ${label} » fonctionne temporairement par e-mail.`;
    case "RETESTING":
      return `Le service « ${label} » est en cours de vérification avant sa réouverture.`;
    case "REOPENING":
      return rolloutPercent === null
        ? `Le service « ${label} » rouvre progressivement.`
        : `Le service « ${label} » rouvre progressivement (${rolloutPercent} % des personnes).`;
  }
}

const isCatalogued = (key: string): key is ServiceKey => (SERVICE_KEYS as readonly string[]).includes(key);

/** Events of services the catalogue still knows, stripped to what may be published. */
export function toPublicEvents(rows: readonly EventRow[]): PublicEvent[] {
  return rows.flatMap((row) => {
    if (!isCatalogued(row.serviceKey)) return [];
    const { label } = SERVICE_CATALOGUE[row.serviceKey];
    return [
      {
        id: row.id,
        serviceKey: row.serviceKey,
        label,
        state: row.toState,
        at: row.at.toISOString(),
        message: row.publicMessage ?? defaultMessage(label, row.toState, row.rolloutPercent),
        expectedReturnAt: row.expectedReturnAt?.toISOString() ?? null,
      },
    ];
  });
}

export type HistoryDay = { day: string; label: string; events: PublicEvent[] };

/** Events (newest first) grouped by calendar day in Paris, newest day first. */
export function groupByDay(events: readonly PublicEvent[]): HistoryDay[] {
  const days: HistoryDay[] = [];
  for (const event of events) {
    const day = parisDateOf(event.at);
    const last = days.at(-1);
    if (last?.day === day) last.events.push(event);
    else days.push({ day, label: formatParisWeekday(event.at), events: [event] });
  }
  return days;
}

/** One service as the status page shows it. */
export type PublicServiceStatus = {
  key: ServiceKey;
  label: string;
  description: string;
  state: ServiceState;
  stateLabel: string;
  since: string;
  message: string | null;
  expectedReturnAt: string | null;
};

export function toPublicStatus(status: ServiceStatus): PublicServiceStatus {
  const definition = SERVICE_CATALOGUE[status.key];
  return {
    key: status.key,
    label: definition.label,
    description: definition.description,
    state: status.state,
    stateLabel: PUBLIC_STATE_LABELS[status.state],
    since: status.since,
    message: status.state === "OPEN" ? null : status.publicMessage,
    expectedReturnAt: status.state === "OPEN" ? null : status.expectedReturnAt,
  };
}

export const FEED_ID = "urn:bascule:switchboard:status";

/** The history as an Atom 1.0 feed (RFC 4287). `updated` is the newest change, or `fallbackUpdated`. */
export function renderAtomFeed(input: { origin: string; events: readonly PublicEvent[]; fallbackUpdated: string }): string {
  const origin = escapeXml(input.origin);
  const updated = input.events[0]?.at ?? input.fallbackUpdated;
  const entries = input.events.map((event) => {
    const expected = event.expectedReturnAt ? ` Retour prévu le ${formatParisWeekdayTime(event.expectedReturnAt)}.` : "";
    return `  <entry>
    <id>urn:bascule:switchboard:event:${event.id}</id>
    <title>${escapeXml(`${event.label} : ${PUBLIC_STATE_LABELS[event.state].toLowerCase()}`)}</title>
    <updated>${event.at}</updated>
    <link rel="alternate" type="text/html" href="${origin}/statut"/>
    <content type="text">${escapeXml(`${event.message}${expected}`)}</content>
  </entry>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <id>${FEED_ID}</id>
  <title>Bascule — état des services en ligne</title>
  <subtitle>Fermetures, fonctionnements dégradés et réouvertures des services en ligne de Bascule.</subtitle>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${origin}/statut.atom"/>
  <link rel="alternate" type="text/html" href="${origin}/statut"/>
  <author><name>Bascule, mutuelle santé</name></author>
${entries.join("")}</feed>
`;
}
