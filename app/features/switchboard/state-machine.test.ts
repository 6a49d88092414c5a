import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "./catalogue";
import { ROLLOUT_STEPS, type SwitchboardCommand, type SwitchboardCommandType, type TransitionError, allowedCommands, transition } from "./state-machine";
import { SERVICE_KEYS, SERVICE_STATES, type ServiceDefinition, type ServiceState } from "./types";

/*
 * The expected behaviour is written out by hand below, independently of the implementation,
 * and every definition × state × command × percentage is checked against it.
 */

type Outcome = ServiceState | TransitionError["code"] | "BY-PERCENT";

/** For a service with a fallback. "BY-PERCENT": decided by the percentage tables below. */
const WITH_FALLBACK: Record<ServiceState, Record<SwitchboardCommandType, Outcome>> = {
  OPEN: { close: "CLOSED", fallback: "FALLBACK", "start-retest": "not-closed", reopen: "not-retesting", "advance-rollout": "not-reopening" },
  CLOSED: { close: "already-in-state", fallback: "FALLBACK", "start-retest": "RETESTING", reopen: "not-retesting", "advance-rollout": "not-reopening" },
  FALLBACK: { close: "CLOSED", fallback: "already-in-state", "start-retest": "RETESTING", reopen: "not-retesting", "advance-rollout": "not-reopening" },
  RETESTING: { close: "CLOSED", fallback: "FALLBACK", "start-retest": "already-in-state", reopen: "BY-PERCENT", "advance-rollout": "not-reopening" },
  REOPENING: { close: "CLOSED", fallback: "FALLBACK", "start-retest": "not-closed", reopen: "not-retesting", "advance-rollout": "BY-PERCENT" },
};

/** A service without a fallback refuses `fallback` in every state (FALLBACK included, should a row hold it). */
function expectedOutcome(definition: ServiceDefinition, state: ServiceState, type: SwitchboardCommandType): Outcome {
  if (type === "fallback" && !definition.hasFallback) return "no-fallback";
  return WITH_FALLBACK[state][type];
}

const PERCENTS = [0, 1, 5, 50, 99, 100, 101, 2.5, -1, Number.NaN, Number.POSITIVE_INFINITY] as const;

type PercentOutcome = "OPEN" | `REOPENING ${number}` | "invalid-percent" | "percent-not-increasing";

/** `reopen` from RETESTING. */
const REOPEN_BY_PERCENT: Record<number, PercentOutcome> = {
  0: "invalid-percent",
  1: "REOPENING 1",
  5: "REOPENING 5",
  50: "REOPENING 50",
  99: "REOPENING 99",
  100: "OPEN",
  101: "invalid-percent",
  2.5: "invalid-percent",
  [-1]: "invalid-percent",
  [Number.NaN]: "invalid-percent",
  [Number.POSITIVE_INFINITY]: "invalid-percent",
};

/** `advance-rollout` from REOPENING, by the current percentage. */
const ADVANCE_BY_PERCENT: Record<number, Record<number, PercentOutcome>> = {
  5: {
    0: "invalid-percent",
    1: "percent-not-increasing",
    5: "percent-not-increasing",
    50: "REOPENING 50",
    99: "REOPENING 99",
    100: "OPEN",
    101: "invalid-percent",
    2.5: "invalid-percent",
    [-1]: "invalid-percent",
    [Number.NaN]: "invalid-percent",
    [Number.POSITIVE_INFINITY]: "invalid-percent",
  },
  50: {
    0: "invalid-percent",
    1: "percent-not-increasing",
    5: "percent-not-increasing",
    50: "percent-not-increasing",
    99: "REOPENING 99",
    100: "OPEN",
    101: "invalid-percent",
    2.5: "invalid-percent",
    [-1]: "invalid-percent",
    [Number.NaN]: "invalid-percent",
    [Number.POSITIVE_INFINITY]: "invalid-percent",
  },
};

function commandsOf(type: SwitchboardCommandType): SwitchboardCommand[] {
  if (type === "reopen" || type === "advance-rollout") return PERCENTS.map((rolloutPercent) => ({ type, rolloutPercent }));
  return [{ type }];
}

const currentPercents = (state: ServiceState): (number | null)[] => (state === "REOPENING" ? [5, 50] : [null]);

function describeResult(result: ReturnType<typeof transition>): string {
  if (!result.ok) return result.error.code;
  return result.state === "REOPENING" ? `REOPENING ${result.rolloutPercent}` : `${result.state} ${result.rolloutPercent}`;
}

function expectedDescription(outcome: Outcome, command: SwitchboardCommand, currentPercent: number | null): string {
  if (outcome !== "BY-PERCENT") return SERVICE_STATES.includes(outcome as ServiceState) ? `${outcome} null` : outcome;
  if (!("rolloutPercent" in command)) throw new Error("a percentage outcome needs a percentage");
  const table = command.type === "reopen" ? REOPEN_BY_PERCENT : ADVANCE_BY_PERCENT[currentPercent ?? -1];
  const expected = table?.[command.rolloutPercent];
  if (expected === undefined) throw new Error(`no expectation for ${command.type} ${command.rolloutPercent} from ${currentPercent}`);
  return expected === "OPEN" ? "OPEN null" : expected;
}

const cases = SERVICE_KEYS.flatMap((key) =>
  SERVICE_STATES.flatMap((state) =>
    currentPercents(state).flatMap((rolloutPercent) =>
      (["close", "fallback", "start-retest", "reopen", "advance-rollout"] as const).flatMap((type) =>
        commandsOf(type).map((command) => ({ key, state, rolloutPercent, command })),
      ),
    ),
  ),
);

