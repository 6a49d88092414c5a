import { eq } from "drizzle-orm";
import type { Actor } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import { requireText } from "../change-services.server";
import { type ReopenRequest, rejectionBlocker, requirePending } from "./reopen-rules";
import { auditStep, lockRequest, notifyStep, requireAllowed } from "./reopen-steps.server";

/*
 * Refusing a reopening: a decision of a second administrator, with a reason.
 */

/** A second admin refuses a pending request, with a reason. The service stays in RETESTING. */
export async function rejectReopen(
  db: Db,
  input: { requestId: string; actor: Actor; reason: string; ipHash?: string | null; now?: Date },
): Promise<ReopenRequest> {
  const now = input.now ?? new Date();
  const reason = requireText(input.reason, "Le motif du rejet");
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, input.requestId);
    requirePending(request);
    await requireAllowed(tx, input.actor, "services:approve-reopen");
    const refusal = rejectionBlocker(request, input.actor.userId);
    if (refusal) throw refusal;
    const [rejected] = await tx
      .update(reopenRequests)
      .set({ status: "REJECTED", decidedByUserId: input.actor.userId, decidedByLabel: input.actor.label, decidedAt: now, decisionReason: reason })
      .where(eq(reopenRequests.id, request.id))
      .returning();
    await auditStep(tx, { request: rejected!, action: "switchboard.reopen.rejected", actor: input.actor, ipHash: input.ipHash, now, details: { reason } });
    await notifyStep(tx, {
      request: rejected!,
      step: "rejected",
      actor: input.actor,
      now,
      subject: "Réouverture rejetée",
      lines: [`Réouverture rejetée par ${input.actor.label}.`, `Motif : ${reason}`, "Le service reste fermé au public (en re-test)."],
      extra: { reason },
    });
    return rejected!;
  });
}
