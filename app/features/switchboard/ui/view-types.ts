import type { ServiceKey, ServiceState } from "../types";

/*
 * What the switchboard back office pages receive from `admin-view.server.ts`: plain,
 * serialisable values, dates already formatted in Paris time so that server and browser render
 * the same text.
 */

export type When = { iso: string; label: string };

export type InstanceView = {
  id: string;
  hostname: string;
  pid: number;
  appliedVersion: number;
  heartbeat: When;
};

/** "Applied on N / N live instances" for one switchboard version. */
export type PropagationView = {
  version: number;
  total: number;
  applied: number;
  laggards: InstanceView[];
};

export type ServiceRowView = {
  key: ServiceKey;
  label: string;
  description: string;
  state: ServiceState;
  since: When;
  reason: string | null;
  publicMessage: string | null;
  expectedReturn: When | null;
  rolloutPercent: number | null;
  hasFallback: boolean;
  dependsOn: string[];
};

export type ReopenSummaryView = {
  id: string;
  serviceKey: ServiceKey;
  serviceLabel: string;
  status: ReopenStatus;
  requestedBy: string;
  requestedAt: When;
  rolloutPercent: number;
  scheduledFor: When | null;
  /** The automated re-test: not run yet, last run passed, last run failed. */
  tests: "missing" | "passed" | "failed";
  checklistSigned: number;
  checklistTotal: number;
};

export type ReopenStatus = "PENDING" | "APPROVED" | "REJECTED" | "APPLIED" | "CANCELLED";

export type ProbeView = { name: string; passed: boolean; detail: string };

export type TestReportView = { passed: boolean; ranAt: When | null; durationMs: number; attachedBy: string; probes: ProbeView[] };

export type ChecklistItemView = { index: number; item: string; signedBy: string | null; signedAt: When | null };

export type ReopenRequestView = ReopenSummaryView & {
  origin: string;
  testReport: TestReportView | null;
  checklist: ChecklistItemView[];
  decidedBy: string | null;
  decidedAt: When | null;
  decisionReason: string | null;
  appliedAt: When | null;
  cancelledAt: When | null;
  cancelledBy: string | null;
  /** What the viewer may do, and why not. */
  viewerIsRequester: boolean;
  approvalBlockers: string[];
};

export type EventView = {
  id: number;
  version: number;
  at: When;
  from: ServiceState | null;
  to: ServiceState;
  actor: string;
  reason: string | null;
  publicMessage: string | null;
  expectedReturn: When | null;
  rolloutPercent: number | null;
  groupId: string | null;
};

export type TesterView = { userId: string; email: string; displayName: string; kind: string; addedBy: string; addedAt: When };

/** One line of an impact preview: a service whose state the change would set. */
export type PlannedChangeView = {
  key: ServiceKey;
  label: string;
  from: ServiceState;
  to: "CLOSED" | "FALLBACK";
  /** Labels of the closing services this one depends on, when it closes only because of them. */
  asDependentOf: string[];
  /** Why the state machine refuses this change (French); null when it is allowed. */
  refusal: string | null;
};

/** A service already in the asked state: nothing is written for it. */
export type SkippedChangeView = { key: ServiceKey; label: string; state: ServiceState };

export type ImpactPreviewView = {
  /** Every change is allowed, and there is at least one. */
  applicable: boolean;
  changes: PlannedChangeView[];
  skipped: SkippedChangeView[];
};
