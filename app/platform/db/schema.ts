import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/*
 * The data model of the whole portal. Later capabilities add tables; they should not have to
 * rewrite these. Conventions:
 * - money is stored in euro cents (integer), rates in basis points of a percent where needed;
 * - sensitive identifiers (NIR, IBAN, ID numbers) are stored only encrypted (`*_enc`, see
 *   platform/crypto) with an HMAC blind index (`*_bidx`) where a lookup is needed and, for
 *   display, the few characters a masked rendering shows (`*_hint`);
 * - timestamps are `timestamptz`, dates of the civil kind (birth, care) are `date`.
 */

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

// ---------------------------------------------------------------------------------------------
// Formulas and guarantees (data, not code: DOMAIN.md § Synthetic formulas)

export const formulas = pgTable("formulas", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: text("code").notNull().unique(), // F1..F4
  name: text("name").notNull(), // Essentielle, Équilibre…
  description: text("description").notNull(),
  /** Multiplier applied to the reference tariff (F2 = 1.0), in thousandths. */
  tariffMultiplierPermille: integer("tariff_multiplier_permille").notNull(),
  isResponsible: boolean("is_responsible").notNull().default(true),
  validFrom: date("valid_from", { mode: "string" }).notNull(),
  validTo: date("valid_to", { mode: "string" }),
  sortOrder: smallint("sort_order").notNull().default(0),
});

export const guaranteeBasis = pgEnum("guarantee_basis", [
  "PCT_BR_INCLUDING_SECU", // % of the Sécu base, Sécu share included
  "PCT_BR_EXCLUDING_SECU", // % of the Sécu base on top of the Sécu share
  "REAL_COST", // whatever remains after Sécu (e.g. forfait journalier)
  "FLAT_PER_PERIOD", // € amount per item and period (optics, hearing, alternative medicine)
  "PER_DAY", // € per day (private room)
  "FULL_100_SANTE", // "100 % Santé" basket: full cover up to the regulated price caps
  "NONE", // not covered by this formula
]);

export const guaranteeLines = pgTable(
  "guarantee_lines",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    formulaId: uuid("formula_id")
      .notNull()
      .references(() => formulas.id, { onDelete: "cascade" }),
    /** Stable key of the care category, e.g. `doctor-optam`, `optics-class-b`. */
    category: text("category").notNull(),
    label: text("label").notNull(),
    basis: guaranteeBasis("basis").notNull(),
    /** For percentage bases: percent of BR (e.g. 150 for 150 %). */
    ratePct: integer("rate_pct"),
    /** For flat and per-day bases, in cents. */
    amountCents: integer("amount_cents"),
    /** Number of items allowed per period (e.g. 2 sessions of alternative medicine a year). */
    maxCount: integer("max_count"),
    /** Maximum number of days per period (private room). */
    maxDays: integer("max_days"),
    /** Ceiling in cents per beneficiary and period (e.g. dental prostheses). */
    ceilingCents: integer("ceiling_cents"),
    /** Length of the period in months (12 = yearly, 24 = every two years, 48 = four years). */
    periodMonths: integer("period_months"),
    /** Plain-French summary shown to members and prospects. */
    summary: text("summary").notNull(),
    sortOrder: smallint("sort_order").notNull().default(0),
  },
  (t) => [uniqueIndex("guarantee_lines_formula_category").on(t.formulaId, t.category)],
);

/** Regulatory amounts with their effective dates (participation forfaitaire, franchises…). */
export const regulatoryParameters = pgTable(
  "regulatory_parameters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    valueCents: integer("value_cents").notNull(),
    validFrom: date("valid_from", { mode: "string" }).notNull(),
    validTo: date("valid_to", { mode: "string" }),
  },
  (t) => [uniqueIndex("regulatory_parameters_key_from").on(t.key, t.validFrom)],
);

// ---------------------------------------------------------------------------------------------
// Employers, contracts, people

export const employers = pgTable("employers", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  siren: text("siren").notNull(),
  siret: text("siret").notNull().unique(),
  createdAt: createdAt(),
});

