/*
 * The one error type of the switchboard's use-cases: a refusal the caller can show as is. `code`
 * is stable (the web and CLI layers branch on it); `message` is French and fit for an admin.
 */

export type SwitchboardErrorCode =
  /** A field is missing, too short, too long or out of range. */
  | "validation"
  | "unknown-service"
  | "unknown-profile"
  /** The state machine refuses the change (e.g. FALLBACK for a service without a fallback). */
  | "illegal-transition"
  | "not-found"
  /** The actor is not an active administrator. */
  | "not-admin"
  /** The approver (or the rejecter) is the requester. */
  | "four-eyes"
  | "tests-missing"
  | "tests-failed"
  | "checklist-incomplete"
  | "already-signed"
  /** The reopen request is not in a status that allows this step. */
  | "not-pending"
  | "not-cancellable"
  /** The service is not in the state this step needs. */
  | "wrong-state"
  /** A service this one depends on is closed: reopening it would be of no use. */
  | "dependency-closed"
  /** A pending or approved reopen request already exists for the service. */
  | "live-request-exists"
  /** No allow-listed member account to run the re-test as. */
  | "no-tester";

export class SwitchboardError extends Error {
  override readonly name = "SwitchboardError";

  constructor(
    readonly code: SwitchboardErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isSwitchboardError(err: unknown): err is SwitchboardError {
  return err instanceof SwitchboardError;
}
