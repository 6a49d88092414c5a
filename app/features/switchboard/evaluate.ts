import { SERVICE_CATALOGUE } from "./catalogue";
import { SERVICE_KEYS, SERVICE_STATES, type Audience, type Decision, type ServiceKey, type ServiceState, type ServiceStatus, type SwitchboardSnapshot } from "./types";

/*
 * Is this service open for this person, now? Runs on every request, synchronously, from the
 * in-memory snapshot: every possible answer is built once at module load, so a decision is a map
 * lookup, a few comparisons and, for a progressive reopening, a hash of the subject id.
 */

/** After this long without confirming its snapshot, an instance applies each service's fail-safe. */
export const STALE_AFTER_MS = 30_000;

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  return h >>> 0;
}

type Policy = {
  /** FNV-1a state after `${key}:`, so a bucket hashes only the subject id. */
  seed: number;
  failClosed: boolean;
  closed: Readonly<Record<ServiceState, Decision>>;
  stale: Readonly<Record<ServiceState, Decision>>;
};

const OPEN: Decision = Object.freeze({ open: true });

function closedDecisions(key: ServiceKey, stale: boolean): Readonly<Record<ServiceState, Decision>> {
  const { hasFallback } = SERVICE_CATALOGUE[key];
  const entries = SERVICE_STATES.map((state) => {
    // While the online service is re-tested, or reopened to a share of members, everybody else
    // is offered its fallback channel (claims by e-mail) rather than a bare shutter.
    const fallback = state === "FALLBACK" || (hasFallback && (state === "RETESTING" || state === "REOPENING"));
    return [state, Object.freeze({ open: false, state, key, stale, fallback })] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as Record<ServiceState, Decision>);
}

const POLICIES: ReadonlyMap<ServiceKey, Policy> = new Map(
  SERVICE_KEYS.map((key) => [
    key,
    {
      seed: fnv1a(fnv1a(FNV_OFFSET_BASIS, key), ":"),
      failClosed: SERVICE_CATALOGUE[key].failSafe === "fail-closed",
      closed: closedDecisions(key, false),
      stale: closedDecisions(key, true),
    },
  ]),
);

function policyOf(key: ServiceKey): Policy {
  const policy = POLICIES.get(key);
  if (!policy) throw new Error(`Unknown switchboard service: ${key}`);
  return policy;
}

/**
 * The person's stable rollout bucket for this service, 0–99: FNV-1a (32-bit, over UTF-16 code
 * units) of `${key}:${subjectId}`, modulo 100. Each service gets its own order of members, so
 * the first 5 % of one reopening are not always the same people.
 */
export function bucketOf(subjectId: string, key: ServiceKey): number {
  return fnv1a(policyOf(key).seed, subjectId) % 100;
}

/**
 * Whether `key` is open for `audience` at `nowMs`. RETESTING is open to testers only, REOPENING
 * to testers and to subjects whose bucket is below the rollout percentage (never to anonymous
 * visitors without a rollout id). When the snapshot was last confirmed more than 30 s ago, a
 * `fail-closed` service is closed to everybody (`stale: true`, with its last known state) and a
 * `last-known` service is decided on its last known state.
 */
export function decide(snapshot: SwitchboardSnapshot, key: ServiceKey, audience: Audience, nowMs: number): Decision {
  const policy = policyOf(key);
  const status = snapshot.services[key];
  const state = status.state;
  // Written so that a NaN confirmation time counts as stale.
  if (policy.failClosed && !(nowMs - snapshot.confirmedAt <= STALE_AFTER_MS)) return policy.stale[state];
  switch (state) {
    case "OPEN":
      return OPEN;
    case "RETESTING":
      return audience.isTester ? OPEN : policy.closed.RETESTING;
    case "REOPENING":
      return audience.isTester || (audience.subjectId !== null && fnv1a(policy.seed, audience.subjectId) % 100 < (status.rolloutPercent ?? 0))
        ? OPEN
        : policy.closed.REOPENING;
    default:
      return policy.closed[state];
  }
}

/** Services that are not fully open, in catalogue order, for the site-wide banner. */
export function degradedServices(snapshot: SwitchboardSnapshot): ServiceStatus[] {
  return SERVICE_KEYS.map((key) => snapshot.services[key]).filter((status) => status.state !== "OPEN");
}