export const contractKind = pgEnum("contract_kind", ["INDIVIDUAL", "COLLECTIVE"]);
export const contractStatus = pgEnum("contract_status", ["PENDING", "ACTIVE", "SUSPENDED", "TERMINATED", "REFUSED"]);
export const socialSecurityScheme = pgEnum("social_security_scheme", ["GENERAL", "ALSACE_MOSELLE"]);

export const contracts = pgTable(
  "contracts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: text("number").notNull().unique(), // e.g. CT-2024-000123
    kind: contractKind("kind").notNull(),
    status: contractStatus("status").notNull(),
    formulaId: uuid("formula_id")
      .notNull()
      .references(() => formulas.id),
    employerId: uuid("employer_id").references(() => employers.id),
    startDate: date("start_date", { mode: "string" }).notNull(),
    endDate: date("end_date", { mode: "string" }),
    scheme: socialSecurityScheme("scheme").notNull().default("GENERAL"),
    departement: text("departement").notNull(),
    /** Bank account for reimbursements (and direct debit of individual contracts). */
    ibanEnc: text("iban_enc"),
    ibanBidx: text("iban_bidx"),
    ibanHint: text("iban_hint"), // country, check digits and last 4 characters: see ibanHint()
    bic: text("bic"),
    ibanChangedAt: ts("iban_changed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("contracts_formula").on(t.formulaId),
    index("contracts_employer").on(t.employerId),
    check("contracts_collective_has_employer", sql`${t.kind} <> 'COLLECTIVE' OR ${t.employerId} IS NOT NULL`),
  ],
);

export const beneficiaryRole = pgEnum("beneficiary_role", ["MEMBER", "SPOUSE", "CHILD"]);

/** Every protected person: the member (subscriber), a spouse, children. */
export const persons = pgTable(
  "persons",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contractId: uuid("contract_id")
      .notNull()
      .references(() => contracts.id, { onDelete: "cascade" }),
    role: beneficiaryRole("role").notNull(),
    /** Member number, only for the subscriber (role MEMBER): used for account activation. */
    memberNumber: text("member_number").unique(),
    civility: text("civility"), // "M." | "Mme" — display only, never used for pricing
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    /** Own NIR, encrypted; null for a child covered on a parent's number. */
    nirEnc: text("nir_enc"),
    nirBidx: text("nir_bidx"),
    nirHint: text("nir_hint"), // sex, birth year and month (first 5 characters) and the key: see nirHint()
    /** A child covered on a parent's NIR is identified by that parent, the birth date and a rank. */
    nirHolderPersonId: uuid("nir_holder_person_id"),
    birthRank: smallint("birth_rank"),
    idNumberEnc: text("id_number_enc"), // national ID card / passport number, encrypted
    email: text("email"),
    phone: text("phone"),
    addressLine: text("address_line"),
    postcode: text("postcode"),
    city: text("city"),
    c2s: boolean("c2s").notNull().default(false), // Complémentaire santé solidaire: no franchises
    coveredFrom: date("covered_from", { mode: "string" }).notNull(),
    coveredTo: date("covered_to", { mode: "string" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("persons_contract").on(t.contractId),
    uniqueIndex("persons_nir_bidx").on(t.nirBidx),
    index("persons_email").on(sql`lower(${t.email})`),
    check(
      "persons_nir_or_holder",
      sql`${t.nirEnc} IS NOT NULL OR (${t.nirHolderPersonId} IS NOT NULL AND ${t.birthRank} IS NOT NULL)`,
    ),
  ],
);

// ---------------------------------------------------------------------------------------------
// Accounts, sessions, tokens, throttling

export const userRole = pgEnum("user_role", ["MEMBER", "CLAIMS_HANDLER", "ADMIN"]);
export const userStatus = pgEnum("user_status", ["ACTIVE", "DISABLED"]);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Always stored lower-cased and trimmed. */
    email: text("email").notNull().unique(),
    role: userRole("role").notNull(),
    status: userStatus("status").notNull().default("ACTIVE"),
    displayName: text("display_name").notNull(),
    personId: uuid("person_id").references(() => persons.id, { onDelete: "set null" }),
    passwordHash: text("password_hash"),
    totpKeyEnc: text("totp_key_enc"),
    totpEnabled: boolean("totp_enabled").notNull().default(false),
    /** Last accepted TOTP time step: a code is never accepted twice. */
    totpLastStep: integer("totp_last_step"),
    passwordChangedAt: ts("password_changed_at"),
    lastLoginAt: ts("last_login_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_person").on(t.personId),
    check("users_staff_have_no_person", sql`${t.role} = 'MEMBER' OR ${t.personId} IS NULL`),
  ],
);

