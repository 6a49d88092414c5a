// Over 400 lines: the single path of every service state change (applyTransitions and its notifications), kept whole so that no change skips a step.
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { rolesWith } from "~/platform/auth/permissions";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { config } from "~/platform/config/env.server";
import type { Db, Tx } from "~/platform/db/client.server";
import { reopenRequests, switchboardEvents, switchboardServices, users } from "~/platform/db/schema";
import { enqueueWebhook } from "~/platform/http/webhooks.server";
import { enqueueMail } from "~/platform/mail/outbox.server";
import { SERVICE_CATALOGUE } from "./catalogue";
import { previewServiceChange } from "./change-plan";
import { SwitchboardError } from "./errors";
import { profileByKey } from "./profiles";
import { SWITCHBOARD_CHANNEL } from "./propagation.server";
import { type SwitchboardCommand, transition } from "./state-machine";
import { type ServiceRow, currentVersion, lockServiceRows, lockSwitchboard, nextVersion, toStatus } from "./store.server";
import type { ServiceKey, ServiceState, ServiceStatus } from "./types";
import { formatParisWeekdayTime } from "~/platform/time/paris";
import { openUserEmail } from "~/platform/crypto/personal-data.server";

/*
 * Changing services. Every state change of every service goes through `applyTransitions`, in the
 * transaction of the use-case that asks for it (closing here, re-testing and reopening in
 * reopen/): state machine, row, event, audit entry, e-mails to the admins and the
 * on-call list, webhook, and `pg_notify` of the new version — delivered when the transaction
 * commits, so that no instance hears of a change that was rolled back.
 */

export const TEXT_MIN_LENGTH = 3;
export const TEXT_MAX_LENGTH = 500;

/** Trimmed text of 3 to 500 characters, or a SwitchboardError naming the field in French. */
export function requireText(value: string | null | undefined, field: string): string {
  const text = (value ?? "").trim();
  if (text.length < TEXT_MIN_LENGTH) throw new SwitchboardError("validation", `${field} est obligatoire (au moins ${TEXT_MIN_LENGTH} caractères).`);
  if (text.length > TEXT_MAX_LENGTH) throw new SwitchboardError("validation", `${field} ne peut dépasser ${TEXT_MAX_LENGTH} caractères.`);
  return text;
}

function requireFutureDate(value: Date | null | undefined, now: Date): Date | null {
  if (value === null || value === undefined) return null;
  if (Number.isNaN(value.getTime())) throw new SwitchboardError("validation", "La date de retour prévue n’est pas une date valide.");
  if (value.getTime() <= now.getTime()) throw new SwitchboardError("validation", "La date de retour prévue doit être dans le futur.");
  return value;
}

// ---------------------------------------------------------------------------------------------
// The one path that writes state changes

/** Takes the switchboard write lock and the service rows, for the rest of the transaction. */
export async function openSwitchboardChange(tx: Tx): Promise<Map<ServiceKey, ServiceRow>> {
  await lockSwitchboard(tx);
  return lockServiceRows(tx);
}

export type TransitionStep = {
  key: ServiceKey;
  command: SwitchboardCommand;
  /** Extra audit details for this service (e.g. why a dependent closes). */
  details?: Record<string, unknown>;
};

export type AppliedChange = {
  key: ServiceKey;
  from: ServiceState;
  to: ServiceState;
  rolloutPercent: number | null;
  version: number;
};

export type ApplyTransitionsInput = {
  actor: Actor;
  ipHash?: string | null;
  now: Date;
  groupId: string;
  steps: readonly TransitionStep[];
  /** Why: on each event and audit entry, and on the rows of services that close or fall back. */
  reason: string;
  /** Public message and expected return of services that close or fall back. */
  publicMessage?: string | null;
  expectedReturnAt?: Date | null;
  profileKey?: string | null;
  reopenRequestId?: string | null;
  /** First lines of the notification e-mail (what the reopen request is about…). */
  notice?: string | null;
};

const AUDIT_ACTIONS: Record<ServiceState, string> = {
  CLOSED: "switchboard.service.closed",
  FALLBACK: "switchboard.service.fallback",
  RETESTING: "switchboard.service.retesting",
  REOPENING: "switchboard.service.reopening",
  OPEN: "switchboard.service.opened",
};

/**
 * Applies `steps` to the rows locked by `openSwitchboardChange` (updated in place), in one
 * transaction with everything a change entails. Throws a SwitchboardError, before writing
 * anything, when the state machine refuses any step.
 */
