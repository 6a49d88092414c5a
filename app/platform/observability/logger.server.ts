import pino from "pino";
import { formatLogLine } from "./pretty-log";
import { SENSITIVE_KEYS, scrubText } from "./redact";

const redactPaths = SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]);

/**
 * JSON lines wherever logs are collected; readable lines on a developer's terminal. LOG_FORMAT
 * (`json` or `pretty`) overrides the choice.
 */
function prettyOnTerminal(): pino.DestinationStream | undefined {
  const format = process.env.LOG_FORMAT;
  const pretty = format === "pretty" || (format !== "json" && process.stdout.isTTY === true && process.env.BASCULE_ENV !== "production");
  if (!pretty) return undefined;
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  return { write: (line: string) => void process.stdout.write(`${formatLogLine(line.trimEnd(), { color })}\n`) };
}

/**
 * The process logger: JSON lines on stdout (see prettyOnTerminal). Sensitive keys are censored
 * and free text is scrubbed of anything that looks like a NIR, an IBAN or a token, before any
 * formatting.
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
}, prettyOnTerminal());
