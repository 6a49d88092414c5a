import { eq } from "drizzle-orm";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { can, type Permission } from "~/platform/auth/permissions";
import type { DbOrTx, Tx } from "~/platform/db/client.server";
import { reopenRequests, users } from "~/platform/db/schema";
import { notifySwitchboard, parisTime, serviceLink } from "../change-services.server";
import { SwitchboardError } from "../errors";
import { isServiceKey } from "../store.server";
import type { ServiceKey } from "../types";
import { type ReopenRequest, labelOf, requestPayload } from "./reopen-rules";

/*
 * What every step of a reopen request does around its rule: re-check the actor's permission, lock
 * the request row, write the audit entry and notify (e-mail to the admins, webhook).
 */

/** The actor is an active user whose role holds `permission` (re-checked here, not only in the route). */
export async function requireAllowed(tx: DbOrTx, actor: Actor, permission: Permission): Promise<void> {
  const [user] = actor.userId
    ? await tx.select({ role: users.role, status: users.status }).from(users).where(eq(users.id, actor.userId))
    : [];
  if (!user || user.status !== "ACTIVE" || !can(user.role, permission)) {
    throw new SwitchboardError("not-admin", "Seul un administrateur actif peut intervenir sur une réouverture.");
  }
}

/** The request row, locked until the end of the transaction. */
export async function lockRequest(tx: Tx, requestId: string): Promise<ReopenRequest> {
  const [request] = await tx.select().from(reopenRequests).where(eq(reopenRequests.id, requestId)).for("update");
  if (!request) throw new SwitchboardError("not-found", "Cette demande de réouverture n’existe pas.");
  return request;
}

export function serviceKeyOf(request: ReopenRequest): ServiceKey {
  if (!isServiceKey(request.serviceKey)) throw new SwitchboardError("unknown-service", `Service inconnu : « ${request.serviceKey} ».`);
  return request.serviceKey;
}

/** E-mail (unless `email` is false) and webhook `switchboard.reopen.<step>` for one request step. */
export async function notifyStep(
  tx: Tx,
  input: { request: ReopenRequest; step: string; actor: Actor; now: Date; subject: string; lines: string[]; email?: boolean; extra?: Record<string, unknown> },
): Promise<void> {
  const key = serviceKeyOf(input.request);
  await notifySwitchboard(tx, {
    now: input.now,
    email: input.email ?? true,
    subject: `[Bascule] ${input.subject} : ${labelOf(key)}`,
    text: [
      ...input.lines,
      "",
      `Demande de réouverture ${input.request.id} (demandée par ${input.request.requestedByLabel}, objectif : ${input.request.rolloutPercent} % des adhérents)`,
      `Par : ${input.actor.label}, le ${parisTime(input.now)}`,
      serviceLink(key),
    ].join("\n"),
    webhook: { type: `switchboard.reopen.${input.step}`, payload: requestPayload(input.request, input.actor, input.now, input.extra) },
  });
}

/** The audit entry of one step, in the step's transaction. */
export async function auditStep(
  tx: Tx,
  input: { request: ReopenRequest; action: string; actor: Actor; ipHash?: string | null; now: Date; details?: Record<string, unknown> },
): Promise<void> {
  await appendAudit(
    tx,
    {
      actor: input.actor,
      action: input.action,
      outcome: "success",
      targetType: "reopen-request",
      targetId: input.request.id,
      ipHash: input.ipHash ?? null,
      details: { serviceKey: input.request.serviceKey, status: input.request.status, ...input.details },
    },
    input.now,
  );
}
