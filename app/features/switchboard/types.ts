/*
 * The vocabulary of the service switchboard, shared by the pure engine, the store, the
 * enforcement layer and the UI.
 */

export const SERVICE_KEYS = [
  "devis-en-ligne",
  "adhesion-en-ligne",
  "espace-adherent",
  "remboursements-en-ligne",
  "coordonnees-bancaires",
  "documents",
  "formulaire-contact",
  "activation-compte",
] as const;

export type ServiceKey = (typeof SERVICE_KEYS)[number];

export const SERVICE_STATES = ["OPEN", "CLOSED", "FALLBACK", "RETESTING", "REOPENING"] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/** What an instance does with a service when it cannot confirm its snapshot is fresh (30 s). */
export type FailSafe = "fail-closed" | "last-known";

export type ServiceDefinition = {
  key: ServiceKey;
  /** French name shown to the public ("Devis en ligne"). */
  label: string;
  /** One French sentence: what the service lets people do. */
  description: string;
  /**
   * URL path patterns the service owns (React Router syntax: `/devis`, `/devis/*`,
   * `/espace/documents/:id`). Matching is by path; `methods` restricts to some methods when a
   * service owns only the actions of a page (e.g. POST on /espace/compte/iban).
   */
  routes: readonly { path: string; methods?: readonly ("GET" | "POST" | "PUT" | "PATCH" | "DELETE")[] }[];
  /** Services this one needs: closing a dependency closes this one too. */
  dependsOn: readonly ServiceKey[];
  hasFallback: boolean;
  /** French text: how to do the same thing without the online service (phone, e-mail, post). */
  alternativeChannel: string;
  /** French text: what happened to what the person had typed in ("nothing was recorded"…). */
  dataNotice: string;
  failSafe: FailSafe;
  /** Manual checks an admin signs off by name before a reopen can be approved. */
  checklist: readonly string[];
};

/** The switchboard's view of one service at one version. */
export type ServiceStatus = {
  key: ServiceKey;
  state: ServiceState;
  since: string; // ISO
  reason: string | null; // internal reason (staff only)
  publicMessage: string | null;
  expectedReturnAt: string | null; // ISO
  /** Only for REOPENING: share of members (0–100) for whom the service is open. */
  rolloutPercent: number | null;
  groupId: string | null;
};

/** What an instance holds in memory and evaluates synchronously on each request. */
export type SwitchboardSnapshot = {
  version: number;
  services: Readonly<Record<ServiceKey, ServiceStatus>>;
  /** When this instance last confirmed with the database that `version` is current (epoch ms). */
  confirmedAt: number;
};

/** Who is asking, as far as enforcement needs to know. */
export type Audience = {
  /** Stable id for sticky percentage rollout (the user id); null for anonymous visitors. */
  subjectId: string | null;
  /** Staff and allow-listed testers may use services being re-tested. */
  isTester: boolean;
};

export type Decision =
  | { open: true }
  | { open: false; state: ServiceState; key: ServiceKey; stale: boolean; fallback: boolean };
