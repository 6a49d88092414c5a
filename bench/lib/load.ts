import autocannon from "autocannon";

/** One kind of request fired by autocannon, and what counts as a successful answer. */
export type LoadTarget = {
  url: string;
  connections: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  isSuccess: (status: number) => boolean;
};

export type Timing = { warmupSeconds: number; durationSeconds: number };

/** Durations from the command line: 3 s warm-up + 10 s by default, `--quick` 1 s + 3 s, `--duration N` measured seconds. */
export function timingFromFlags(flags: { quick?: boolean; duration?: string }): Timing {
  const timing: Timing = flags.quick ? { warmupSeconds: 1, durationSeconds: 3 } : { warmupSeconds: 3, durationSeconds: 10 };
  if (flags.duration !== undefined) {
    const seconds = Number(flags.duration);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) throw new Error(`--duration must be a whole number of seconds (1-600), got "${flags.duration}"`);
    timing.durationSeconds = seconds;
  }
  return timing;
}

export type RunResult = {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors, timeouts and answers whose status does not count as a success. */
  errors: number;
  /** Requests without an answer within autocannon's 10 s timeout (included in `errors`). */
  timeouts: number;
  statusCodes: Record<string, number>;
};

function fire(target: LoadTarget, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: target.url,
    connections: target.connections,
    duration: seconds,
    method: target.method ?? "GET",
    headers: target.headers,
    body: target.body,
  });
}

/** A warm-up that is thrown away (JIT, pools, caches), then the measured run. */
export async function measure(target: LoadTarget, timing: Timing): Promise<RunResult> {
  await fire(target, timing.warmupSeconds);
  const result = await fire(target, timing.durationSeconds);
  const statusCodes: Record<string, number> = {};
  let failedAnswers = 0;
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    const count = stat.count ?? 0;
    statusCodes[code] = count;
    if (!target.isSuccess(Number(code))) failedAnswers += count;
  }
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + failedAnswers,
    timeouts: result.timeouts,
    statusCodes,
  };
}
