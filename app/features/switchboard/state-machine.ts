import type { ServiceDefinition, ServiceState } from "./types";

/*
 * The life of one service: OPEN → CLOSED or FALLBACK → RETESTING → REOPENING (a sticky share of
 * members) → OPEN. Nothing goes back to OPEN except through `reopen` or `advance-rollout`, which
 * the store only issues for an approved reopen request. Pure: the store applies the result.
 */

export type SwitchboardCommand =
  | { type: "close" }
  | { type: "fallback" }
  | { type: "start-retest" }
  | { type: "reopen"; rolloutPercent: number }
  | { type: "advance-rollout"; rolloutPercent: number };

export type SwitchboardCommandType = SwitchboardCommand["type"];

export type TransitionError = {
  code: "already-in-state" | "no-fallback" | "not-closed" | "not-retesting" | "not-reopening" | "invalid-percent" | "percent-not-increasing";
  /** French, shown to the admin. */
  message: string;
};

export type TransitionResult =
  | { ok: true; state: ServiceState; rolloutPercent: number | null }
  | { ok: false; error: TransitionError };

/** The usual steps of a progressive reopening, in percent of members. */
export const ROLLOUT_STEPS: readonly number[] = [5, 25, 50, 100];

const COMMAND_TYPES: readonly SwitchboardCommandType[] = ["close", "fallback", "start-retest", "reopen", "advance-rollout"];

const STATE_LABELS: Record<ServiceState, string> = {
  OPEN: "ouvert",
  CLOSED: "fermé",
  FALLBACK: "en mode de secours",
  RETESTING: "en cours de re-test",
  REOPENING: "en cours de réouverture progressive",
};

const fail = (code: TransitionError["code"], message: string): TransitionResult => ({ ok: false, error: { code, message } });

/** Why `type` cannot apply to a service in `state`, whatever the percentage; null when it can. */
function refusal(definition: ServiceDefinition, state: ServiceState, type: SwitchboardCommandType): TransitionResult | null {
  const already = () => fail("already-in-state", `Le service « ${definition.label} » est déjà ${STATE_LABELS[state]}.`);
  switch (type) {
    case "close":
      return state === "CLOSED" ? already() : null;
    case "fallback":
      if (!definition.hasFallback) return fail("no-fallback", `Le service « ${definition.label} » n’a pas de mode de secours : il ne peut qu’être fermé.`);
      return state === "FALLBACK" ? already() : null;
    case "start-retest":
      if (state === "RETESTING") return already();
      return state === "CLOSED" || state === "FALLBACK"
        ? null
        : fail("not-closed", `Seul un service fermé ou en mode de secours peut être re-testé ; « ${definition.label} » est ${STATE_LABELS[state]}.`);
    case "reopen":
      return state === "RETESTING"
        ? null
        : fail("not-retesting", `Seul un service en cours de re-test peut être rouvert ; « ${definition.label} » est ${STATE_LABELS[state]}.`);
    case "advance-rollout":
      return state === "REOPENING"
        ? null
        : fail("not-reopening", `Seul un service en cours de réouverture progressive peut être ouvert à plus d’adhérents ; « ${definition.label} » est ${STATE_LABELS[state]}.`);
  }
}

const isPercent = (value: number) => Number.isInteger(value) && value >= 1 && value <= 100;
const invalidPercent = (value: number) =>
  fail("invalid-percent", `Le pourcentage d’ouverture doit être un nombre entier entre 1 et 100 (reçu : ${value}).`);

/** Where a percentage leads: 100 % is simply open. */
const rollout = (percent: number): TransitionResult =>
  percent === 100 ? { ok: true, state: "OPEN", rolloutPercent: null } : { ok: true, state: "REOPENING", rolloutPercent: percent };

export function transition(
  definition: ServiceDefinition,
  current: { state: ServiceState; rolloutPercent: number | null },
  command: SwitchboardCommand,
): TransitionResult {
  const refused = refusal(definition, current.state, command.type);
  if (refused) return refused;
  switch (command.type) {
    case "close":
      return { ok: true, state: "CLOSED", rolloutPercent: null };
    case "fallback":
      return { ok: true, state: "FALLBACK", rolloutPercent: null };
    case "start-retest":
      return { ok: true, state: "RETESTING", rolloutPercent: null };
    case "reopen":
      return isPercent(command.rolloutPercent) ? rollout(command.rolloutPercent) : invalidPercent(command.rolloutPercent);
    case "advance-rollout": {
      if (!isPercent(command.rolloutPercent)) return invalidPercent(command.rolloutPercent);
      const before = current.rolloutPercent ?? 0;
      if (command.rolloutPercent <= before) {
        return fail("percent-not-increasing", `Le service est déjà ouvert à ${before} % des adhérents : choisissez un pourcentage plus élevé.`);
      }
      return rollout(command.rolloutPercent);
    }
  }
}

/** The commands the back office may offer for a service in `state` (percentages checked later). */
export function allowedCommands(definition: ServiceDefinition, state: ServiceState): SwitchboardCommandType[] {
  return COMMAND_TYPES.filter((type) => refusal(definition, state, type) === null);
}
