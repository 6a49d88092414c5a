import type { Channel } from "../engine/types";
import { parisDateOf } from "~/platform/time/paris";
import { addDays } from "~/platform/time/civil-date";

/*
 * Service level of claims processing, computed from plain facts (one row per claim) and `now`:
 * the share of claims paid within 48 hours of receipt (the reference insurer's promise: 93 %),
 * median times to decision and to payment, the backlog awaiting staff by reason and by channel,
 * and a weekly series. Pure: no I/O, no clock.
 *
 * Which claims count for the 48-hour share: every claim received in the period except rejected
 * ones and those accepted at 0 € (nothing is owed), once its outcome is known — paid, or still unpaid 48 hours after receipt
 * (a miss). A claim received less than 48 hours ago and not yet paid is still "in time": it is
 * counted apart, neither a hit nor a miss, so that the figure does not swing with the time of day.
 */

const PAID_WITHIN_MS = 48 * 3_600_000;
/** The reference: 93 % of claims paid within 48 hours. */
export const REFERENCE_SHARE = 0.93;

export type ClaimStatusName = "SUBMITTED" | "CHECKED" | "REVIEW" | "VALUATED" | "PAID" | "REJECTED" | "RETURNED";

export type ClaimFact = {
  channel: Channel;
  status: ClaimStatusName;
  receivedAt: Date;
  decidedAt: Date | null;
  paidAt: Date | null;
  /** Review reason codes of the claim (empty when settled automatically). */
  reasonCodes: string[];
  /** Accepted with nothing to pay (guarantee NONE, ceiling exhausted): no transfer will ever follow. */
  nothingToPay?: boolean;
};

export type Within48h = {
  /** Claims whose outcome is known (paid, or unpaid after 48 h). */
  counted: number;
  paidWithin: number;
  /** Received less than 48 h ago, not paid yet. */
  stillInTime: number;
  /** paidWithin / counted, or null when nothing counts yet. */
  share: number | null;
};

export type WeekPoint = {
  /** Monday of the week, Paris civil date `YYYY-MM-DD`. */
  weekStart: string;
  received: number;
  within48h: Within48h;
  medianDecisionMs: number | null;
};

export type ServiceLevelReport = {
  within48h: Within48h;
  medianDecisionMs: number | null;
  medianPaymentMs: number | null;
  received: number;
  decided: number;
  paid: number;
  /** Claims waiting for staff (REVIEW) or for the member (RETURNED). */
  backlog: {
    total: number;
    review: number;
    returned: number;
    /** A claim in review counts once under each of its reasons; returned claims under `RETURNED`. */
    byReason: { code: string; count: number }[];
    byChannel: { channel: Channel; count: number }[];
    oldestReceivedAt: Date | null;
  };
  weeks: WeekPoint[];
};

const CHANNELS: readonly Channel[] = ["ONLINE", "EMAIL", "NOEMIE", "PAPER"];

