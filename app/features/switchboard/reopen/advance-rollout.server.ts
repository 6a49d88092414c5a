import { randomUUID } from "node:crypto";
import type { Actor } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { applyTransitions, openSwitchboardChange } from "../change-services.server";
import { SwitchboardError } from "../errors";
import { isServiceKey } from "../store.server";
import type { ServiceState } from "../types";
import { requirePercent } from "./reopen-rules";
import { requireAllowed } from "./reopen-steps.server";

/*
 * After a progressive reopening: widening it to more members, up to everyone.
 */

/** Opens a service in progressive reopening to more members, or fully (100 %). One admin. */
export async function advanceRollout(
  db: Db,
  input: { actor: Actor; key: string; rolloutPercent: number; ipHash?: string | null; now?: Date },
): Promise<{ version: number; state: ServiceState; rolloutPercent: number | null }> {
  const now = input.now ?? new Date();
  if (!isServiceKey(input.key)) throw new SwitchboardError("unknown-service", `Service inconnu : « ${input.key} ».`);
  const key = input.key;
  const rolloutPercent = requirePercent(input.rolloutPercent);
  return db.transaction(async (tx) => {
    await requireAllowed(tx, input.actor, "services:approve-reopen");
    const rows = await openSwitchboardChange(tx);
    const { version, changed } = await applyTransitions(tx, rows, {
      actor: input.actor,
      ipHash: input.ipHash ?? null,
      now,
      groupId: randomUUID(),
      reason: rolloutPercent === 100 ? "Fin de la réouverture progressive : service ouvert à tous" : `Réouverture progressive portée à ${rolloutPercent} % des adhérents`,
      steps: [{ key, command: { type: "advance-rollout", rolloutPercent } }],
    });
    return { version, state: changed[0]!.to, rolloutPercent: changed[0]!.rolloutPercent };
  });
}
