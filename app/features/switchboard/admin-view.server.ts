// Over 400 lines: every view model and form schema of the switchboard back office, side by side so that pages and schemas change together.
import { eq } from "drizzle-orm";
import { emailIndex } from "~/platform/crypto/personal-data.server";
import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import type { Db } from "~/platform/db/client.server";
import { users } from "~/platform/db/schema";
import { SERVICE_CATALOGUE, dependentsOf } from "./catalogue";
import { type ChangePlan, previewServiceChange } from "./change-plan";
import { TEXT_MAX_LENGTH, TEXT_MIN_LENGTH } from "./change-services.server";
import { INCIDENT_PROFILES, profileByKey } from "./profiles";
import { getReopenRequest, listReopenRequests } from "./reopen/reopen-requests.server";
import type { ReopenRequest, StoredTestReport } from "./reopen/reopen-rules";
import { ROLLOUT_STEPS } from "./state-machine";
import { type SwitchboardInstance, liveInstances, waitForPropagation } from "./propagation.server";
import { type SwitchboardEvent, isServiceKey, listEvents, listTesters, loadServiceStatuses } from "./store.server";
import { SERVICE_KEYS, type ServiceKey, type ServiceState, type ServiceStatus } from "./types";
import { formatParisDateTimeShort, parisCivilToInstant } from "~/platform/time/paris";
import type {
  EventView,
  ImpactPreviewView,
  InstanceView,
  PropagationView,
  ReopenRequestView,
  ReopenSummaryView,
  ServiceRowView,
  TestReportView,
  TesterView,
  When,
} from "./ui/view-types";

/*
 * Data shaping for the switchboard back office (`/admin/services`): what the pages show, the
 * form schemas with their French messages, and the conversions between Paris civil time and
 * instants. The pages stay thin; the use-cases stay free of presentation.
 */

// ---------------------------------------------------------------------------------------------
// Paris time


/** e.g. `{ iso, label: "28/11/2026 14:05" }`, Paris time, formatted on the server only. */
function when(date: Date | string): When {
  const at = typeof date === "string" ? new Date(date) : date;
  return { iso: at.toISOString(), label: formatParisDateTimeShort(at) };
}

const maybeWhen = (date: Date | string | null | undefined): When | null => (date ? when(date) : null);

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant of a `datetime-local` value read as Paris civil time ("2026-11-28T14:30"), or null
 * when it is not a real date and time. A time skipped by the spring change lands an hour later.
 */
