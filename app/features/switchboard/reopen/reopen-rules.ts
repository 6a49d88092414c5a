import type { reopenRequests } from "~/platform/db/schema";
import { SERVICE_CATALOGUE } from "../catalogue";
import { SwitchboardError } from "../errors";
import type { ServiceKey, ServiceState } from "../types";

/*
 * Four-eyes reopening (ADR 005). A reopen request puts the service in RETESTING (closed to the
 * public, open to testers and staff); it can be approved only once the automated re-test has
 * passed, every checklist item is signed by name, and by an administrator who did not ask for
 * it. Approval applies the reopening at once or at a scheduled time; the scheduler applies due
 * requests under a row lock and re-checks their status, so a cancelled request never reopens
 * anything. A closure's expected end only ever produces a proposal: nothing reopens by itself.
 *
 * This module holds the rules as plain data in, plain data out; each use-case of this folder
 * (request, record evidence, approve, reject, cancel, apply, propose, advance the rollout) locks
 * and reads its rows, asks these rules, then writes. reopen-rules.test.ts covers them with tables.
 */

export type ReopenRequest = typeof reopenRequests.$inferSelect;
export type ReopenRequestStatus = ReopenRequest["status"];
export type ReopenOrigin = "manual" | "expected-return";

export type ProbeResult = { name: string; passed: boolean; detail: string };
export type TestReport = { passed: boolean; ranAt: string; durationMs: number; probes: ProbeResult[] };
/** The report as stored on the request: who attached it comes with it. */
export type StoredTestReport = TestReport & { attachedBy: { userId: string | null; label: string } };

/** Requester label of the proposals made when a closure's expected return time has passed. */
export const SYSTEM_REQUESTER_LABEL = "système";

export const LIVE_STATUSES: ReopenRequestStatus[] = ["PENDING", "APPROVED"];
export const labelOf = (key: ServiceKey) => SERVICE_CATALOGUE[key].label;

export const STATUS_NAMES: Record<ReopenRequestStatus, string> = {
  PENDING: "en attente",
  APPROVED: "approuvée",
  REJECTED: "rejetée",
  APPLIED: "appliquée",
  CANCELLED: "annulée",
};

export function requirePending(request: Pick<ReopenRequest, "status">): void {
  if (request.status !== "PENDING") {
    throw new SwitchboardError("not-pending", `Cette demande de réouverture n’est plus en attente (statut : ${STATUS_NAMES[request.status]}).`);
  }
}

/** The service states a reopen request may start from. */
export function requestableBlocker(key: ServiceKey, state: ServiceState): SwitchboardError | null {
  if (state !== "CLOSED" && state !== "FALLBACK" && state !== "RETESTING") {
    return new SwitchboardError("wrong-state", `Le service « ${labelOf(key)} » n’est pas fermé : il n’y a rien à rouvrir.`);
  }
  return null;
}

/** Why the service `key` cannot reopen now, given every service's state; null when it can. */
export function reopenBlocker(states: ReadonlyMap<ServiceKey, { state: ServiceState }>, key: ServiceKey): SwitchboardError | null {
  const state = states.get(key)!.state;
  if (state !== "RETESTING") {
    return new SwitchboardError("wrong-state", `Le service « ${labelOf(key)} » n’est pas en re-test : il ne peut pas être rouvert.`);
  }
  for (const dependency of SERVICE_CATALOGUE[key].dependsOn) {
    const dependencyState = states.get(dependency)!.state;
    if (dependencyState === "CLOSED" || dependencyState === "RETESTING") {
      return new SwitchboardError(
        "dependency-closed",
        `Le service « ${labelOf(key)} » dépend de « ${labelOf(dependency)} », qui est fermé : rouvrez d’abord ce dernier.`,
      );
    }
  }
  return null;
}

export function storedReport(request: Pick<ReopenRequest, "testReport">): StoredTestReport | null {
  return (request.testReport as StoredTestReport | null) ?? null;
}

/**
 * Why `approverUserId` cannot approve this pending request yet; null when they can. Four eyes:
 * not the requester, nor (for an automatic proposal) whoever ran its re-test; then a passed
 * re-test and a fully signed checklist.
 */
