import { SERVICE_CATALOGUE, dependentsOf } from "./catalogue";
import { SwitchboardError } from "./errors";
import { type TransitionError, transition } from "./state-machine";
import { SERVICE_KEYS, type ServiceKey, type ServiceState, type ServiceStatus } from "./types";

/*
 * The impact of closing or falling back services, before anything is written: the preview the
 * back office shows before confirming, and the plan the change use-case applies. Pure.
 *
 * A service that closes closes everything that depends on it (transitively). A service that falls
 * back keeps its function available through its alternative channel (online claims by e-mail),
 * so its dependents are left alone; for the same reason, a dependent asked to fall back in the
 * same change, or already in fallback, stays in fallback when its dependency closes (the e-mail
 * channel does not need the member space).
 */

export type ChangeTarget = "CLOSED" | "FALLBACK";

export type PlannedChange = {
  key: ServiceKey;
  label: string;
  from: ServiceState;
  to: ChangeTarget;
  /** "requested": asked for; "dependency": closed because a service it needs closes. */
  cause: "requested" | "dependency";
  /** The closing services this one depends on (directly or not) — empty when requested alone. */
  closedBecauseOf: ServiceKey[];
  /** Why the state machine refuses this change; null when it is allowed. */
  refusal: TransitionError | null;
};

export type SkippedChange = { key: ServiceKey; label: string; state: ServiceState; cause: "requested" | "dependency" };

export type ChangePlan = {
  /** Services that will change, in catalogue order. */
  changes: PlannedChange[];
  /** Services already in the asked state (or kept in fallback): nothing is written for them. */
  skipped: SkippedChange[];
  /** True when every change is allowed (and there is at least one). */
  applicable: boolean;
};

function isKnownKey(key: string): key is ServiceKey {
  return (SERVICE_KEYS as readonly string[]).includes(key);
}

/**
 * What `changes` would do to services currently in `services` (a snapshot's services or the
 * locked rows). When a service is asked both to close and to fall back, closing wins.
 */
export function previewServiceChange(
  services: Readonly<Record<ServiceKey, Pick<ServiceStatus, "state" | "rolloutPercent">>>,
  changes: readonly { key: string; to: string }[],
): ChangePlan {
  const requested = new Map<ServiceKey, ChangeTarget>();
  for (const change of changes) {
    if (!isKnownKey(change.key)) throw new SwitchboardError("unknown-service", `Service inconnu : « ${change.key} ».`);
    if (change.to !== "CLOSED" && change.to !== "FALLBACK") {
      throw new SwitchboardError("validation", `Un service ne peut être que fermé ou passé en mode de secours (reçu : « ${change.to} »).`);
    }
    if (requested.get(change.key) !== "CLOSED") requested.set(change.key, change.to);
  }

  // Every closing service, requested or already closed, drags its dependents along.
  const closedBecauseOf = new Map<ServiceKey, ServiceKey[]>();
  for (const [key, to] of requested) {
    if (to !== "CLOSED") continue;
    for (const dependent of dependentsOf(key)) {
      const causes = closedBecauseOf.get(dependent) ?? [];
      causes.push(key);
      closedBecauseOf.set(dependent, causes);
    }
  }

  const plan: ChangePlan = { changes: [], skipped: [], applicable: false };
  for (const key of SERVICE_KEYS) {
    const asked = requested.get(key);
    const current = services[key];
    const keepsFallback = asked === "FALLBACK" || (asked === undefined && current.state === "FALLBACK");
    const forcedBy = keepsFallback ? undefined : closedBecauseOf.get(key);
    const definition = SERVICE_CATALOGUE[key];
    if (asked === undefined && forcedBy === undefined) {
      if (keepsFallback && closedBecauseOf.has(key)) plan.skipped.push({ key, label: definition.label, state: current.state, cause: "dependency" });
      continue;
    }
    const to: ChangeTarget = forcedBy ? "CLOSED" : asked!;
    const cause = asked === to ? "requested" : "dependency";
    if (current.state === to) {
      plan.skipped.push({ key, label: definition.label, state: current.state, cause });
      continue;
    }
    const result = transition(definition, current, { type: to === "CLOSED" ? "close" : "fallback" });
    plan.changes.push({
      key,
      label: definition.label,
      from: current.state,
      to,
      cause,
      closedBecauseOf: forcedBy ? SERVICE_KEYS.filter((k) => forcedBy.includes(k)) : [],
      refusal: result.ok ? null : result.error,
    });
  }
  plan.applicable = plan.changes.length > 0 && plan.changes.every((c) => c.refusal === null);
  return plan;
}
