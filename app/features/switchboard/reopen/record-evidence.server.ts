import { eq } from "drizzle-orm";
import type { Actor } from "~/platform/audit/audit.server";
import type { Db } from "~/platform/db/client.server";
import { reopenRequests } from "~/platform/db/schema";
import { SwitchboardError } from "../errors";
import { type ReopenRequest, type StoredTestReport, type TestReport, requirePending, validReport } from "./reopen-rules";
import { auditStep, lockRequest, notifyStep, requireAllowed } from "./reopen-steps.server";

/*
 * The evidence an approver needs: the automated re-test's report and the manual checklist, each
 * item signed by name and time.
 */

/** Attaches the automated re-test's report to a pending request (replacing any earlier one). */
export async function attachTestReport(
  db: Db,
  input: { requestId: string; report: TestReport; actor: Actor; ipHash?: string | null; now?: Date },
): Promise<ReopenRequest> {
  const now = input.now ?? new Date();
  const report = validReport(input.report);
  return db.transaction(async (tx) => {
    await requireAllowed(tx, input.actor, "services:request-reopen");
    const request = await lockRequest(tx, input.requestId);
    requirePending(request);
    const stored: StoredTestReport = { ...report, attachedBy: { userId: input.actor.userId, label: input.actor.label } };
    const [updated] = await tx
      .update(reopenRequests)
      .set({ testReport: stored, testsPassedAt: report.passed ? now : null })
      .where(eq(reopenRequests.id, request.id))
      .returning();
    const failed = report.probes.filter((p) => !p.passed);
    await auditStep(tx, {
      request: updated!,
      action: "switchboard.reopen.report-attached",
      actor: input.actor,
      ipHash: input.ipHash,
      now,
      details: { passed: report.passed, probes: report.probes.length, failedProbes: failed.map((p) => p.name) },
    });
    await notifyStep(tx, {
      request: updated!,
      step: "report-attached",
      actor: input.actor,
      now,
      subject: report.passed ? "Re-test réussi" : "Re-test échoué",
      lines: [
        report.passed
          ? `Les ${report.probes.length} sondes du re-test ont réussi.`
          : `${failed.length} sonde(s) sur ${report.probes.length} ont échoué : la réouverture ne peut pas être approuvée.`,
        ...report.probes.map((p) => `- ${p.passed ? "OK" : "ÉCHEC"} — ${p.name} : ${p.detail}`),
      ],
      extra: { passed: report.passed },
    });
    return updated!;
  });
}

/** Signs one checklist item of a pending request, by name and time. */
export async function signChecklistItem(
  db: Db,
  input: { requestId: string; index: number; actor: Actor; ipHash?: string | null; now?: Date },
): Promise<ReopenRequest> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    await requireAllowed(tx, input.actor, "services:request-reopen");
    const request = await lockRequest(tx, input.requestId);
    requirePending(request);
    const item = Number.isInteger(input.index) ? request.checklist[input.index] : undefined;
    if (!item) throw new SwitchboardError("validation", "Ce point de contrôle n’existe pas.");
    if (item.signedAt !== null) throw new SwitchboardError("already-signed", `Ce point de contrôle a déjà été signé par ${item.signedByLabel}.`);
    const checklist = request.checklist.map((entry, i) =>
      i === input.index ? { ...entry, signedByUserId: input.actor.userId, signedByLabel: input.actor.label, signedAt: now.toISOString() } : entry,
    );
    const [updated] = await tx.update(reopenRequests).set({ checklist }).where(eq(reopenRequests.id, request.id)).returning();
    await auditStep(tx, {
      request: updated!,
      action: "switchboard.reopen.checklist-signed",
      actor: input.actor,
      ipHash: input.ipHash,
      now,
      details: { index: input.index, item: item.item },
    });
    // Signatures are frequent and minor: webhook only, the e-mails report the decisions.
    await notifyStep(tx, {
      request: updated!,
      step: "checklist-signed",
      actor: input.actor,
      now,
      email: false,
      subject: "Point de contrôle signé",
      lines: [item.item],
      extra: { index: input.index, item: item.item },
    });
    return updated!;
  });
}