/** Median of a list of numbers (mean of the two middle values for an even count), null if empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function within48h(facts: readonly ClaimFact[], now: Date): Within48h {
  let counted = 0;
  let paidWithin = 0;
  let stillInTime = 0;
  for (const f of facts) {
    if (f.status === "REJECTED" || f.nothingToPay) continue;
    const received = f.receivedAt.getTime();
    if (f.paidAt) {
      counted++;
      if (f.paidAt.getTime() - received <= PAID_WITHIN_MS) paidWithin++;
    } else if (now.getTime() - received > PAID_WITHIN_MS) {
      counted++;
    } else {
      stillInTime++;
    }
  }
  return {
    counted,
    paidWithin,
    stillInTime,
    share: counted === 0 ? null : paidWithin / counted,
  };
}

/** Monday of the Paris civil week of `at`, as `YYYY-MM-DD`. */
export function parisWeekStart(at: Date): string {
  const civil = new Date(`${parisDateOf(at)}T00:00:00Z`);
  const daysSinceMonday = (civil.getUTCDay() + 6) % 7;
  return new Date(civil.getTime() - daysSinceMonday * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The report over `period` (claims received in the period of interest) and `open` (every claim
 * currently in REVIEW or RETURNED, whenever received: the backlog), with a series of the last
 * `weeks` Paris weeks up to the one containing `now`.
 */
export function computeServiceLevel(
  input: { period: readonly ClaimFact[]; open: readonly ClaimFact[] },
  now: Date,
  options: { weeks?: number } = {},
): ServiceLevelReport {
  const facts = input.period;
  const weekCount = options.weeks ?? 12;
  const decisionTimes: number[] = [];
  const paymentTimes: number[] = [];
  const reasonCounts = new Map<string, number>();
  const channelCounts = new Map<Channel, number>();
  let review = 0;
  let returned = 0;
  let oldest: Date | null = null;

  for (const f of facts) {
    if (f.decidedAt) decisionTimes.push(Math.max(0, f.decidedAt.getTime() - f.receivedAt.getTime()));
    if (f.paidAt) paymentTimes.push(Math.max(0, f.paidAt.getTime() - f.receivedAt.getTime()));
  }
  for (const f of input.open) {
    if (f.status !== "REVIEW" && f.status !== "RETURNED") continue;
    if (f.status === "REVIEW") {
      review++;
      const codes = f.reasonCodes.length > 0 ? new Set(f.reasonCodes) : new Set(["UNSPECIFIED"]);
      for (const code of codes) reasonCounts.set(code, (reasonCounts.get(code) ?? 0) + 1);
    } else {
      returned++;
      reasonCounts.set("RETURNED", (reasonCounts.get("RETURNED") ?? 0) + 1);
    }
    channelCounts.set(f.channel, (channelCounts.get(f.channel) ?? 0) + 1);
    if (!oldest || f.receivedAt < oldest) oldest = f.receivedAt;
  }

  // Paris offsets change on the hour: one Intl call per distinct hour instead of one per claim.
  const weekOfHour = new Map<number, string>();
  const weekOf = (at: Date) => {
    const hour = Math.floor(at.getTime() / 3_600_000);
    let week = weekOfHour.get(hour);
    if (week === undefined) {
      week = parisWeekStart(at);
      weekOfHour.set(hour, week);
    }
    return week;
  };
  const lastWeek = parisWeekStart(now);
  const firstWeek = addDays(lastWeek, -7 * (weekCount - 1));
  const byWeek = new Map<string, ClaimFact[]>();
  for (let i = 0; i < weekCount; i++) byWeek.set(addDays(firstWeek, 7 * i), []);
  for (const f of facts) byWeek.get(weekOf(f.receivedAt))?.push(f);

  return {
    within48h: within48h(facts, now),
    medianDecisionMs: median(decisionTimes),
    medianPaymentMs: median(paymentTimes),
    received: facts.length,
    decided: decisionTimes.length,
    paid: paymentTimes.length,
    backlog: {
      total: review + returned,
      review,
      returned,
      byReason: [...reasonCounts]
        .map(([code, count]) => ({ code, count }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
      byChannel: CHANNELS.map((channel) => ({
        channel,
        count: channelCounts.get(channel) ?? 0,
      })),
      oldestReceivedAt: oldest,
    },
    weeks: [...byWeek].map(([weekStart, inWeek]) => ({
      weekStart,
      received: inWeek.length,
      within48h: within48h(inWeek, now),
      medianDecisionMs: median(inWeek.flatMap((f) => (f.decidedAt ? [Math.max(0, f.decidedAt.getTime() - f.receivedAt.getTime())] : []))),
    })),
  };
}

/** A duration for people: "12 s", "35 min", "5 h 20 min", "3 j 4 h". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} j ${hours % 24} h`;
}

/** "93,4 %" with French typography (no-break space before the sign). */
export function formatShare(share: number | null): string {
  if (share === null) return "—";
  return `${(Math.round(share * 1000) / 10).toLocaleString("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}\u00a0%`;
}
