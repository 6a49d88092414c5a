import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import { applyTransitions, openSwitchboardChange } from "../change-services.server";
import { SwitchboardError } from "../errors";
import { isServiceKey } from "../store.server";
import { LIVE_STATUSES, type ReopenOrigin, type ReopenRequest, checklistOf, labelOf, requestableBlocker, requirePercent, requirePending } from "./reopen-rules";
import { auditStep, lockRequest, notifyStep, requireAllowed, serviceKeyOf } from "./reopen-steps.server";

/*
 * Asking for a reopening (ADR 005): the request, and the re-test that must run before anyone can
 * approve it (the service goes to RETESTING: closed to the public, open to testers and staff).
 */

export type RequestReopenInput = {
  actor: Actor;
  ipHash?: string | null;
  key: string;
  /** 100: reopen fully; less: progressive reopening (REOPENING) at that share of members. */
  rolloutPercent?: number;
  origin?: ReopenOrigin;
  now?: Date;
};

/**
 * Opens a reopen request for a closed, fallback or re-tested service (one live request per
 * service) and puts the service in RETESTING if it is not yet, with its checklist unsigned.
 */
export async function requestReopen(db: Db, input: RequestReopenInput): Promise<ReopenRequest> {
  const now = input.now ?? new Date();
  if (!isServiceKey(input.key)) throw new SwitchboardError("unknown-service", `Service inconnu : « ${input.key} ».`);
  const key = input.key;
  const rolloutPercent = requirePercent(input.rolloutPercent ?? 100);
  const origin = input.origin ?? "manual";
  return db.transaction(async (tx) => {
    await requireAllowed(tx, input.actor, "services:request-reopen");
    const rows = await openSwitchboardChange(tx);
    const state = rows.get(key)!.state;
    const blocker = requestableBlocker(key, state);
    if (blocker) throw blocker;
    const [live] = await tx
      .select({ id: reopenRequests.id })
      .from(reopenRequests)
      .where(and(eq(reopenRequests.serviceKey, key), inArray(reopenRequests.status, LIVE_STATUSES)));
    if (live) throw new SwitchboardError("live-request-exists", `Une demande de réouverture est déjà en cours pour « ${labelOf(key)} ».`);

    const id = randomUUID();
    const notice = `Réouverture demandée par ${input.actor.label} (objectif : ${rolloutPercent} % des adhérents). Le service passe en re-test : fermé au public, ouvert aux testeurs et au personnel.`;
    if (state !== "RETESTING") {
      await applyTransitions(tx, rows, {
        actor: input.actor,
        ipHash: input.ipHash ?? null,
        now,
        groupId: randomUUID(),
        reason: `Re-test avant réouverture (demande ${id})`,
        reopenRequestId: id,
        notice,
        steps: [{ key, command: { type: "start-retest" } }],
      });
    }
    const [request] = await tx
      .insert(reopenRequests)
      .values({
        id,
        serviceKey: key,
        status: "PENDING",
        origin,
        requestedByUserId: input.actor.userId,
        requestedByLabel: input.actor.label,
        requestedAt: now,
        rolloutPercent,
        checklist: checklistOf(key),
      })
      .returning();
    await auditStep(tx, { request: request!, action: "switchboard.reopen.requested", actor: input.actor, ipHash: input.ipHash, now, details: { rolloutPercent, origin } });
    // The move to RETESTING already e-mailed everyone about this request.
    await notifyStep(tx, {
      request: request!,
      step: "requested",
      actor: input.actor,
      now,
      email: state === "RETESTING",
      subject: "Réouverture demandée",
      lines: [notice],
    });
    return request!;
  });
}

/**
 * Puts the service of a pending request in RETESTING if it is not yet (a proposal made at the
 * expected return time leaves the service closed until an admin starts the re-test).
 */
export async function beginRetest(
  db: Db,
  input: { requestId: string; actor: Actor; ipHash?: string | null; now?: Date },
): Promise<{ request: ReopenRequest; version: number | null }> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    await requireAllowed(tx, input.actor, "services:request-reopen");
    const rows = await openSwitchboardChange(tx);
    const request = await lockRequest(tx, input.requestId);
    requirePending(request);
    const key = serviceKeyOf(request);
    if (rows.get(key)!.state === "RETESTING") return { request, version: null };
    const { version } = await applyTransitions(tx, rows, {
      actor: input.actor,
      ipHash: input.ipHash ?? null,
      now,
      groupId: randomUUID(),
      reason: `Re-test avant réouverture (demande ${request.id})`,
      reopenRequestId: request.id,
      notice: `${input.actor.label} lance le re-test de la réouverture demandée. Le service reste fermé au public.`,
      steps: [{ key, command: { type: "start-retest" } }],
    });
    return { request, version };
  });
}
