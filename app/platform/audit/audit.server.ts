import type { DbOrTx } from "../db/client.server";
import { auditLog } from "../db/schema";

export type Actor = { userId: string | null; label: string };

export const SYSTEM_ACTOR: Actor = { userId: null, label: "system" };

export type AuditEntry = {
  actor: Actor;
  /** Dotted verb, e.g. `auth.login.succeeded`, `admin.mail.retried`. */
  action: string;
  outcome: "success" | "failure" | "denied";
  targetType?: string;
  targetId?: string;
  /** Pseudonymised client IP (see platform/crypto), never the clear address. */
  ipHash?: string | null;
  /** Never a secret nor a clear sensitive identifier. */
  details?: Record<string, unknown>;
};

/**
 * Records one entry. Call it inside the transaction of the action it records: if this write
 * fails, the action fails with it, and if the action rolls back, so does its entry. The entry is
 * written unsealed (no seq, no hash): the sealer chains it after commit (seal.server.ts, ADR 014),
 * so an audited transaction pays one INSERT and never waits for another one's commit.
 */
export async function appendAudit(outer: DbOrTx, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  await outer.insert(auditLog).values({
    // The hash covers the timestamp at millisecond precision, all a JavaScript Date carries.
    at: new Date(Math.floor(now.getTime())),
    actorUserId: entry.actor.userId,
    actorLabel: entry.actor.label,
    action: entry.action,
    outcome: entry.outcome,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ipHash: entry.ipHash ?? null,
    // Stored exactly as JSON would carry it (dates as strings, no undefined).
    details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
  });
  hintSeal();
}

// ---------------------------------------------------------------------------------------------
// "Seal soon" hint

/** Long enough to gather the entries of a burst into one sealing transaction, short enough to go unnoticed. */
const SEAL_HINT_DELAY_MS = 30;

let sealListener: (() => void) | undefined;
let sealTimer: NodeJS.Timeout | undefined;

/**
 * Registers the process's sealer (one at most; `undefined` removes it). It is called about
 * SEAL_HINT_DELAY_MS after an append, at most once per such window however many appends arrive:
 * the appending transaction may not have committed yet, the sealer's periodic run catches it then.
 */
export function setAuditSealHint(listener: (() => void) | undefined): void {
  sealListener = listener;
  if (!listener) {
    clearTimeout(sealTimer);
    sealTimer = undefined;
  }
}

function hintSeal(): void {
  if (!sealListener || sealTimer) return;
  sealTimer = setTimeout(() => {
    sealTimer = undefined;
    sealListener?.();
  }, SEAL_HINT_DELAY_MS);
  sealTimer.unref();
}
