import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgEnum, pgSequence, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns";
import { users } from "./accounts";

/*
 * The service switchboard (features/switchboard, ADR 005): services' states, their history, live
 * instances, testers, four-eyes reopenings, and the outgoing signed webhooks.
 */

export const serviceState = pgEnum("service_state", ["OPEN", "CLOSED", "FALLBACK", "RETESTING", "REOPENING"]);

/**
 * Every change to any service takes the next value of this sequence: instances compare one
 * number to know whether their snapshot is current.
 */
export const switchboardVersionSeq = pgSequence("switchboard_version_seq", { startWith: 1 });

/** Current state of each online service (one row per catalogue key). */
export const switchboardServices = pgTable("switchboard_services", {
  key: text("key").primaryKey(),
  state: serviceState("state").notNull(),
  since: ts("since").notNull(),
  reason: text("reason"),
  publicMessage: text("public_message"),
  expectedReturnAt: ts("expected_return_at"),
  rolloutPercent: smallint("rollout_percent"),
  groupId: uuid("group_id"),
  version: bigint("version", { mode: "number" }).notNull(),
  updatedByUserId: uuid("updated_by_user_id"),
  updatedByLabel: text("updated_by_label").notNull(),
});

/** Append-only history of state changes (status page, timelines, propagation measurements). */
export const switchboardEvents = pgTable(
  "switchboard_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    version: bigint("version", { mode: "number" }).notNull(),
    serviceKey: text("service_key").notNull(),
    fromState: serviceState("from_state"),
    toState: serviceState("to_state").notNull(),
    at: ts("at").notNull(),
    actorUserId: uuid("actor_user_id"),
    actorLabel: text("actor_label").notNull(),
    reason: text("reason"),
    publicMessage: text("public_message"),
    expectedReturnAt: ts("expected_return_at"),
    rolloutPercent: smallint("rollout_percent"),
    groupId: uuid("group_id"),
    reopenRequestId: uuid("reopen_request_id"),
  },
  (t) => [index("switchboard_events_service_at").on(t.serviceKey, t.at), index("switchboard_events_version").on(t.version)],
);

/** Live app instances: heartbeat and the switchboard version each has applied. */
export const switchboardInstances = pgTable("switchboard_instances", {
  id: text("id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  startedAt: ts("started_at").notNull(),
  heartbeatAt: ts("heartbeat_at").notNull(),
  appliedVersion: bigint("applied_version", { mode: "number" }).notNull(),
  appliedAt: ts("applied_at").notNull(),
  stoppedAt: ts("stopped_at"),
});

/** Users allowed to exercise services under re-test (staff always are). */
export const switchboardTesters = pgTable("switchboard_testers", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  addedByLabel: text("added_by_label").notNull(),
  addedAt: ts("added_at").notNull().defaultNow(),
});

export const reopenRequestStatus = pgEnum("reopen_request_status", [
  "PENDING", // waiting for re-test report, checklist and a second admin
  "APPROVED", // approved; applied now or at `scheduledFor`
  "REJECTED",
  "APPLIED",
  "CANCELLED",
]);

/** Four-eyes reopening of one service. */
export const reopenRequests = pgTable(
  "reopen_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceKey: text("service_key").notNull(),
    status: reopenRequestStatus("status").notNull().default("PENDING"),
    /** "manual" (an admin asked) or "expected-return" (proposed when a closure's expected end passed). */
    origin: text("origin").notNull(),
    requestedByUserId: uuid("requested_by_user_id"),
    requestedByLabel: text("requested_by_label").notNull(),
    requestedAt: ts("requested_at").notNull(),
    /** Target rollout: 100 = fully open; less = progressive (REOPENING). */
    rolloutPercent: smallint("rollout_percent").notNull().default(100),
    scheduledFor: ts("scheduled_for"),
    /** Automated re-test report: { passed, ranAt, durationMs, probes: [{ name, passed, detail }] }. */
    testReport: jsonb("test_report").$type<Record<string, unknown>>(),
    testsPassedAt: ts("tests_passed_at"),
    /** Manual checklist: [{ item, signedByUserId, signedByLabel, signedAt }]. */
    checklist: jsonb("checklist").$type<{ item: string; signedByUserId: string | null; signedByLabel: string | null; signedAt: string | null }[]>().notNull(),
    decidedByUserId: uuid("decided_by_user_id"),
    decidedByLabel: text("decided_by_label"),
    decidedAt: ts("decided_at"),
    decisionReason: text("decision_reason"),
    appliedAt: ts("applied_at"),
    cancelledAt: ts("cancelled_at"),
    cancelledByLabel: text("cancelled_by_label"),
  },
  (t) => [
    index("reopen_requests_service").on(t.serviceKey, t.status),
    uniqueIndex("reopen_requests_one_live_per_service")
      .on(t.serviceKey)
      .where(sql`${t.status} in ('PENDING', 'APPROVED')`),
  ],
);

export const webhookStatus = pgEnum("webhook_status", ["PENDING", "DELIVERED", "DEAD"]);

/** Outgoing signed webhooks, delivered at least once by a dispatcher (like the mail outbox). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    url: text("url").notNull(),
    eventType: text("event_type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: webhookStatus("status").notNull().default("PENDING"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    deliveredAt: ts("delivered_at"),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_deliveries_due").on(t.status, t.nextAttemptAt)],
);