/**
 * Sessions as in Lucia's current guide: the cookie holds `<id>.<secret>`, the database only
 * SHA-256(secret). `expiresAt` is the absolute limit; `lastSeenAt` drives the inactivity limit.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(), // hex SHA-256 of the secret
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** False while a login waits for its TOTP step. */
    mfaVerified: boolean("mfa_verified").notNull(),
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    ipHash: text("ip_hash"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const tokenPurpose = pgEnum("token_purpose", ["ACTIVATION", "PASSWORD_RESET"]);

/** Single-use e-mailed tokens; only their SHA-256 is stored. */
export const authTokens = pgTable(
  "auth_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    purpose: tokenPurpose("purpose").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    personId: uuid("person_id").references(() => persons.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("auth_tokens_user").on(t.userId), index("auth_tokens_person").on(t.personId)],
);

/**
 * Fixed-window counters for throttling (login per account and per IP, password reset…). Stored
 * in the database so that a restart or another instance does not reset them.
 */
export const throttleBuckets = pgTable("throttle_buckets", {
  key: text("key").primaryKey(), // e.g. "login:account:<hmac>", "login:ip:<hmac>"
  count: integer("count").notNull(),
  windowStartedAt: ts("window_started_at").notNull(),
  blockedUntil: ts("blocked_until"),
});

// ---------------------------------------------------------------------------------------------
// Audit log (append-only, hash-chained) and mail outbox

export const auditLog = pgTable(
  "audit_log",
  {
    /** Insertion order; entries are written unsealed, in the transaction of the action they record. */
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Position in the hash chain, given by the sealer after commit (ADR 014); null until sealed. */
    seq: bigint("seq", { mode: "number" }),
    at: ts("at").notNull(),
    actorUserId: uuid("actor_user_id"),
    /** Human-readable actor: e-mail of a user, "system", "cli:<email>". */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(), // e.g. "auth.login.succeeded"
    outcome: text("outcome").notNull(), // "success" | "failure" | "denied"
    targetType: text("target_type"),
    targetId: text("target_id"),
    ipHash: text("ip_hash"),
    /** Free-form details: never a secret nor a clear sensitive identifier. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_log_at").on(t.at),
    index("audit_log_action").on(t.action),
    index("audit_log_actor").on(t.actorUserId),
    uniqueIndex("audit_log_seq").on(t.seq),
    // The sealer's work queue: small, since entries are sealed within a second of their commit.
    index("audit_log_unsealed").on(t.id).where(sql`${t.seq} is null`),
    check("audit_log_sealed_together", sql`(${t.seq} is null) = (${t.hash} is null) and (${t.seq} is null) = (${t.prevHash} is null)`),
  ],
);

export const mailStatus = pgEnum("mail_status", ["PENDING", "SENT", "DEAD"]);

export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stable Message-ID so that a retry after an unknown outcome can be deduplicated. */
    messageId: text("message_id").notNull().unique(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** Template key, for the admin mail viewer ("auth.password-reset"…). */
    template: text("template").notNull(),
    status: mailStatus("status").notNull().default("PENDING"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [index("mail_outbox_due").on(t.status, t.nextAttemptAt)],
);

// ---------------------------------------------------------------------------------------------
// Process bookkeeping

/** Single-row-per-key store for instance-wide facts (e.g. when demo data was seeded). */
export const systemState = pgTable("system_state", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------
// Service switchboard (features/switchboard)

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
export * from "./schema-email-intake";
export * from "./schema-claims";
export * from "./schema-quotes";
export * from "./schema-subscriptions";
export * from "./schema-contact";