export async function applyTransitions(
  tx: Tx,
  rows: Map<ServiceKey, ServiceRow>,
  input: ApplyTransitionsInput,
): Promise<{ version: number; changed: AppliedChange[] }> {
  const planned = input.steps.map((step) => {
    const row = rows.get(step.key)!;
    const result = transition(SERVICE_CATALOGUE[step.key], row, step.command);
    if (!result.ok) throw new SwitchboardError("illegal-transition", result.error.message);
    return { step, row, result };
  });

  const changed: AppliedChange[] = [];
  const cancelled: { id: string; key: ServiceKey }[] = [];
  for (const { step, row, result } of planned) {
    const version = await nextVersion(tx);
    const closing = result.state === "CLOSED" || result.state === "FALLBACK";
    const text = closing
      ? { reason: input.reason, publicMessage: input.publicMessage ?? null, expectedReturnAt: input.expectedReturnAt ?? null }
      : result.state === "OPEN"
        ? { reason: null, publicMessage: null, expectedReturnAt: null }
        : { reason: row.reason, publicMessage: row.publicMessage, expectedReturnAt: result.state === "RETESTING" ? row.expectedReturnAt : null };
    const [updated] = await tx
      .update(switchboardServices)
      .set({
        state: result.state,
        since: input.now,
        ...text,
        rolloutPercent: result.rolloutPercent,
        groupId: input.groupId,
        version,
        updatedByUserId: input.actor.userId,
        updatedByLabel: input.actor.label,
      })
      .where(eq(switchboardServices.key, step.key))
      .returning();
    rows.set(step.key, updated!);
    await tx.insert(switchboardEvents).values({
      version,
      serviceKey: step.key,
      fromState: row.state,
      toState: result.state,
      at: input.now,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      reason: input.reason,
      publicMessage: text.publicMessage,
      expectedReturnAt: text.expectedReturnAt,
      rolloutPercent: result.rolloutPercent,
      groupId: input.groupId,
      reopenRequestId: input.reopenRequestId ?? null,
    });
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: AUDIT_ACTIONS[result.state],
        outcome: "success",
        targetType: "service",
        targetId: step.key,
        ipHash: input.ipHash ?? null,
        details: {
          before: { state: row.state, rolloutPercent: row.rolloutPercent },
          after: { state: result.state, rolloutPercent: result.rolloutPercent },
          reason: input.reason,
          ...(closing ? { publicMessage: text.publicMessage, expectedReturnAt: text.expectedReturnAt?.toISOString() ?? null } : {}),
          groupId: input.groupId,
          profileKey: input.profileKey ?? null,
          reopenRequestId: input.reopenRequestId ?? null,
          version,
          ...step.details,
        },
      },
      input.now,
    );
    changed.push({ key: step.key, from: row.state, to: result.state, rolloutPercent: result.rolloutPercent, version });

    // A new closure supersedes a reopen in preparation: it must never be applied afterwards.
    if (closing) {
      const superseded = await tx
        .update(reopenRequests)
        .set({
          status: "CANCELLED",
          cancelledAt: input.now,
          cancelledByLabel: input.actor.label,
          decisionReason: `Service de nouveau ${result.state === "CLOSED" ? "fermé" : "passé en mode de secours"} : ${input.reason}`,
        })
        .where(and(eq(reopenRequests.serviceKey, step.key), inArray(reopenRequests.status, ["PENDING", "APPROVED"])))
        .returning({ id: reopenRequests.id });
      for (const { id } of superseded) {
        cancelled.push({ id, key: step.key });
        await appendAudit(
          tx,
          {
            actor: input.actor,
            action: "switchboard.reopen.cancelled",
            outcome: "success",
            targetType: "reopen-request",
            targetId: id,
            ipHash: input.ipHash ?? null,
            details: { serviceKey: step.key, superseded: true, groupId: input.groupId, version },
          },
          input.now,
        );
      }
    }
  }
  if (changed.length === 0) return { version: await currentVersion(tx), changed };

  const version = changed[changed.length - 1]!.version;
  await notifySwitchboard(tx, {
    now: input.now,
    subject: changeSubject(changed),
    text: changeText(input, changed, cancelled, version),
    webhook: {
      type: "switchboard.changed",
      payload: {
        version,
        groupId: input.groupId,
        changes: changed.map(({ key, from, to, rolloutPercent }) => ({ key, from, to, rolloutPercent })),
        reason: input.reason,
        publicMessage: input.publicMessage ?? null,
        expectedReturnAt: input.expectedReturnAt?.toISOString() ?? null,
        profileKey: input.profileKey ?? null,
        reopenRequestId: input.reopenRequestId ?? null,
        actor: input.actor.label,
        at: input.now.toISOString(),
      },
    },
  });
  await tx.execute(sql`select pg_notify(${SWITCHBOARD_CHANNEL}, ${String(version)})`);
  return { version, changed };
}