export function parisLocalToDate(value: string): Date | null {
  const match = LOCAL_DATE_TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const civil = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(civil);
  if (year < 2000 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return parisCivilToInstant(civil);
}

// ---------------------------------------------------------------------------------------------
// Form schemas (server-side validation; messages in French, tied to their field)

const text = (missing: string, label: string) =>
  safeText({ error: missing })
    .trim()
    .min(TEXT_MIN_LENGTH, `${label} doit compter au moins ${TEXT_MIN_LENGTH} caractères.`)
    .max(TEXT_MAX_LENGTH, `${label} ne peut dépasser ${TEXT_MAX_LENGTH} caractères.`);

/** An optional future Paris date-time, kept as typed (`2026-11-28T14:30`) to be carried to the confirmation. */
const futureParisDateTime = (label: string) =>
  safeText()
    .refine((value) => parisLocalToDate(value) !== null, `${label} n’est pas une date et une heure valides.`)
    .refine((value) => (parisLocalToDate(value)?.getTime() ?? 0) > Date.now(), `${label} doit être dans le futur.`)
    .optional();

const reasonField = text("Indiquez le motif (interne) du changement.", "Le motif");
const publicMessageField = text("Rédigez le message affiché au public.", "Le message au public");

const CHANGE_MODES = ["CLOSED", "FALLBACK"] as const;

export const closeFormSchema = z.object({
  mode: z.enum(CHANGE_MODES, { error: "Choisissez entre fermer les services et passer en mode de secours." }),
  services: z
    .array(safeText(), { error: "Choisissez au moins un service." })
    .min(1, "Choisissez au moins un service.")
    .refine((keys) => keys.every(isServiceKey), "Un des services choisis est inconnu."),
  reason: reasonField,
  publicMessage: publicMessageField,
  expectedReturnAt: futureParisDateTime("Le retour prévu"),
});

export const profileFormSchema = z.object({
  profile: safeText({ error: "Choisissez un profil d’incident." })
    .refine((key) => profileByKey(key) !== null, "Ce profil d’incident est inconnu."),
  reason: reasonField,
  publicMessage: publicMessageField,
  expectedReturnAt: futureParisDateTime("Le retour prévu"),
});

type CloseFormValues = z.infer<typeof closeFormSchema>;
type ProfileFormValues = z.infer<typeof profileFormSchema>;
export type CloseFormInput = z.input<typeof closeFormSchema>;
export type ProfileFormInput = z.input<typeof profileFormSchema>;

export const testerFormSchema = z.object({
  email: z.email({ error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." }).max(254, "Cette adresse est trop longue."),
});

export const removeTesterFormSchema = z.object({ userId: z.uuid({ error: "Ce testeur est introuvable." }) });

// ---------------------------------------------------------------------------------------------
// Views

function instanceView(instance: SwitchboardInstance): InstanceView {
  return {
    id: instance.id,
    hostname: instance.hostname,
    pid: instance.pid,
    appliedVersion: instance.appliedVersion,
    heartbeat: when(instance.heartbeatAt),
  };
}

function propagationView(version: number, live: readonly SwitchboardInstance[]): PropagationView {
  const laggards = live.filter((instance) => instance.appliedVersion < version);
  return { version, total: live.length, applied: live.length - laggards.length, laggards: laggards.map(instanceView) };
}

/** How many live instances enforce `version` (or a later one), and which do not yet. */
export async function propagationOf(db: Db, version: number, now: Date = new Date()): Promise<PropagationView> {
  return propagationView(version, await liveInstances(db, now.getTime()));
}

/**
 * Waits (up to `timeoutMs`) until every live instance enforces `version`. The page the admin is
 * then sent to reports how many did (`propagationOf`), and which did not.
 */
export async function awaitPropagation(db: Db, version: number, timeoutMs = 5_000): Promise<void> {
  await waitForPropagation(db, { version, timeoutMs });
}

function serviceRow(status: ServiceStatus): ServiceRowView {
  const definition = SERVICE_CATALOGUE[status.key];
  return {
    key: status.key,
    label: definition.label,
    description: definition.description,
    state: status.state,
    since: when(status.since),
    reason: status.reason,
    publicMessage: status.publicMessage,
    expectedReturn: maybeWhen(status.expectedReturnAt),
    rolloutPercent: status.rolloutPercent,
    hasFallback: definition.hasFallback,
    dependsOn: definition.dependsOn.map((key) => SERVICE_CATALOGUE[key].label),
  };
}

export async function loadServiceRows(db: Db): Promise<{ version: number; services: ServiceRowView[] }> {
  const { version, services } = await loadServiceStatuses(db);
  return { version, services: SERVICE_KEYS.map((key) => serviceRow(services[key])) };
}

function serviceLabel(key: string): string {
  return isServiceKey(key) ? SERVICE_CATALOGUE[key].label : key;
}

function storedReport(request: ReopenRequest): StoredTestReport | null {
  return (request.testReport as StoredTestReport | null) ?? null;
}

function reopenSummary(request: ReopenRequest): ReopenSummaryView {
  const report = storedReport(request);
  return {
    id: request.id,
    serviceKey: request.serviceKey as ServiceKey,
    serviceLabel: serviceLabel(request.serviceKey),
    status: request.status,
    requestedBy: request.requestedByLabel,
    requestedAt: when(request.requestedAt),
    rolloutPercent: request.rolloutPercent,
    scheduledFor: maybeWhen(request.scheduledFor),
    tests: report === null ? "missing" : report.passed && request.testsPassedAt !== null ? "passed" : "failed",
    checklistSigned: request.checklist.filter((c) => c.signedAt !== null).length,
    checklistTotal: request.checklist.length,
  };
}

/** Reopen requests still in progress (pending or approved), newest first. */
export async function liveReopenRequests(db: Db): Promise<ReopenSummaryView[]> {
  return (await listReopenRequests(db, { status: ["PENDING", "APPROVED"] })).map(reopenSummary);
}

export const PROFILE_CHOICES = INCIDENT_PROFILES.map((p) => ({ key: p.key, label: p.label, description: p.description }));

function impactView(plan: ChangePlan): ImpactPreviewView {
  const labelOf = (key: ServiceKey) => SERVICE_CATALOGUE[key].label;
  return {
    applicable: plan.applicable,
    changes: plan.changes.map((c) => ({
      key: c.key,
      label: c.label,
      from: c.from,
      to: c.to,
      asDependentOf: c.cause === "dependency" ? c.closedBecauseOf.map(labelOf) : [],
      refusal: c.refusal?.message ?? null,
    })),
    skipped: plan.skipped.map((s) => ({ key: s.key, label: s.label, state: s.state })),
  };
}

/** The impact of `changes` on the switchboard as it is now in the database. */
export async function previewChanges(db: Db, changes: readonly { key: ServiceKey; to: "CLOSED" | "FALLBACK" }[]): Promise<ImpactPreviewView> {
  const { services } = await loadServiceStatuses(db);
  return impactView(previewServiceChange(services, changes));
}

export function changesOfCloseForm(values: CloseFormValues): { key: ServiceKey; to: "CLOSED" | "FALLBACK" }[] {
  return values.services.filter(isServiceKey).map((key) => ({ key, to: values.mode }));
}

export function changesOfProfile(profileKey: string): { key: ServiceKey; to: "CLOSED" | "FALLBACK" }[] {
  return [...(profileByKey(profileKey)?.changes ?? [])];
}

/** The optional expected return of a validated form, as an instant. */
export function expectedReturnOf(values: { expectedReturnAt?: string }): Date | null {
  return values.expectedReturnAt ? parisLocalToDate(values.expectedReturnAt) : null;
}

// ---------------------------------------------------------------------------------------------
// Service detail

export function serviceKeyOrNull(value: string | undefined): ServiceKey | null {
  return value !== undefined && isServiceKey(value) ? value : null;
}

function eventView(event: SwitchboardEvent): EventView {
  return {
    id: event.id,
    version: event.version,
    at: when(event.at),
    from: event.fromState,
    to: event.toState,
    actor: event.actorLabel,
    reason: event.reason,
    publicMessage: event.publicMessage,
    expectedReturn: maybeWhen(event.expectedReturnAt),
    rolloutPercent: event.rolloutPercent,
    groupId: event.groupId,
  };
}

const TIMELINE_LENGTH = 100;

async function serviceTimeline(db: Db, key: ServiceKey): Promise<EventView[]> {
  return (await listEvents(db, { key, limit: TIMELINE_LENGTH })).map(eventView);
}

const ROLE_NAMES: Record<string, string> = { MEMBER: "Adhérent", CLAIMS_HANDLER: "Gestionnaire", ADMIN: "Administrateur" };

async function testerViews(db: Db): Promise<TesterView[]> {
  return (await listTesters(db)).map((t) => ({
    userId: t.userId,
    email: t.email,
    displayName: t.displayName,
    kind: `${ROLE_NAMES[t.role] ?? t.role}${t.status === "ACTIVE" ? "" : " (compte inactif)"}`,
    addedBy: t.addedByLabel,
    addedAt: when(t.addedAt),
  }));
}

/** The account behind an e-mail address typed by an admin, or null. */
export async function userIdByEmail(db: Db, email: string): Promise<string | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.emailBidx, emailIndex(email))).limit(1);
  return row?.id ?? null;
}

