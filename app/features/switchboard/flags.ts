import { dependsOnAudience } from "./enforcement";
import { decide, STALE_AFTER_MS } from "./evaluate";
import { SERVICE_KEYS, type ServiceKey, type ServiceState, type SwitchboardSnapshot } from "./types";

/*
 * The services' states as read-only feature flags, for the OpenFeature provider and the OFREP
 * endpoint: one boolean flag per service key, true when the service is open for the context.
 */

export type FlagContext = { targetingKey?: string; tester?: boolean };

export type FlagReason = "STATIC" | "TARGETING_MATCH" | "DISABLED" | "STALE";

export type FlagEvaluation = {
  key: ServiceKey;
  value: boolean;
  reason: FlagReason;
  /** The service's state. */
  variant: ServiceState;
  /** OpenFeature and OFREP metadata hold strings, numbers and booleans only: unknown values are left out. */
  metadata: { state: ServiceState; expectedReturnAt?: string; message?: string };
};

export function isFlagKey(key: string): key is ServiceKey {
  return (SERVICE_KEYS as readonly string[]).includes(key);
}

/**
 * Whether the service is open for this context, as enforcement decides it:
 * - STATIC: open to everyone; DISABLED: closed to everyone (closed or working by e-mail);
 * - TARGETING_MATCH: re-tested or reopening, so the answer depends on the tester flag and on the
 *   targeting key's rollout bucket;
 * - STALE: this instance cannot confirm its view is current (fail-safes apply).
 */
export function evaluateServiceFlag(snapshot: SwitchboardSnapshot, key: ServiceKey, context: FlagContext, nowMs: number): FlagEvaluation {
  const status = snapshot.services[key];
  const decision = decide(snapshot, key, { subjectId: context.targetingKey ?? null, isTester: context.tester === true }, nowMs);
  const reason: FlagReason = !(nowMs - snapshot.confirmedAt <= STALE_AFTER_MS)
    ? "STALE"
    : dependsOnAudience(status.state)
      ? "TARGETING_MATCH"
      : status.state === "OPEN"
        ? "STATIC"
        : "DISABLED";
  const metadata: FlagEvaluation["metadata"] = { state: status.state };
  if (status.state !== "OPEN" && status.expectedReturnAt) metadata.expectedReturnAt = status.expectedReturnAt;
  if (status.state !== "OPEN" && status.publicMessage) metadata.message = status.publicMessage;
  return { key, value: decision.open, reason, variant: status.state, metadata };
}
