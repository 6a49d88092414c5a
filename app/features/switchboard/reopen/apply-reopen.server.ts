import { randomUUID } from "node:crypto";
import { and, eq, isNotNull, lte } from "drizzle-orm";
import { type Actor, SYSTEM_ACTOR } from "~/platform/audit/audit.server";
import type { Db, Tx } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import { type AppliedChange, applyTransitions, openSwitchboardChange } from "../change-services.server";
import type { ServiceRow } from "../store.server";
import type { ServiceKey, ServiceState } from "../types";
import { type ReopenRequest, reopenBlocker } from "./reopen-rules";
import { auditStep, notifyStep, serviceKeyOf } from "./reopen-steps.server";

/*
 * Applying an approved reopening: at once on approval, or by the scheduler when its time comes.
 */

/** Reopens the service of an approved request (in the caller's transaction) and marks it applied. */
export async function applyReopen(
  tx: Tx,
  rows: Map<ServiceKey, ServiceRow>,
  request: ReopenRequest,
  input: { actor: Actor; ipHash?: string | null; now: Date; notice: string },
): Promise<{ request: ReopenRequest; change: AppliedChange; version: number }> {
  const key = serviceKeyOf(request);
  const { version, changed } = await applyTransitions(tx, rows, {
    actor: input.actor,
    ipHash: input.ipHash ?? null,
    now: input.now,
    groupId: randomUUID(),
    reason: `Réouverture approuvée par ${request.decidedByLabel} (demande de ${request.requestedByLabel})`,
    reopenRequestId: request.id,
    notice: input.notice,
    steps: [{ key, command: { type: "reopen", rolloutPercent: request.rolloutPercent } }],
  });
  const [applied] = await tx
    .update(reopenRequests)
    .set({ status: "APPLIED", appliedAt: input.now })
    .where(eq(reopenRequests.id, request.id))
    .returning();
  await auditStep(tx, { request: applied!, action: "switchboard.reopen.applied", actor: input.actor, ipHash: input.ipHash, now: input.now, details: { version } });
  await notifyStep(tx, {
    request: applied!,
    step: "applied",
    actor: input.actor,
    now: input.now,
    email: false,
    subject: "Réouverture appliquée",
    lines: [input.notice],
    extra: { version },
  });
  return { request: applied!, change: changed[0]!, version };
}

export type AppliedReopen = { requestId: string; key: ServiceKey; to: ServiceState; rolloutPercent: number | null; version: number };

/**
 * Applies the approved requests whose time has come. Each in its own transaction: the request row
 * is taken with FOR UPDATE SKIP LOCKED and its status re-checked, so a request cancelled in the
 * meantime is never applied and concurrent schedulers apply each request exactly once. A request
 * that can no longer apply (service closed again, dependency closed) is cancelled with the reason.
 */
export async function applyDueReopens(db: Db, now: Date = new Date()): Promise<AppliedReopen[]> {
  const dueCondition = and(eq(reopenRequests.status, "APPROVED"), isNotNull(reopenRequests.scheduledFor), lte(reopenRequests.scheduledFor, now));
  const due = await db.select({ id: reopenRequests.id }).from(reopenRequests).where(dueCondition).orderBy(reopenRequests.scheduledFor);
  const applied: AppliedReopen[] = [];
  for (const { id } of due) {
    const result = await db.transaction(async (tx) => {
      const rows = await openSwitchboardChange(tx);
      const [request] = await tx
        .select()
        .from(reopenRequests)
        .where(and(eq(reopenRequests.id, id), dueCondition))
        .for("update", { skipLocked: true });
      if (!request) return null;
      const key = serviceKeyOf(request);
      const blocker = reopenBlocker(rows, key);
      if (blocker) {
        const [cancelled] = await tx
          .update(reopenRequests)
          .set({ status: "CANCELLED", cancelledAt: now, cancelledByLabel: SYSTEM_ACTOR.label, decisionReason: blocker.message })
          .where(eq(reopenRequests.id, request.id))
          .returning();
        await auditStep(tx, { request: cancelled!, action: "switchboard.reopen.cancelled", actor: SYSTEM_ACTOR, now, details: { previousStatus: "APPROVED", reason: blocker.message } });
        await notifyStep(tx, {
          request: cancelled!,
          step: "cancelled",
          actor: SYSTEM_ACTOR,
          now,
          subject: "Réouverture programmée annulée",
          lines: [`La réouverture programmée n’a pas pu avoir lieu : ${blocker.message}`],
          extra: { reason: blocker.message },
        });
        return null;
      }
      const { change, version } = await applyReopen(tx, rows, request, {
        actor: SYSTEM_ACTOR,
        now,
        notice: `Réouverture programmée appliquée (approuvée par ${request.decidedByLabel}, demandée par ${request.requestedByLabel}).`,
      });
      return { requestId: request.id, key, to: change.to, rolloutPercent: change.rolloutPercent, version };
    });
    if (result) applied.push(result);
  }
  return applied;
}
