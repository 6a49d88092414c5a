import { type AuditEntry, appendAudit } from "~/platform/audit/audit.server";
import type { DbOrTx } from "~/platform/db/client.server";

/** An audit entry about a person's own account, written by that person (sign-in, password, MFA…). */
export function auditOwnAccount(
  tx: DbOrTx,
  user: { id: string; email: string },
  action: string,
  outcome: AuditEntry["outcome"],
  ipHash: string | null,
  now: Date,
  details?: AuditEntry["details"],
): Promise<void> {
  return appendAudit(
    tx,
    { actor: { userId: user.id, label: user.email }, action, outcome, targetType: "user", targetId: user.id, ipHash, ...(details ? { details } : {}) },
    now,
  );
}
