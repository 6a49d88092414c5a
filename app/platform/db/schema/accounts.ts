import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns";
import { persons } from "./core";

/*
 * Accounts (members and staff), sessions, e-mailed tokens and throttling counters.
 */

export const userRole = pgEnum("user_role", ["MEMBER", "CLAIMS_HANDLER", "ADMIN"]);
export const userStatus = pgEnum("user_status", ["ACTIVE", "DISABLED"]);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The sign-in address, encrypted, and its blind index (normalised: trimmed, lower-cased), unique (ADR 019). */
    emailEnc: text("email_enc"),
    emailBidx: text("email_bidx").unique(),
    /** Before ADR 019: the clear address, emptied by the boot-time conversion, never written. */
    legacyEmail: text("email").unique(),
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
    /** The address the token was sent to, encrypted (ADR 019). */
    emailEnc: text("email_enc"),
    /** Before ADR 019: the clear address, emptied by the boot-time conversion, never written. */
    legacyEmail: text("email"),
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