// ---------------------------------------------------------------------------------------------
// Notifications

const STATE_NAMES: Record<ServiceState, string> = {
  OPEN: "ouvert",
  CLOSED: "fermé",
  FALLBACK: "en mode de secours",
  RETESTING: "en re-test",
  REOPENING: "en réouverture progressive",
};

const SUBJECT_PREFIX: Record<ServiceState, string> = {
  OPEN: "Service rouvert",
  CLOSED: "Service fermé",
  FALLBACK: "Service en mode de secours",
  RETESTING: "Service en re-test",
  REOPENING: "Service en réouverture progressive",
};

function stateName(state: ServiceState, rolloutPercent: number | null): string {
  return state === "REOPENING" && rolloutPercent !== null ? `${STATE_NAMES[state]} (${rolloutPercent} % des adhérents)` : STATE_NAMES[state];
}

const labelOf = (key: ServiceKey) => SERVICE_CATALOGUE[key].label;

function changeSubject(changed: readonly AppliedChange[]): string {
  if (changed.length === 1) {
    const [only] = changed;
    const percent = only!.to === "REOPENING" ? ` (${only!.rolloutPercent} %)` : "";
    return `[Bascule] ${SUBJECT_PREFIX[only!.to]}${percent} : ${labelOf(only!.key)}`;
  }
  const states = new Set(changed.map((c) => c.to));
  const verb = states.size === 1 && states.has("CLOSED") ? "fermés" : "modifiés";
  return `[Bascule] ${changed.length} services ${verb} : ${changed.map((c) => labelOf(c.key)).join(", ")}`.slice(0, 250);
}

/** "jeudi 28 novembre 2026 à 14:05 (heure de Paris)". */
export function parisTime(date: Date): string {
  return `${formatParisWeekdayTime(date.toISOString())} (heure de Paris)`;
}

export function serviceLink(key: ServiceKey): string {
  return `${config().publicOrigin}/admin/services/${key}`;
}

function changeText(
  input: ApplyTransitionsInput,
  changed: readonly AppliedChange[],
  cancelled: readonly { id: string; key: ServiceKey }[],
  version: number,
): string {
  const lines: string[] = [];
  if (input.notice) lines.push(input.notice, "");
  lines.push(changed.length === 1 ? "Un service change d’état :" : `${changed.length} services changent d’état :`, "");
  for (const change of changed) {
    lines.push(`- ${labelOf(change.key)} : ${STATE_NAMES[change.from]} → ${stateName(change.to, change.rolloutPercent)}`);
    if (input.steps.find((s) => s.key === change.key)?.details?.cause === "dependency") {
      lines.push("  (fermé parce qu’un service dont il dépend ferme)");
    }
    lines.push(`  ${serviceLink(change.key)}`);
  }
  const closing = changed.some((c) => c.to === "CLOSED" || c.to === "FALLBACK");
  lines.push("", `Motif : ${input.reason}`);
  if (closing) {
    lines.push(`Message affiché au public : ${input.publicMessage ?? "—"}`);
    lines.push(`Retour prévu : ${input.expectedReturnAt ? parisTime(input.expectedReturnAt) : "non communiqué"}`);
  }
  if (input.profileKey) lines.push(`Profil d’incident : ${profileByKey(input.profileKey)?.label ?? input.profileKey}`);
  for (const { key } of cancelled) lines.push(`La demande de réouverture en cours pour « ${labelOf(key)} » est annulée.`);
  lines.push(`Par : ${input.actor.label}, le ${parisTime(input.now)}`);
  lines.push(`Groupe : ${input.groupId} — version ${version}`);
  return lines.join("\n");
}

