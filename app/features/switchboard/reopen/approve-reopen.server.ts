import { eq } from "drizzle-orm";
import type { Actor } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import { openSwitchboardChange, parisTime } from "../change-services.server";
import type { ServiceKey, ServiceState } from "../types";
import { applyReopen } from "./apply-reopen.server";
import { type ReopenRequest, approvalBlocker, reopenBlocker, requirePending, scheduledTime } from "./reopen-rules";
import { auditStep, lockRequest, notifyStep, requireAllowed, serviceKeyOf } from "./reopen-steps.server";

/*
 * The second administrator's approval (four eyes), applied at once or scheduled.
 */

export type ApproveReopenResult = {
  request: ReopenRequest;
  /** The reopening, when applied at once; null when scheduled. */
  applied: { key: ServiceKey; from: ServiceState; to: ServiceState; rolloutPercent: number | null; version: number } | null;
};

/**
 * Approves a pending request: by an active admin who is not the requester, once the re-test has
 * passed and the whole checklist is signed, for a service still in RETESTING. Applied now, or at
 * `scheduledFor` when it is in the future.
 */
export async function approveReopen(
  db: Db,
  input: { requestId: string; actor: Actor; ipHash?: string | null; scheduledFor?: Date | null; now?: Date },
): Promise<ApproveReopenResult> {
  const now = input.now ?? new Date();
  const scheduledFor = scheduledTime(input.scheduledFor, now);
  return db.transaction(async (tx) => {
    const rows = await openSwitchboardChange(tx);
    const request = await lockRequest(tx, input.requestId);
    requirePending(request);
    await requireAllowed(tx, input.actor, "services:approve-reopen");
    const refusal = approvalBlocker(request, input.actor.userId);
    if (refusal) throw refusal;
    const key = serviceKeyOf(request);
    const blocker = reopenBlocker(rows, key);
    if (blocker) throw blocker;

    const [approved] = await tx
      .update(reopenRequests)
      .set({ status: "APPROVED", decidedByUserId: input.actor.userId, decidedByLabel: input.actor.label, decidedAt: now, scheduledFor })
      .where(eq(reopenRequests.id, request.id))
      .returning();
    await auditStep(tx, {
      request: approved!,
      action: "switchboard.reopen.approved",
      actor: input.actor,
      ipHash: input.ipHash,
      now,
      details: { scheduledFor: scheduledFor?.toISOString() ?? null, rolloutPercent: approved!.rolloutPercent },
    });
    if (scheduledFor) {
      await notifyStep(tx, {
        request: approved!,
        step: "approved",
        actor: input.actor,
        now,
        subject: "Réouverture programmée",
        lines: [`Réouverture approuvée par ${input.actor.label}, programmée le ${parisTime(scheduledFor)}. Elle peut être annulée jusque-là.`],
      });
      return { request: approved!, applied: null };
    }
    await notifyStep(tx, { request: approved!, step: "approved", actor: input.actor, now, email: false, subject: "Réouverture approuvée", lines: [] });
    const { request: applied, change, version } = await applyReopen(tx, rows, approved!, {
      actor: input.actor,
      ipHash: input.ipHash,
      now,
      notice: `Réouverture approuvée par ${input.actor.label} et appliquée immédiatement (demandée par ${request.requestedByLabel}).`,
    });
    return { request: applied, applied: { ...change, version } };
  });
}
