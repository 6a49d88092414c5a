import {
  type EvaluationContext,
  FlagNotFoundError,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  TypeMismatchError,
} from "@openfeature/server-sdk";
import { evaluateServiceFlag, type FlagContext, isFlagKey } from "./flags";
import { switchboardSnapshot } from "./propagation.server";
import type { ServiceKey, SwitchboardSnapshot } from "./types";

function assertKnown(flagKey: string): asserts flagKey is ServiceKey {
  if (!isFlagKey(flagKey)) throw new FlagNotFoundError(`Unknown switchboard service: ${flagKey}`);
}

/*
 * An OpenFeature server provider over the switchboard: each service key is a boolean flag (open
 * for this context?) that can also be read as a string (its state). Read-only; evaluates the
 * in-memory snapshot of this process. Context: `targetingKey` (the subject id of the rollout
 * bucket) and `tester` (true for staff and allow-listed testers).
 */
export class SwitchboardProvider implements Provider {
  readonly metadata = { name: "bascule-switchboard" } as const;
  readonly runsOn = "server" as const;

  constructor(
    private readonly snapshot: () => SwitchboardSnapshot = switchboardSnapshot,
    private readonly now: () => number = Date.now,
  ) {}

  private evaluate(flagKey: string, context: EvaluationContext) {
    assertKnown(flagKey);
    const flagContext: FlagContext = {
      targetingKey: typeof context.targetingKey === "string" ? context.targetingKey : undefined,
      tester: context.tester === true,
    };
    return evaluateServiceFlag(this.snapshot(), flagKey, flagContext, this.now());
  }

  async resolveBooleanEvaluation(flagKey: string, _defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const result = this.evaluate(flagKey, context);
    return { value: result.value, reason: result.reason, variant: result.variant, flagMetadata: result.metadata };
  }

  async resolveStringEvaluation(flagKey: string, _defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    const result = this.evaluate(flagKey, context);
    return { value: result.variant, reason: result.reason, variant: result.variant, flagMetadata: result.metadata };
  }

  async resolveNumberEvaluation(flagKey: string): Promise<ResolutionDetails<number>> {
    assertKnown(flagKey);
    throw new TypeMismatchError(`Switchboard flag ${flagKey} is a boolean (open) or a string (state), not a number`);
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string): Promise<ResolutionDetails<T>> {
    assertKnown(flagKey);
    throw new TypeMismatchError(`Switchboard flag ${flagKey} is a boolean (open) or a string (state), not an object`);
  }
}
