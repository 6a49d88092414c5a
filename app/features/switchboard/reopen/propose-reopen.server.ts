import { and, eq, gte, inArray, isNotNull, lte, notExists, or } from "drizzle-orm";
import { SYSTEM_ACTOR } from "~/platform/audit/audit.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { reopenRequests, switchboardServices } from "~/platform/db/schema";
import { openSwitchboardChange } from "../change-services.server";
import { isServiceKey } from "../store.server";
import { LIVE_STATUSES, type ReopenRequest, SYSTEM_REQUESTER_LABEL, checklistOf, labelOf } from "./reopen-rules";
import { auditStep, notifyStep } from "./reopen-steps.server";

/*
 * A closure's expected end only ever produces a proposal: nothing reopens by itself.
 */

/**
 * For each closed or fallback service whose expected return time has passed, proposes a reopen
 * request (once per closure, never while another is live). The service stays as it is: the
 * proposal goes through re-test, checklist and approval like any other.
 */
export async function proposeExpectedReturns(db: Db, now: Date = new Date()): Promise<ReopenRequest[]> {
  const requestSinceClosure = db
    .select({ id: reopenRequests.id })
    .from(reopenRequests)
    .where(
      and(
        eq(reopenRequests.serviceKey, switchboardServices.key),
        or(inArray(reopenRequests.status, LIVE_STATUSES), gte(reopenRequests.requestedAt, switchboardServices.since)),
      ),
    );
  const candidates = (tx: DbOrTx) =>
    tx
      .select({ key: switchboardServices.key })
      .from(switchboardServices)
      .where(
        and(
          inArray(switchboardServices.state, ["CLOSED", "FALLBACK"]),
          isNotNull(switchboardServices.expectedReturnAt),
          lte(switchboardServices.expectedReturnAt, now),
          notExists(requestSinceClosure),
        ),
      );
  if ((await candidates(db)).length === 0) return [];

  return db.transaction(async (tx) => {
    await openSwitchboardChange(tx);
    const proposed: ReopenRequest[] = [];
    for (const { key } of await candidates(tx)) {
      if (!isServiceKey(key)) continue;
      const [request] = await tx
        .insert(reopenRequests)
        .values({
          serviceKey: key,
          status: "PENDING",
          origin: "expected-return",
          requestedByUserId: null,
          requestedByLabel: SYSTEM_REQUESTER_LABEL,
          requestedAt: now,
          rolloutPercent: 100,
          checklist: checklistOf(key),
        })
        .returning();
      await auditStep(tx, { request: request!, action: "switchboard.reopen.proposed", actor: SYSTEM_ACTOR, now, details: { origin: "expected-return" } });
      await notifyStep(tx, {
        request: request!,
        step: "proposed",
        actor: SYSTEM_ACTOR,
        now,
        subject: "Réouverture proposée",
        lines: [
          `La date de retour prévue du service « ${labelOf(key)} » est passée. Une demande de réouverture a été créée automatiquement.`,
          "Le service reste fermé : rien ne rouvre sans re-test automatique réussi, points de contrôle signés et approbation par un second administrateur.",
        ],
      });
      proposed.push(request!);
    }
    return proposed;
  });
}
