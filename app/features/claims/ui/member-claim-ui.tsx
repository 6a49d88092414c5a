import { CLAIM_STATUS_LABELS, type ClaimStatus } from "../member/claim-mail";
import { formatParisDateTimeShort } from "~/platform/time/paris";

/* Small pieces shared by the member's claim pages. */

/** Statuses whose amounts are final: before that, Bascule's share is not shown as decided. */
export const DECIDED_STATUSES: readonly ClaimStatus[] = ["VALUATED", "PAID", "REJECTED"];

const STATUS_TONES: Record<ClaimStatus, string> = {
  SUBMITTED: "bg-slate-100",
  CHECKED: "bg-slate-100",
  REVIEW: "bg-warning-bg",
  RETURNED: "bg-warning-bg",
  VALUATED: "bg-success-bg",
  PAID: "bg-success-bg",
  REJECTED: "bg-danger-bg",
};

export function StatusBadge({ status }: { status: ClaimStatus }) {
  return (
    <span className={`inline-block rounded-full border border-slate-300 px-3 py-0.5 text-sm font-semibold text-ink ${STATUS_TONES[status]}`}>
      {CLAIM_STATUS_LABELS[status]}
    </span>
  );
}

export function Timeline({ events, label }: { events: readonly { at: Date; status: ClaimStatus; note: string | null }[]; label: string }) {
  return (
    <ol aria-label={label} className="mt-2 space-y-1 border-l-2 border-brand-600 pl-4 text-sm">
      {events.map((e, i) => (
        <li key={i}>
          <span className="font-medium">{CLAIM_STATUS_LABELS[e.status]}</span> — <time dateTime={e.at.toISOString()}>{formatParisDateTimeShort(e.at)}</time>
          {e.note ? <span className="text-muted"> · {e.note}</span> : null}
        </li>
      ))}
    </ol>
  );
}
