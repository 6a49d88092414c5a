import { type AuditEntry, appendAudit } from "~/platform/audit/audit.server";
import type { DbOrTx } from "~/platform/db/client.server";

/**
 * An audit entry about a person's own account, written by that person (sign-in, password, MFA…).
 * The person is the account's id (actor and target), never its e-mail address (ADR 019).
 */
/** Label of the actor of these entries: the holder of the account the entry targets. */
export const OWN_ACCOUNT_LABEL = "titulaire du compte";

export function auditOwnAccount(
  tx: DbOrTx,
  user: { id: string },
  action: string,
  outcome: AuditEntry["outcome"],
  ipHash: string | null,
  now: Date,
  details?: AuditEntry["details"],
): Promise<void> {
  return appendAudit(
    tx,
    { actor: { userId: user.id, label: OWN_ACCOUNT_LABEL }, action, outcome, targetType: "user", targetId: user.id, ipHash, ...(details ? { details } : {}) },
    now,
  );
}
