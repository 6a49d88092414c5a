import path from "node:path";
import { z } from "zod";

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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  METRICS_TOKEN: z.string().min(16).optional(),
  SEED_ON_EMPTY: booleanish.default(true),
  CLAIMS_MAILBOX_ADDRESS: z.email().default("remboursements@bascule.example"),
  SWITCHBOARD_WEBHOOK_URL: z.url().optional(),
  SWITCHBOARD_WEBHOOK_SECRET: z.string().min(16).optional(),
  SWITCHBOARD_ONCALL_EMAILS: z.string().default(""),
  OFREP_API_KEYS: z.string().default(""),
});

export type Env = z.infer<typeof envSchema>;

export interface BasculeConfig {
  env: Env["BASCULE_ENV"];
  isProduction: boolean;
  port: number;
  host: string;
  /** Origin used in links sent by e-mail; defaults to http://localhost:PORT. */
  publicOrigin: string;
  /** Cookies get `Secure` and the `__Host-` prefix, and HSTS is sent, only over HTTPS. */
  secureCookies: boolean;
  trustProxy: boolean;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  encryptionKeys: string | undefined;
  blindIndexKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: Env["LOG_LEVEL"];
  metricsToken: string | undefined;
  seedOnEmpty: boolean;
  /** Mailbox members write to when online claims are in e-mail fallback. */
  claimsMailboxAddress: string;
  /** Signed webhook notified of every switchboard change (none when unset). */
  switchboardWebhookUrl: string | undefined;
  switchboardWebhookSecret: string | undefined;
  /** On-call addresses notified of every switchboard change, besides the admins. */
  switchboardOnCallEmails: string[];
  /** API keys accepted by the OFREP evaluation endpoint (none = endpoint disabled). */
  ofrepApiKeys: string[];
}

const splitList = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

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
  const publicOrigin = (e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  return {
    env: e.BASCULE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    publicOrigin,
    secureCookies: publicOrigin.startsWith("https://"),
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(e.BASCULE_DATA_DIR),
    encryptionKeys: e.BASCULE_ENCRYPTION_KEYS,
    blindIndexKey: e.BASCULE_BLIND_INDEX_KEY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    seedOnEmpty: e.SEED_ON_EMPTY && !isProduction,
    claimsMailboxAddress: e.CLAIMS_MAILBOX_ADDRESS,
    switchboardWebhookUrl: e.SWITCHBOARD_WEBHOOK_URL,
    switchboardWebhookSecret: e.SWITCHBOARD_WEBHOOK_SECRET,
    switchboardOnCallEmails: splitList(e.SWITCHBOARD_ONCALL_EMAILS),
    ofrepApiKeys: splitList(e.OFREP_API_KEYS),
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
