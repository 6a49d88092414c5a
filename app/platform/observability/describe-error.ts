import { scrubText } from "./redact";

/*
 * What may be logged of an error. Query errors carry their parameters — e-mail addresses, member
 * numbers, encrypted values — in their message (Drizzle: "Failed query: <sql>\nparams: <values>"),
 * in their stack (which starts with the message) and in the database's `detail` ("Key (email)=(…)
 * already exists"). Only the name, the code, the message without its parameters and the stack
 * frames are kept, for the error and its causes; every message is scrubbed as well.
 */

export type LoggedError = { name: string; code?: string; message: string; frames?: string[]; cause?: LoggedError };

const MAX_FRAMES = 12;
const MAX_MESSAGE = 1000;

/** The message without a query's parameters (Drizzle's "params:" part, whatever follows it). */
function withoutParameters(message: string): string {
  const at = message.search(/\n\s*params:/);
  return at === -1 ? message : `${message.slice(0, at)} [parameters not logged]`;
}

export function describeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) {
    return { name: typeof error, message: scrubText(withoutParameters(String(error))).slice(0, MAX_MESSAGE) };
  }
  const described: LoggedError = {
    name: error.name,
    message: scrubText(withoutParameters(error.message)).slice(0, MAX_MESSAGE),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") described.code = String(code);
  const frames = error.stack
    ?.split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim());
  if (frames && frames.length > 0) described.frames = frames;
  if (error.cause !== undefined && depth < 3) described.cause = describeError(error.cause, depth + 1);
  return described;
}