// ---------------------------------------------------------------------------------------------
// Confirmation step

export type Confirmation = {
  /** What will be recorded, as the admin will read it before confirming. */
  summary: { label: string; value: string }[];
  /** The validated values, posted again by the confirmation button. */
  hidden: [string, string][];
};

function commonConfirmation(values: { reason: string; publicMessage: string; expectedReturnAt?: string }): Confirmation {
  const expected = expectedReturnOf(values);
  return {
    summary: [
      { label: "Motif (interne)", value: values.reason },
      { label: "Message au public", value: values.publicMessage },
      { label: "Retour prévu", value: expected ? `${when(expected).label} (heure de Paris)` : "Non communiqué" },
    ],
    hidden: [
      ["reason", values.reason],
      ["publicMessage", values.publicMessage],
      ["expectedReturnAt", values.expectedReturnAt ?? ""],
    ],
  };
}

export function closeConfirmation(values: CloseFormValues): Confirmation {
  const common = commonConfirmation(values);
  return {
    summary: common.summary,
    hidden: [["change", "services"], ["mode", values.mode], ...values.services.map((key): [string, string] => ["services", key]), ...common.hidden],
  };
}

export function profileConfirmation(values: ProfileFormValues): Confirmation {
  const common = commonConfirmation(values);
  return {
    summary: [{ label: "Profil d’incident", value: profileByKey(values.profile)?.label ?? values.profile }, ...common.summary],
    hidden: [["change", "profile"], ["profile", values.profile], ...common.hidden],
  };
}

// ---------------------------------------------------------------------------------------------
// Reopen requests on the service page

export const requestReopenFormSchema = z.object({
  rolloutPercent: z.enum(["5", "25", "50", "100"], { error: "Choisissez l’objectif de réouverture." }).transform(Number),
});

export const approveFormSchema = z.object({
  requestId: z.uuid({ error: "Cette demande de réouverture est introuvable." }),
  scheduledFor: futureParisDateTime("La date de réouverture programmée"),
});

export const rejectFormSchema = z.object({
  requestId: z.uuid({ error: "Cette demande de réouverture est introuvable." }),
  reason: text("Indiquez le motif du rejet.", "Le motif du rejet"),
});

export const requestIdFormSchema = z.object({ requestId: z.uuid({ error: "Cette demande de réouverture est introuvable." }) });

export const signFormSchema = requestIdFormSchema.extend({
  index: z.coerce.number({ error: "Ce point de contrôle n’existe pas." }).int().min(0).max(50),
});

