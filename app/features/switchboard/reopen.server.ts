import { randomUUID } from "node:crypto";
import { and, desc, eq, gte, inArray, isNotNull, lte, notExists, or, type SQL } from "drizzle-orm";
import type { Logger } from "pino";
import { type Actor, SYSTEM_ACTOR, appendAudit } from "~/platform/audit/audit.server";
import { can, type Permission } from "~/platform/auth/permissions";
import type { Db, DbOrTx, Tx } from "~/platform/db/client.server";
import { reopenRequests, switchboardServices, users } from "~/platform/db/schema";
import { SERVICE_CATALOGUE } from "./catalogue";
import {
  type AppliedChange,
  applyTransitions,
  notifySwitchboard,
  openSwitchboardChange,
  parisTime,
  requireText,
  serviceLink,
} from "./change-services.server";
import { SwitchboardError } from "./errors";
import { type ServiceRow, isServiceKey } from "./store.server";
import type { ServiceKey, ServiceState } from "./types";
import { type PeriodicWorker, startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";

/*
 * Four-eyes reopening (ADR 005). A reopen request puts the service in RETESTING (closed to the
 * public, open to testers and staff); it can be approved only once the automated re-test has
 * passed, every checklist item is signed by name, and by an administrator who did not ask for
 * it. Approval applies the reopening at once or at a scheduled time; the scheduler applies due
 * requests under a row lock and re-checks their status, so a cancelled request never reopens
 * anything. A closure's expected end only ever produces a proposal: nothing reopens by itself.
 */

export type ReopenRequest = typeof reopenRequests.$inferSelect;
export type ReopenRequestStatus = ReopenRequest["status"];
export type ReopenOrigin = "manual" | "expected-return";

export type ProbeResult = { name: string; passed: boolean; detail: string };
export type TestReport = { passed: boolean; ranAt: string; durationMs: number; probes: ProbeResult[] };
/** The report as stored on the request: who attached it comes with it. */
export type StoredTestReport = TestReport & { attachedBy: { userId: string | null; label: string } };

/** Requester label of the proposals made when a closure's expected return time has passed. */
const SYSTEM_REQUESTER_LABEL = "système";

const LIVE_STATUSES: ReopenRequestStatus[] = ["PENDING", "APPROVED"];
const labelOf = (key: ServiceKey) => SERVICE_CATALOGUE[key].label;

// ---------------------------------------------------------------------------------------------
// Shared checks

/** The actor is an active user whose role holds `permission` (re-checked here, not only in the route). */
async function requireAllowed(tx: DbOrTx, actor: Actor, permission: Permission): Promise<void> {
  const [user] = actor.userId
    ? await tx.select({ role: users.role, status: users.status }).from(users).where(eq(users.id, actor.userId))
    : [];
  if (!user || user.status !== "ACTIVE" || !can(user.role, permission)) {
    throw new SwitchboardError("not-admin", "Seul un administrateur actif peut intervenir sur une réouverture.");
  }
}

async function lockRequest(tx: Tx, requestId: string): Promise<ReopenRequest> {
  const [request] = await tx.select().from(reopenRequests).where(eq(reopenRequests.id, requestId)).for("update");
  if (!request) throw new SwitchboardError("not-found", "Cette demande de réouverture n’existe pas.");
  return request;
}

function requirePending(request: ReopenRequest): void {
  if (request.status !== "PENDING") {
    throw new SwitchboardError("not-pending", `Cette demande de réouverture n’est plus en attente (statut : ${STATUS_NAMES[request.status]}).`);
  }
}

const STATUS_NAMES: Record<ReopenRequestStatus, string> = {
  PENDING: "en attente",
  APPROVED: "approuvée",
  REJECTED: "rejetée",
  APPLIED: "appliquée",
  CANCELLED: "annulée",
};

function serviceKeyOf(request: ReopenRequest): ServiceKey {
  if (!isServiceKey(request.serviceKey)) throw new SwitchboardError("unknown-service", `Service inconnu : « ${request.serviceKey} ».`);
  return request.serviceKey;
}

/** Why the service of `request` cannot reopen now; null when it can. */
function reopenBlocker(rows: ReadonlyMap<ServiceKey, ServiceRow>, key: ServiceKey): SwitchboardError | null {
  const state = rows.get(key)!.state;
  if (state !== "RETESTING") {
    return new SwitchboardError("wrong-state", `Le service « ${labelOf(key)} » n’est pas en re-test : il ne peut pas être rouvert.`);
  }
  for (const dependency of SERVICE_CATALOGUE[key].dependsOn) {
    const dependencyState = rows.get(dependency)!.state;
    if (dependencyState === "CLOSED" || dependencyState === "RETESTING") {
      return new SwitchboardError(
        "dependency-closed",
        `Le service « ${labelOf(key)} » dépend de « ${labelOf(dependency)} », qui est fermé : rouvrez d’abord ce dernier.`,
      );
    }
  }
  return null;
}

function storedReport(request: ReopenRequest): StoredTestReport | null {
  return (request.testReport as StoredTestReport | null) ?? null;
}

function requestPayload(request: ReopenRequest, actor: Actor, now: Date, extra: Record<string, unknown> = {}): Record<string, unknown> {
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

/** E-mail (unless `email` is false) and webhook `switchboard.reopen.<step>` for one request step. */
async function notifyStep(
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

async function auditStep(
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

function checklistOf(key: ServiceKey): ReopenRequest["checklist"] {
  return SERVICE_CATALOGUE[key].checklist.map((item) => ({ item, signedByUserId: null, signedByLabel: null, signedAt: null }));
}

function requirePercent(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new SwitchboardError("validation", `Le pourcentage d’ouverture doit être un nombre entier entre 1 et 100 (reçu : ${value}).`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Requesting

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
    if (state !== "CLOSED" && state !== "FALLBACK" && state !== "RETESTING") {
      throw new SwitchboardError("wrong-state", `Le service « ${labelOf(key)} » n’est pas fermé : il n’y a rien à rouvrir.`);
    }
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

// ---------------------------------------------------------------------------------------------
// Evidence: the automated re-test and the checklist

function validReport(report: TestReport): TestReport {
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

// ---------------------------------------------------------------------------------------------
// Deciding

/** Reopens the service of an approved request (in the caller's transaction) and marks it applied. */
async function applyReopen(
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
  if (input.scheduledFor && Number.isNaN(input.scheduledFor.getTime())) {
    throw new SwitchboardError("validation", "La date de réouverture programmée n’est pas une date valide.");
  }
  const scheduledFor = input.scheduledFor && input.scheduledFor.getTime() > now.getTime() ? input.scheduledFor : null;
  return db.transaction(async (tx) => {
    const rows = await openSwitchboardChange(tx);
    const request = await lockRequest(tx, input.requestId);
    requirePending(request);
    await requireAllowed(tx, input.actor, "services:approve-reopen");
    const report = storedReport(request);
    if (request.requestedByUserId !== null && request.requestedByUserId === input.actor.userId) {
      throw new SwitchboardError("four-eyes", "Vous avez demandé cette réouverture : un autre administrateur doit l’approuver.");
    }
    if (request.requestedByUserId === null && report !== null && report.attachedBy.userId === input.actor.userId) {
      throw new SwitchboardError(
        "four-eyes",
        "Cette réouverture a été proposée automatiquement et vous avez lancé son re-test : un autre administrateur doit l’approuver.",
      );
    }
    if (report === null) throw new SwitchboardError("tests-missing", "Le re-test automatique n’a pas encore été lancé pour cette demande.");
    if (!report.passed || request.testsPassedAt === null) {
      throw new SwitchboardError("tests-failed", "Le dernier re-test automatique a échoué : relancez-le une fois le problème corrigé.");
    }
    const unsigned = request.checklist.filter((c) => c.signedAt === null);
    if (unsigned.length > 0) {
      throw new SwitchboardError("checklist-incomplete", `Il reste ${unsigned.length} point(s) de contrôle à signer : ${unsigned.map((c) => `« ${c.item} »`).join(", ")}.`);
    }
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
    if (request.requestedByUserId !== null && request.requestedByUserId === input.actor.userId) {
      throw new SwitchboardError("four-eyes", "Vous avez demandé cette réouverture : annulez-la plutôt que de la rejeter.");
    }
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
    if (request.status !== "PENDING" && request.status !== "APPROVED") {
      throw new SwitchboardError("not-cancellable", `Cette demande de réouverture ne peut plus être annulée (statut : ${STATUS_NAMES[request.status]}).`);
    }
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

// ---------------------------------------------------------------------------------------------
// Scheduler work

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

// ---------------------------------------------------------------------------------------------
// Progressive reopening

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

// ---------------------------------------------------------------------------------------------
// Reading

export async function getReopenRequest(db: DbOrTx, requestId: string): Promise<ReopenRequest | null> {
  const [request] = await db.select().from(reopenRequests).where(eq(reopenRequests.id, requestId));
  return request ?? null;
}

/** Requests, newest first. */
export async function listReopenRequests(
  db: DbOrTx,
  filter: { key?: ServiceKey; status?: ReopenRequestStatus | readonly ReopenRequestStatus[]; limit?: number } = {},
): Promise<ReopenRequest[]> {
  const conditions: SQL[] = [];
  if (filter.key) conditions.push(eq(reopenRequests.serviceKey, filter.key));
  if (filter.status) {
    const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
    conditions.push(inArray(reopenRequests.status, statuses));
  }
  return db
    .select()
    .from(reopenRequests)
    .where(and(...conditions))
    .orderBy(desc(reopenRequests.requestedAt), desc(reopenRequests.id))
    .limit(filter.limit ?? 100);
}

// ---------------------------------------------------------------------------------------------
// The scheduler loop

export type SwitchboardScheduler = PeriodicWorker;

/**
 * Every `intervalMs`: applies due scheduled reopenings, then proposes reopenings whose expected
 * return has passed. Ticks never overlap and never throw: failures are logged and retried.
 */
export function startSwitchboardScheduler(options: { db: () => Db; intervalMs?: number; logger: Logger }): SwitchboardScheduler {
  const { logger } = options;
  return startPeriodicWorker({
    intervalMs: options.intervalMs ?? 5_000,
    logger,
    failureMessage: "switchboard scheduler failed",
    async run() {
      // Each step is isolated: a failing proposal must not stop due reopenings, nor the reverse.
      try {
        const applied = await applyDueReopens(options.db(), new Date());
        if (applied.length > 0) logger.info({ applied }, "scheduled reopenings applied");
      } catch (err) {
        logger.error({ err }, "scheduled reopenings failed");
      }
      try {
        const proposed = await proposeExpectedReturns(options.db(), new Date());
        if (proposed.length > 0) logger.info({ proposed: proposed.map((r) => r.serviceKey) }, "reopenings proposed");
      } catch (err) {
        logger.error({ err }, "reopening proposals failed");
      }
      return false;
    },
  });
}
