import pino from "pino";
import { SENSITIVE_KEYS, scrubText } from "./redact";

const redactPaths = SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]);

/**
 * The process logger: JSON lines on stdout. Sensitive keys are censored and free text is
 * scrubbed of anything that looks like a NIR, an IBAN or a token.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  base: { service: "bascule" },
  redact: { paths: redactPaths, censor: "[REDACTED]" },
  formatters: {
    log(object) {
      const msg = (object as { err?: { message?: unknown } }).err?.message;
      if (typeof msg === "string") (object as { err: { message: string } }).err.message = scrubText(msg);
      return object;
    },
  },
  hooks: {
    logMethod(args, method) {
      const scrubbed = args.map((a) => (typeof a === "string" ? scrubText(a) : a)) as typeof args;
      method.apply(this, scrubbed);
    },
  },
});
