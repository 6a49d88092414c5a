import type { DbOrTx } from "~/platform/db/client.server";
import { SERVICE_CATALOGUE } from "./catalogue";
import { degradedServices } from "./evaluate";
import { switchboardSnapshot } from "./propagation.server";
import { groupByDay, HISTORY_DAYS, toPublicEvents, toPublicStatus } from "./public-status";
import { listEvents } from "./store.server";
import { SERVICE_KEYS, type ServiceState, type SwitchboardSnapshot } from "./types";
import { PUBLIC_STATE_LABELS } from "./wording";

const HISTORY_LIMIT = 500;
const FEED_LIMIT = 100;

/**
 * This process's snapshot, or null when no switchboard agent runs here (scripts, unit tests):
 * for what only informs (banner, notices) and must never break a page.
 */
export function peekSnapshot(): SwitchboardSnapshot | null {
  try {
    return switchboardSnapshot();
  } catch {
    return null;
  }
}

export type DegradedNotice = { label: string; state: ServiceState; stateLabel: string; message: string | null };

/** Services not fully open, for the site-wide banner: from memory, no database. */
export function degradedNotices(): DegradedNotice[] {
  const snapshot = peekSnapshot();
  if (!snapshot) return [];
  return degradedServices(snapshot).map((status) => ({
    label: SERVICE_CATALOGUE[status.key].label,
    state: status.state,
    stateLabel: PUBLIC_STATE_LABELS[status.state],
    message: status.publicMessage,
  }));
}

/** Every service's current state (as this instance enforces it) and the last 90 days of changes. */
export async function getPublicStatus(db: DbOrTx, nowMs: number) {
  const snapshot = switchboardSnapshot();
  const events = await listEvents(db, { since: new Date(nowMs - HISTORY_DAYS * 86_400_000), limit: HISTORY_LIMIT });
  return {
    services: SERVICE_KEYS.map((key) => toPublicStatus(snapshot.services[key])),
    history: groupByDay(toPublicEvents(events)),
  };
}

/** The feed's entries (newest first) and the time to show as its last update when it has none. */
export async function getStatusFeed(db: DbOrTx, nowMs: number) {
  const snapshot = switchboardSnapshot();
  const events = toPublicEvents(await listEvents(db, { since: new Date(nowMs - HISTORY_DAYS * 86_400_000), limit: FEED_LIMIT }));
  const lastChange = SERVICE_KEYS.map((key) => snapshot.services[key].since).sort().at(-1);
  return { events, fallbackUpdated: lastChange ?? new Date(nowMs).toISOString() };
}
