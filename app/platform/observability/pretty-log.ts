/*
 * Human-readable log lines for a terminal. pino still writes the same JSON line (redacted and
 * scrubbed as always); this only reshapes it into `12:04:31 INFO  message key=value …`.
 * JSON stays the format wherever logs are collected: when stdout is not a terminal, and in
 * production (see logger.server.ts).
 */

type Level = { label: string; color: string };

const LEVELS: Record<number, Level> = {
  10: { label: "TRACE", color: "\x1b[90m" },
  20: { label: "DEBUG", color: "\x1b[90m" },
  30: { label: "INFO", color: "\x1b[36m" },
  40: { label: "WARN", color: "\x1b[33m" },
  50: { label: "ERROR", color: "\x1b[31m" },
  60: { label: "FATAL", color: "\x1b[1;31m" },
};
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";

/** Keys shown in the line's fixed parts, or that say nothing on a developer's terminal. */
const SHOWN_APART = new Set(["level", "time", "msg", "service", "component", "err", "pid", "hostname"]);

// C0 and C1 control characters (escape sequences included) and bidirectional overrides: logged
// text may come from a request, and must not be able to drive the terminal or reorder the line.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const escapeUnsafe = (text: string) => text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? escapeUnsafe(value) : escapeUnsafe(JSON.stringify(value));
  return escapeUnsafe(JSON.stringify(value) ?? String(value));
}

const clocks = new Map<string | undefined, Intl.DateTimeFormat>();
function clock(timeZone: string | undefined): Intl.DateTimeFormat {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone });
    clocks.set(timeZone, format);
  }
  return format;
}

export type PrettyOptions = {
  color: boolean;
  /** IANA time zone of the printed time; the machine's own when omitted. */
  timeZone?: string;
};

/** One pino JSON line as a terminal line (several when it carries an error's stack). */
export function formatLogLine(line: string, options: PrettyOptions): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return escapeUnsafe(line);
  }
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return escapeUnsafe(line);
  const record = entry as Record<string, unknown>;
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);

  const level = LEVELS[Number(record.level)] ?? { label: String(record.level ?? "?").toUpperCase(), color: "" };
  const time = typeof record.time === "number" ? clock(options.timeZone).format(record.time) : "--:--:--";
  const component = typeof record.component === "string" ? `${paint(DIM, `[${escapeUnsafe(record.component)}]`)} ` : "";
  const message = typeof record.msg === "string" ? escapeUnsafe(record.msg) : "";
  const fields = Object.entries(record)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${escapeUnsafe(key)}=${formatValue(value)}`)
    .join(" ");

  let out = `${paint(DIM, time)} ${paint(level.color, level.label.padEnd(5))} ${component}${message}`;
  if (fields) out += ` ${paint(DIM, fields)}`;
  const err = record.err as { message?: unknown; stack?: unknown } | undefined;
  if (err && typeof err === "object") {
    // The message as the logger scrubbed it, then only the stack's frames: a stack's first line
    // repeats the message before scrubbing.
    const frames = typeof err.stack === "string" ? err.stack.split("\n").filter((l) => /^\s+at /.test(l)) : [];
    const lines = [typeof err.message === "string" ? err.message : JSON.stringify(err), ...frames.map((l) => l.trim())];
    out += lines.map((l) => `\n    ${escapeUnsafe(l)}`).join("");
  }
  return out;
}
