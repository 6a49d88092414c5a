import { eq } from "drizzle-orm";
import type { Actor } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import { parisTime, requireText } from "../change-services.server";
import { type ReopenRequest, cancellationBlocker } from "./reopen-rules";
import { auditStep, lockRequest, notifyStep, requireAllowed } from "./reopen-steps.server";

/*
 * Withdrawing a reopening before it is applied.
 */

/**
 * Withdraws a pending request, or calls off an approved one before it is applied (any admin,
 * the requester included). The service stays in RETESTING; a cancelled request is never applied.
 */
export async function cancelReopen(
  db: Db,
  input: { requestId: string; actor: Actor; reason?: string | null; ipHash?: string | null; now?: Date },
): Promise<ReopenRequest> {
  const now = input.now ?? new Date();
  const reason = input.reason?.trim() ? requireText(input.reason, "Le motif de l’annulation") : null;
  return db.transaction(async (tx) => {
    await requireAllowed(tx, input.actor, "services:request-reopen");
    const request = await lockRequest(tx, input.requestId);
    const refusal = cancellationBlocker(request);
    if (refusal) throw refusal;
    const [cancelled] = await tx
      .update(reopenRequests)
      .set({ status: "CANCELLED", cancelledAt: now, cancelledByLabel: input.actor.label, decisionReason: reason ?? request.decisionReason })
      .where(eq(reopenRequests.id, request.id))
      .returning();
    await auditStep(tx, {
      request: cancelled!,
      action: "switchboard.reopen.cancelled",
      actor: input.actor,
      ipHash: input.ipHash,
      now,
      details: { previousStatus: request.status, reason },
    });
    await notifyStep(tx, {
      request: cancelled!,
      step: "cancelled",
      actor: input.actor,
      now,
      subject: "Réouverture annulée",
      lines: [
        request.status === "APPROVED" && request.scheduledFor
          ? `La réouverture programmée le ${parisTime(request.scheduledFor)} est annulée par ${input.actor.label} : elle n’aura pas lieu.`
          : `Demande de réouverture annulée par ${input.actor.label}.`,
        ...(reason ? [`Motif : ${reason}`] : []),
        "Le service reste fermé au public (en re-test).",
      ],
      extra: { reason },
    });
    return cancelled!;
  });
}