describe("transition", () => {
  it("covers every definition, state, command and percentage", () => {
    // 8 services × (4 states × 1 + REOPENING × 2 current percentages) × (3 + 2 × 11 commands)
    expect(cases).toHaveLength(8 * 6 * 25);
  });

  it.each(cases.map((c) => [c.key, c.state, c.rolloutPercent, JSON.stringify(c.command), c] as const))(
    "%s in %s (%s %%): %s",
    (_key, _state, _percent, _command, { key, state, rolloutPercent, command }) => {
      const definition = SERVICE_CATALOGUE[key];
      const result = transition(definition, { state, rolloutPercent }, command);
      expect(describeResult(result)).toBe(expectedDescription(expectedOutcome(definition, state, command.type), command, rolloutPercent));
      if (!result.ok) expect(result.error.message).toMatch(/^[A-ZÀ-Ý].{20,}/u);
    },
  );

  it("names the service in its French refusals", () => {
    const result = transition(SERVICE_CATALOGUE["devis-en-ligne"], { state: "CLOSED", rolloutPercent: null }, { type: "close" });
    expect(result).toEqual({ ok: false, error: { code: "already-in-state", message: "Le service « Devis en ligne » est déjà fermé." } });
  });
});

describe("allowedCommands", () => {
  it.each(SERVICE_KEYS.flatMap((key) => SERVICE_STATES.map((state) => [key, state] as const)))("%s in %s offers what the table allows", (key, state) => {
    const definition = SERVICE_CATALOGUE[key];
    const expected = (["close", "fallback", "start-retest", "reopen", "advance-rollout"] as const).filter((type) => {
      const outcome = expectedOutcome(definition, state, type);
      return outcome === "BY-PERCENT" || SERVICE_STATES.includes(outcome as ServiceState);
    });
    expect(allowedCommands(definition, state)).toEqual(expected);
  });

  it("offers a retest and nothing that reopens to a closed service", () => {
    expect(allowedCommands(SERVICE_CATALOGUE["remboursements-en-ligne"], "CLOSED")).toEqual(["fallback", "start-retest"]);
    expect(allowedCommands(SERVICE_CATALOGUE["devis-en-ligne"], "CLOSED")).toEqual(["start-retest"]);
  });
});

describe("ROLLOUT_STEPS", () => {
  it("climbs to 100 % through valid, increasing percentages", () => {
    expect(ROLLOUT_STEPS.at(-1)).toBe(100);
    for (const [i, step] of ROLLOUT_STEPS.entries()) {
      expect(Number.isInteger(step) && step >= 1 && step <= 100).toBe(true);
      if (i > 0) expect(step).toBeGreaterThan(ROLLOUT_STEPS[i - 1]!);
    }
  });
});

describe("transition properties", () => {
  const percent = fc.oneof(fc.constantFrom(...ROLLOUT_STEPS), fc.integer({ min: -5, max: 105 }), fc.double());
  const command: fc.Arbitrary<SwitchboardCommand> = fc.oneof(
    fc.constant({ type: "close" as const }),
    fc.constant({ type: "fallback" as const }),
    fc.constant({ type: "start-retest" as const }),
    percent.map((rolloutPercent) => ({ type: "reopen" as const, rolloutPercent })),
    percent.map((rolloutPercent) => ({ type: "advance-rollout" as const, rolloutPercent })),
  );
  const definition = fc.constantFrom(...SERVICE_KEYS.map((key) => SERVICE_CATALOGUE[key]));

  it("never returns to OPEN after a closure except through a re-test and a reopen or advance-rollout", () => {
    fc.assert(
      fc.property(definition, fc.array(command, { maxLength: 60 }), (service, commands) => {
        let current: { state: ServiceState; rolloutPercent: number | null } = { state: "OPEN", rolloutPercent: null };
        let retestedSinceClosure = true;
        for (const next of commands) {
          const result = transition(service, current, next);
          if (!result.ok) continue;
          if (next.type === "close" || next.type === "fallback") retestedSinceClosure = false;
          if (result.state === "RETESTING") retestedSinceClosure = true;
          if (result.state === "OPEN") {
            expect(["reopen", "advance-rollout"]).toContain(next.type);
            expect(retestedSinceClosure).toBe(true);
          }
          current = { state: result.state, rolloutPercent: result.rolloutPercent };
        }
      }),
    );
  });

  it("keeps a percentage only while REOPENING, between 1 and 99 and only ever increasing", () => {
    fc.assert(
      fc.property(definition, fc.array(command, { maxLength: 60 }), (service, commands) => {
        let current: { state: ServiceState; rolloutPercent: number | null } = { state: "OPEN", rolloutPercent: null };
        for (const next of commands) {
          const result = transition(service, current, next);
          if (!result.ok) continue;
          if (result.state === "REOPENING") {
            expect(Number.isInteger(result.rolloutPercent) && result.rolloutPercent! >= 1 && result.rolloutPercent! <= 99).toBe(true);
            if (current.state === "REOPENING") expect(result.rolloutPercent!).toBeGreaterThan(current.rolloutPercent!);
          } else {
            expect(result.rolloutPercent).toBeNull();
          }
          if (result.state === "FALLBACK") expect(service.hasFallback).toBe(true);
          current = { state: result.state, rolloutPercent: result.rolloutPercent };
        }
      }),
    );
  });
});