export function approvalBlocker(
  request: Pick<ReopenRequest, "requestedByUserId" | "testReport" | "testsPassedAt" | "checklist">,
  approverUserId: string | null,
): SwitchboardError | null {
  const report = storedReport(request);
  if (request.requestedByUserId !== null && request.requestedByUserId === approverUserId) {
    return new SwitchboardError("four-eyes", "Vous avez demandé cette réouverture : un autre administrateur doit l’approuver.");
  }
  if (request.requestedByUserId === null && report !== null && report.attachedBy.userId === approverUserId) {
    return new SwitchboardError(
      "four-eyes",
      "Cette réouverture a été proposée automatiquement et vous avez lancé son re-test : un autre administrateur doit l’approuver.",
    );
  }
  if (report === null) return new SwitchboardError("tests-missing", "Le re-test automatique n’a pas encore été lancé pour cette demande.");
  if (!report.passed || request.testsPassedAt === null) {
    return new SwitchboardError("tests-failed", "Le dernier re-test automatique a échoué : relancez-le une fois le problème corrigé.");
  }
  const unsigned = request.checklist.filter((c) => c.signedAt === null);
  if (unsigned.length > 0) {
    return new SwitchboardError("checklist-incomplete", `Il reste ${unsigned.length} point(s) de contrôle à signer : ${unsigned.map((c) => `« ${c.item} »`).join(", ")}.`);
  }
  return null;
}

/** The requester withdraws their own request rather than rejecting it. */
export function rejectionBlocker(request: Pick<ReopenRequest, "requestedByUserId">, rejecterUserId: string | null): SwitchboardError | null {
  if (request.requestedByUserId !== null && request.requestedByUserId === rejecterUserId) {
    return new SwitchboardError("four-eyes", "Vous avez demandé cette réouverture : annulez-la plutôt que de la rejeter.");
  }
  return null;
}

/** Only a pending or approved (not yet applied) request can be cancelled. */
export function cancellationBlocker(request: Pick<ReopenRequest, "status">): SwitchboardError | null {
  if (request.status !== "PENDING" && request.status !== "APPROVED") {
    return new SwitchboardError("not-cancellable", `Cette demande de réouverture ne peut plus être annulée (statut : ${STATUS_NAMES[request.status]}).`);
  }
  return null;
}

/** When an approval takes effect: at `scheduledFor` when it is in the future, otherwise now (null). */
export function scheduledTime(scheduledFor: Date | null | undefined, now: Date): Date | null {
  if (scheduledFor && Number.isNaN(scheduledFor.getTime())) {
    throw new SwitchboardError("validation", "La date de réouverture programmée n’est pas une date valide.");
  }
  return scheduledFor && scheduledFor.getTime() > now.getTime() ? scheduledFor : null;
}

/** A re-test report as it may be stored: well formed, and passed only if all its probes (at least one) passed. */
export function validReport(report: TestReport): TestReport {
  const probes = Array.isArray(report.probes) ? report.probes : null;
  if (
    typeof report.passed !== "boolean" ||
    typeof report.ranAt !== "string" ||
    Number.isNaN(Date.parse(report.ranAt)) ||
    typeof report.durationMs !== "number" ||
    !(report.durationMs >= 0) ||
    probes === null ||
    !probes.every((p) => typeof p.name === "string" && typeof p.passed === "boolean" && typeof p.detail === "string")
  ) {
    throw new SwitchboardError("validation", "Le rapport de re-test est incomplet ou mal formé.");
  }
  const allPassed = probes.length > 0 && probes.every((p) => p.passed);
  if (report.passed !== allPassed) {
    throw new SwitchboardError("validation", "Le rapport de re-test est incohérent : il n’est réussi que si toutes ses sondes, au moins une, ont réussi.");
  }
  return {
    passed: report.passed,
    ranAt: new Date(report.ranAt).toISOString(),
    durationMs: Math.round(report.durationMs),
    probes: probes.map(({ name, passed, detail }) => ({ name, passed, detail })),
  };
}

/** A fresh checklist of the service's manual checks, none signed. */
export function checklistOf(key: ServiceKey): ReopenRequest["checklist"] {
  return SERVICE_CATALOGUE[key].checklist.map((item) => ({ item, signedByUserId: null, signedByLabel: null, signedAt: null }));
}

/** A rollout share: a whole percentage from 1 to 100. */
export function requirePercent(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new SwitchboardError("validation", `Le pourcentage d’ouverture doit être un nombre entier entre 1 et 100 (reçu : ${value}).`);
  }
  return value;
}

/** The webhook payload of one step of a request. */
export function requestPayload(request: ReopenRequest, actor: { label: string }, now: Date, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: request.id,
    key: request.serviceKey,
    status: request.status,
    origin: request.origin,
    rolloutPercent: request.rolloutPercent,
    scheduledFor: request.scheduledFor?.toISOString() ?? null,
    requestedBy: request.requestedByLabel,
    actor: actor.label,
    at: now.toISOString(),
    ...extra,
  };
}
