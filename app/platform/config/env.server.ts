import path from "node:path";
import { z } from "zod";
import { isValidIban, normalizeIban } from "~/platform/identifiers/identifiers";

/**
 * The whole configuration of a Bascule process, parsed once at boot. Anything the browser
 * may see is listed in `publicConfig` — nothing else leaves the server.
 */
const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const envSchema = z.object({
  BASCULE_ENV: z.enum(["demo", "production", "test"]).default("demo"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_ORIGIN: z.url().optional(),
  TRUST_PROXY: booleanish.default(false),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  BASCULE_DATA_DIR: z.string().default("./data"),
  BASCULE_ENCRYPTION_KEYS: z.string().optional(),
  BASCULE_BLIND_INDEX_KEY: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Bascule <ne-pas-repondre@bascule.example>"),
  /** Without SMTP_URL, write each e-mail as an .eml file under the data directory (default: demo mode only). */
  MAIL_FILE_COPIES: booleanish.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Read by the logger itself (logger.server.ts); validated here so that a typo stops the boot.
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  ALLOW_INSECURE_ORIGIN: booleanish.default(false),
  SEED_ON_EMPTY: booleanish.default(true),
  CLAIMS_MAILBOX_ADDRESS: z.email().default("remboursements@bascule.example"),
  IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\/[^:@/]+:[^@/]+@[^/]+/, "IMAP_URL must be imap(s)://user:password@host[:port][/MAILBOX]")
    .optional(),
  IMAP_POLL_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  IMAP_PROCESSED_FOLDER: z.string().trim().min(1).max(100).optional(),
  SWITCHBOARD_WEBHOOK_URL: z.url().optional(),
  SWITCHBOARD_WEBHOOK_SECRET: z.string().min(16).optional(),
  SWITCHBOARD_ONCALL_EMAILS: z.string().default(""),
  OFREP_API_KEYS: z.string().default(""),
  PAYMENTS_DEBTOR_NAME: z.string().trim().min(2).max(70).optional(),
  PAYMENTS_DEBTOR_IBAN: z.string().optional(),
  PAYMENTS_DEBTOR_BIC: z.string().optional(),
  SEPA_CREDITOR_ID: z
    .string()
    .regex(/^[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$/, "SEPA_CREDITOR_ID must be a SEPA creditor identifier (ICS), e.g. FR12ZZZ123456")
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface BasculeConfig {
  env: Env["BASCULE_ENV"];
  isProduction: boolean;
  /**
   * Bascule's SEPA creditor identifier (ICS), printed on direct-debit mandates. Outside
   * production, a synthetic but well-formed one; in production it must be given.
   */
  sepaCreditorId: string;
  port: number;
  host: string;
  /** Origin used in links sent by e-mail; defaults to http://localhost:PORT. */
  publicOrigin: string;
  /** Cookies get `Secure` and the `__Host-` prefix, and HSTS is sent, only over HTTPS. */
  secureCookies: boolean;
  /** Production over plain HTTP, explicitly allowed (`ALLOW_INSECURE_ORIGIN=true`); logged loudly at boot. */
  insecureOriginAllowed: boolean;
  /**
   * Number of reverse proxies in front of Bascule whose `X-Forwarded-For` entries are trusted: the
   * client IP is the entry that many hops from the right, never one the client chose (ADR 018).
   */
  trustProxyHops: number;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  encryptionKeys: string | undefined;
  blindIndexKey: string | undefined;
  smtpUrl: string | undefined;
  /**
   * No relay: e-mails are written as `.eml` files under `<dataDir>/mail/` (which the demo mail
   * viewer reads). On by default in demo mode only; otherwise mail waits, encrypted, in the outbox.
   */
  mailFileCopies: boolean;
  mailFrom: string;
  logLevel: Env["LOG_LEVEL"];
  metricsToken: string | undefined;
  seedOnEmpty: boolean;
  /** Mailbox members write to when online claims are in e-mail fallback. */
  claimsMailboxAddress: string;
  /** The claims mailbox read over IMAP (none = e-mail claims are not ingested). */
  imapUrl: string | undefined;
  imapPollIntervalMs: number;
  /** Folder processed e-mails are moved to (they stay in place, flagged, when unset). */
  imapProcessedFolder: string | undefined;
  /** Signed webhook notified of every switchboard change (none when unset). */
  switchboardWebhookUrl: string | undefined;
  switchboardWebhookSecret: string | undefined;
  /** On-call addresses notified of every switchboard change, besides the admins. */
  switchboardOnCallEmails: string[];
  /** API keys accepted by the OFREP evaluation endpoint (none = endpoint disabled). */
  ofrepApiKeys: string[];
  /**
   * Bascule's bank account, debited by the SEPA credit transfers of reimbursements. Null only in
   * production when it is not configured: no payment file can then be produced.
   */
  paymentsDebtor: { name: string; iban: string; bic: string } | null;
}

/**
 * Outside production, a synthetic account (valid checksums, belongs to nobody) so that payment
 * files can be generated in demo and tests; production must name the real one.
 */
/** Synthetic (no real creditor's) but with correct check digits, so format checks pass in demo and tests. */
const DEMO_CREDITOR_ID = "FR15ZZZ832000";
const DEMO_DEBTOR = { name: "Mutuelle Bascule", iban: "FR7630006000011234567890189", bic: "BASCFRPPXXX" };

const splitList = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * The debtor account: all three variables or none. None means the synthetic demo account outside
 * production, and no account at all in production (payment files are then refused, never
 * produced from a demo account). A value that is set must be valid, or the process stops.
 */
function parsePaymentsDebtor(e: Env, isProduction: boolean): BasculeConfig["paymentsDebtor"] {
  const given = [e.PAYMENTS_DEBTOR_NAME, e.PAYMENTS_DEBTOR_IBAN, e.PAYMENTS_DEBTOR_BIC];
  if (given.some(Boolean) && !given.every(Boolean)) {
    throw new Error("Invalid configuration: set PAYMENTS_DEBTOR_NAME, PAYMENTS_DEBTOR_IBAN and PAYMENTS_DEBTOR_BIC together");
  }
  if (!given.every(Boolean)) return isProduction ? null : DEMO_DEBTOR;
  const debtor = {
    name: e.PAYMENTS_DEBTOR_NAME!,
    iban: normalizeIban(e.PAYMENTS_DEBTOR_IBAN!),
    bic: e.PAYMENTS_DEBTOR_BIC!.replace(/\s/g, "").toUpperCase(),
  };
  if (!isValidIban(debtor.iban)) throw new Error("Invalid configuration: PAYMENTS_DEBTOR_IBAN is not a valid SEPA IBAN");
  if (!/^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(debtor.bic)) {
    throw new Error("Invalid configuration: PAYMENTS_DEBTOR_BIC is not a valid BIC");
  }
  return debtor;
}

export function parseConfig(source: Record<string, string | undefined>): BasculeConfig {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = result.data;
  const isProduction = e.BASCULE_ENV === "production";
  if (e.SWITCHBOARD_WEBHOOK_URL && !e.SWITCHBOARD_WEBHOOK_SECRET) {
    throw new Error("Invalid configuration: SWITCHBOARD_WEBHOOK_URL needs SWITCHBOARD_WEBHOOK_SECRET to sign its calls");
  }
  if (isProduction && (!e.BASCULE_ENCRYPTION_KEYS || !e.BASCULE_BLIND_INDEX_KEY)) {
    throw new Error("Invalid configuration: production needs BASCULE_ENCRYPTION_KEYS and BASCULE_BLIND_INDEX_KEY");
  }
  const paymentsDebtor = parsePaymentsDebtor(e, isProduction);
  if (isProduction && !e.SEPA_CREDITOR_ID) {
    throw new Error("Invalid configuration: production requires SEPA_CREDITOR_ID (the creditor identifier printed on direct-debit mandates)");
  }
  if (e.TRUST_PROXY) {
    throw new Error(
      "Invalid configuration: TRUST_PROXY=true trusted every X-Forwarded-For entry, so any client could choose its own IP; set TRUST_PROXY_HOPS to the number of reverse proxies in front of Bascule (usually 1) and remove TRUST_PROXY",
    );
  }
  const publicOrigin = (e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  const secureCookies = publicOrigin.startsWith("https://");
  if (isProduction && !secureCookies && !e.ALLOW_INSECURE_ORIGIN) {
    throw new Error(
      "Invalid configuration: production needs an https:// PUBLIC_ORIGIN (without it, cookies lose Secure and __Host- and no HSTS is sent); set ALLOW_INSECURE_ORIGIN=true only for a deliberate exception",
    );
  }
  if (isProduction && !e.METRICS_TOKEN) {
    throw new Error("Invalid configuration: production requires METRICS_TOKEN (at least 16 characters): /metrics is never public in production");
  }
  return {
    env: e.BASCULE_ENV,
    isProduction,
    sepaCreditorId: e.SEPA_CREDITOR_ID ?? DEMO_CREDITOR_ID,
    port: e.PORT,
    host: e.HOST,
    publicOrigin,
    secureCookies,
    insecureOriginAllowed: isProduction && !secureCookies,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(e.BASCULE_DATA_DIR),
    encryptionKeys: e.BASCULE_ENCRYPTION_KEYS,
    blindIndexKey: e.BASCULE_BLIND_INDEX_KEY,
    smtpUrl: e.SMTP_URL,
    mailFileCopies: !e.SMTP_URL && (e.MAIL_FILE_COPIES ?? e.BASCULE_ENV === "demo"),
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    seedOnEmpty: e.SEED_ON_EMPTY && !isProduction,
    claimsMailboxAddress: e.CLAIMS_MAILBOX_ADDRESS,
    imapUrl: e.IMAP_URL,
    imapPollIntervalMs: e.IMAP_POLL_INTERVAL_MS,
    imapProcessedFolder: e.IMAP_PROCESSED_FOLDER,
    switchboardWebhookUrl: e.SWITCHBOARD_WEBHOOK_URL,
    switchboardWebhookSecret: e.SWITCHBOARD_WEBHOOK_SECRET,
    switchboardOnCallEmails: splitList(e.SWITCHBOARD_ONCALL_EMAILS),
    ofrepApiKeys: splitList(e.OFREP_API_KEYS),
    paymentsDebtor,
  };
}

let current: BasculeConfig | undefined;

/** The process configuration, parsed from `process.env` on first use. */
export function config(): BasculeConfig {
  current ??= parseConfig(process.env);
  return current;
}

/** For tests and CLIs that build a configuration explicitly. */
export function setConfig(next: BasculeConfig): void {
  current = next;
}