/** Active staff who may close services (administrators) and the on-call list, once each. */
async function recipients(tx: Tx): Promise<string[]> {
  const admins = await tx
    .select({ emailEnc: users.emailEnc })
    .from(users)
    .where(and(inArray(users.role, rolesWith("services:close")), eq(users.status, "ACTIVE")));
  const all = [...admins.map((a) => openUserEmail(a.emailEnc)).filter((a) => a !== ""), ...config().switchboardOnCallEmails];
  const seen = new Set<string>();
  return all.filter((address) => {
    const normalized = address.trim().toLowerCase();
    if (seen.has(normalized)) return false;
    seen.add(normalized);
    return true;
  });
}

/**
 * Tells people and systems about a switchboard step, in its transaction: an e-mail to every
 * active admin and on-call address (unless `email` is false), and a webhook delivery when
 * SWITCHBOARD_WEBHOOK_URL is set.
 */
export async function notifySwitchboard(
  tx: Tx,
  input: {
    now: Date;
    subject: string;
    text: string;
    email?: boolean;
    webhook: { type: string; payload: Record<string, unknown> };
  },
): Promise<void> {
  if (input.email !== false) {
    const text = `${input.text}\n\n— Bascule, tableau de bord des services`;
    for (const to of await recipients(tx)) {
      await enqueueMail(tx, { to, subject: input.subject, text, template: "switchboard.notification" });
    }
  }
  const url = config().switchboardWebhookUrl;
  if (url) {
    await enqueueWebhook(tx, { url, eventType: input.webhook.type, payload: { type: input.webhook.type, ...input.webhook.payload }, now: input.now });
  }
}

// ---------------------------------------------------------------------------------------------
// Use-cases

export type ChangeServicesInput = {
  actor: Actor;
  ipHash?: string | null;
  /** Keys and targets as typed or posted: unknown ones are refused with a SwitchboardError. */
  changes: readonly { key: string; to: string }[];
  reason: string;
  publicMessage: string;
  expectedReturnAt?: Date | null;
  profileKey?: string | null;
  now?: Date;
};

export type ChangeServicesResult = {
  /** The switchboard version once the change is committed: wait for instances to apply it. */
  version: number;
  groupId: string;
  /** Services that changed, dependents included; already-in-state ones are left out. */
  changed: { key: ServiceKey; from: ServiceState; to: ServiceState }[];
};

/**
 * Closes services or puts them in fallback, with the dependents of those that close, in one
 * transaction and one group. Takes effect immediately (on commit). Services already in the asked
 * state are skipped; any other refusal of the state machine refuses the whole change.
 */
export async function changeServices(db: Db, input: ChangeServicesInput): Promise<ChangeServicesResult> {
  const now = input.now ?? new Date();
  const reason = requireText(input.reason, "Le motif");
  const publicMessage = requireText(input.publicMessage, "Le message au public");
  const expectedReturnAt = requireFutureDate(input.expectedReturnAt, now);
  if (input.changes.length === 0) throw new SwitchboardError("validation", "Choisissez au moins un service.");
  const groupId = randomUUID();

  return db.transaction(async (tx) => {
    const rows = await openSwitchboardChange(tx);
    const statuses = Object.fromEntries([...rows].map(([key, row]) => [key, toStatus(row)])) as Record<ServiceKey, ServiceStatus>;
    const plan = previewServiceChange(statuses, input.changes);
    const refused = plan.changes.filter((c) => c.refusal !== null);
    if (refused.length > 0) throw new SwitchboardError("illegal-transition", refused.map((c) => c.refusal!.message).join(" "));
    const { version, changed } = await applyTransitions(tx, rows, {
      actor: input.actor,
      ipHash: input.ipHash ?? null,
      now,
      groupId,
      reason,
      publicMessage,
      expectedReturnAt,
      profileKey: input.profileKey ?? null,
      steps: plan.changes.map((c) => ({
        key: c.key,
        command: { type: c.to === "CLOSED" ? "close" : "fallback" },
        details: { cause: c.cause, closedBecauseOf: c.closedBecauseOf },
      })),
    });
    return { version, groupId, changed: changed.map(({ key, from, to }) => ({ key, from, to })) };
  });
}

/** Applies an incident profile (INCIDENT_PROFILES) as one change with one group id. */
export async function changeServicesByProfile(
  db: Db,
  input: Omit<ChangeServicesInput, "changes" | "profileKey"> & { profileKey: string },
): Promise<ChangeServicesResult> {
  const profile = profileByKey(input.profileKey);
  if (!profile) throw new SwitchboardError("unknown-profile", `Profil d’incident inconnu : « ${input.profileKey} ».`);
  return changeServices(db, { ...input, changes: profile.changes, profileKey: profile.key });
}