export const advanceFormSchema = z.object({
  rolloutPercent: z.enum(["25", "50", "100"], { error: "Choisissez le nouveau pourcentage d’ouverture." }).transform(Number),
});

export type RequestReopenFormInput = z.input<typeof requestReopenFormSchema>;
export type TesterFormInput = z.input<typeof testerFormSchema>;

/** The scheduled time of a validated approval form, as an instant (null: apply now). */
export function scheduledForOf(values: { scheduledFor?: string }): Date | null {
  return values.scheduledFor ? parisLocalToDate(values.scheduledFor) : null;
}

/** True when `requestId` is a reopen request of the service `key` (forms post the id). */
export async function isRequestOfService(db: Db, requestId: string, key: ServiceKey): Promise<boolean> {
  return (await getReopenRequest(db, requestId))?.serviceKey === key;
}

function reportView(report: StoredTestReport | null): TestReportView | null {
  if (!report) return null;
  return {
    passed: report.passed,
    ranAt: maybeWhen(report.ranAt),
    durationMs: report.durationMs,
    attachedBy: report.attachedBy.label,
    probes: report.probes.map(({ name, passed, detail }) => ({ name, passed, detail })),
  };
}

/** Why `viewer` cannot approve `request` now, in French, in the order the engine checks them. */
function approvalBlockers(request: ReopenRequest, state: ServiceState, viewerId: string): string[] {
  const blockers: string[] = [];
  const report = storedReport(request);
  if (request.requestedByUserId === viewerId) {
    blockers.push("Vous avez demandé cette réouverture : un autre administrateur doit l’approuver (principe des quatre yeux).");
  } else if (request.requestedByUserId === null && report?.attachedBy.userId === viewerId) {
    blockers.push("Cette réouverture a été proposée automatiquement et vous avez lancé sa recette : un autre administrateur doit l’approuver.");
  }
  if (report === null) blockers.push("La recette automatique n’a pas encore été lancée.");
  else if (!report.passed || request.testsPassedAt === null) blockers.push("La dernière recette automatique a échoué : relancez-la une fois le problème corrigé.");
  const unsigned = request.checklist.filter((c) => c.signedAt === null).length;
  if (unsigned > 0) blockers.push(`Il reste ${unsigned} point${unsigned > 1 ? "s" : ""} de contrôle à valider.`);
  if (state !== "RETESTING") blockers.push("Le service n’est pas en recette : lancez la recette automatique pour l’y mettre.");
  return blockers;
}

function reopenRequestView(request: ReopenRequest, state: ServiceState, viewerId: string): ReopenRequestView {
  return {
    ...reopenSummary(request),
    origin: request.origin,
    testReport: reportView(storedReport(request)),
    checklist: request.checklist.map((c, index) => ({ index, item: c.item, signedBy: c.signedByLabel, signedAt: maybeWhen(c.signedAt) })),
    decidedBy: request.decidedByLabel,
    decidedAt: maybeWhen(request.decidedAt),
    decisionReason: request.decisionReason,
    appliedAt: maybeWhen(request.appliedAt),
    cancelledAt: maybeWhen(request.cancelledAt),
    cancelledBy: request.cancelledByLabel,
    viewerIsRequester: request.requestedByUserId === viewerId,
    approvalBlockers: request.status === "PENDING" ? approvalBlockers(request, state, viewerId) : [],
  };
}

const PAST_REQUESTS = 10;

export async function loadServiceDetail(db: Db, key: ServiceKey, viewerId: string) {
  const [{ version, services }, requests, timeline, testers] = await Promise.all([
    loadServiceStatuses(db),
    listReopenRequests(db, { key, limit: PAST_REQUESTS + 1 }),
    serviceTimeline(db, key),
    testerViews(db),
  ]);
  const status = services[key];
  const definition = SERVICE_CATALOGUE[key];
  const live = requests.find((r) => r.status === "PENDING" || r.status === "APPROVED") ?? null;
  return {
    version,
    service: {
      ...serviceRow(status),
      alternativeChannel: definition.alternativeChannel,
      dependents: dependentsOf(key).map((k) => SERVICE_CATALOGUE[k].label),
    },
    canRequestReopen: live === null && (status.state === "CLOSED" || status.state === "FALLBACK" || status.state === "RETESTING"),
    nextRolloutSteps: status.state === "REOPENING" ? ROLLOUT_STEPS.filter((p) => p > (status.rolloutPercent ?? 0)) : [],
    liveRequest: live ? reopenRequestView(live, status.state, viewerId) : null,
    pastRequests: requests
      .filter((r) => r !== live)
      .slice(0, PAST_REQUESTS)
      .map((r) => reopenRequestView(r, status.state, viewerId)),
    timeline,
    testers,
  };
}
