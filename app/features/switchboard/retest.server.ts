import { and, asc, eq, isNotNull } from "drizzle-orm";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { createSession, invalidateSession, sessionCookieName } from "~/platform/auth/session.server";
import type { Db } from "~/platform/db/client.server";
import { sessions, switchboardTesters, users } from "~/platform/db/schema";
import { SwitchboardError } from "./errors";
import type { Probe, ProbeContext, ProbeRegistry } from "./probes";
import { attachTestReport } from "./reopen/record-evidence.server";
import { getReopenRequest } from "./reopen/reopen-requests.server";
import type { ProbeResult, ReopenRequest, TestReport } from "./reopen/reopen-rules";
import { beginRetest } from "./reopen/request-reopen.server";
import { isServiceKey } from "./store.server";
import { openUserEmail } from "~/platform/crypto/personal-data.server";

/*
 * The automated re-test of a service before it reopens: probes that exercise the service end to
 * end through its own routes, over HTTP, signed in as an allow-listed tester — so they go through
 * the switchboard's enforcement exactly as members will (RETESTING lets testers in). A service
 * whose pages do not exist yet has a probe that fails, and says why: it cannot be reopened. The
 * probes themselves come from the registry the composition root passes in (app/retest-probes.server.ts).
 */

export const PROBE_TIMEOUT_MS = 10_000;
/** The tester's session lives at most this long, even if the process dies mid-run. */
const TESTER_SESSION_MS = 5 * 60_000;


/** Runs probes one after the other, each within `timeoutMs`, and builds the report. */
export async function runProbes(
  probes: readonly Probe[],
  options: { baseUrl: string; cookie: string; fetchImpl?: typeof fetch; timeoutMs?: number; now?: () => Date },
): Promise<TestReport> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const ranAt = (options.now ?? (() => new Date()))();
  const started = performance.now();
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error("probe timeout"));
      }, timeoutMs);
    });
    const ctx: ProbeContext = {
      baseUrl: options.baseUrl,
      cookie: options.cookie,
      fetch: (input, init) => fetchImpl(input, { ...init, signal: controller.signal }),
    };
    try {
      const outcome = await Promise.race([probe.run(ctx), timeout]);
      results.push({ name: probe.name, passed: outcome.passed, detail: outcome.detail });
    } catch (err) {
      const detail = controller.signal.aborted
        ? `Pas de réponse en ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}.`
        : `Erreur pendant la sonde : ${err instanceof Error ? err.message : String(err)}`;
      results.push({ name: probe.name, passed: false, detail });
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    passed: results.length > 0 && results.every((r) => r.passed),
    ranAt: ranAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    probes: results,
  };
}

/** The account the probes sign in as: the first allow-listed active member with a person record. */
async function findTester(db: Db): Promise<{ id: string; email: string }> {
  const [tester] = await db
    .select({ id: users.id, emailEnc: users.emailEnc })
    .from(switchboardTesters)
    .innerJoin(users, eq(users.id, switchboardTesters.userId))
    .where(and(eq(users.role, "MEMBER"), eq(users.status, "ACTIVE"), isNotNull(users.personId)))
    .orderBy(asc(switchboardTesters.addedAt), asc(users.id))
    .limit(1);
  if (!tester) {
    throw new SwitchboardError(
      "no-tester",
      "Aucun compte de test n’est disponible : ajoutez à la liste des testeurs un compte adhérent actif rattaché à un dossier.",
    );
  }
  return { id: tester.id, email: openUserEmail(tester.emailEnc) };
}

export type RunRetestInput = {
  requestId: string;
  /** Origin of the portal the probes call (this instance, e.g. http://127.0.0.1:3000). */
  baseUrl: string;
  actor: Actor;
  ipHash?: string | null;
  /** The probes of every service (RETEST_PROBES of app/retest-probes.server.ts). */
  probes: ProbeRegistry;
  fetchImpl?: typeof fetch;
  /**
   * Called with the switchboard version when the service had to be put in RETESTING first, before
   * any probe runs: wait there until the instances enforce it (e.g. waitForPropagation).
   */
  awaitVersion?: (version: number) => Promise<void>;
  now?: () => Date;
};

/**
 * Runs the re-test of a pending reopen request's service as the allow-listed tester, through a
 * short-lived session deleted afterwards, and attaches the report to the request. Audited as
 * `switchboard.retest.ran`.
 */
export async function runRetest(db: Db, input: RunRetestInput): Promise<ReopenRequest> {
  const now = input.now ?? (() => new Date());
  const pending = await getReopenRequest(db, input.requestId);
  if (!pending) throw new SwitchboardError("not-found", "Cette demande de réouverture n’existe pas.");
  if (!isServiceKey(pending.serviceKey)) throw new SwitchboardError("unknown-service", `Service inconnu : « ${pending.serviceKey} ».`);
  const key = pending.serviceKey;
  const { version } = await beginRetest(db, { requestId: pending.id, actor: input.actor, ipHash: input.ipHash ?? null, now: now() });
  if (version !== null) await input.awaitVersion?.(version);

  const tester = await findTester(db);
  const startedAt = now();
  const { token, session } = await createSession(db, { userId: tester.id, role: "MEMBER", mfaVerified: true, ipHash: null, userAgent: "Bascule re-test" }, startedAt);
  let report: TestReport;
  try {
    await db.update(sessions).set({ expiresAt: new Date(startedAt.getTime() + TESTER_SESSION_MS) }).where(eq(sessions.id, session.id));
    report = await runProbes(input.probes[key], {
      baseUrl: input.baseUrl,
      cookie: `${sessionCookieName()}=${token}`,
      now: () => startedAt,
      ...(input.fetchImpl ? { fetchImpl: input.fetchImpl } : {}),
    });
  } finally {
    await invalidateSession(db, session.id);
  }
  await appendAudit(
    db,
    {
      actor: input.actor,
      action: "switchboard.retest.ran",
      outcome: report.passed ? "success" : "failure",
      targetType: "reopen-request",
      targetId: pending.id,
      ipHash: input.ipHash ?? null,
      details: {
        serviceKey: key,
        tester: tester.email,
        passed: report.passed,
        durationMs: report.durationMs,
        probes: report.probes.map(({ name, passed }) => ({ name, passed })),
      },
    },
    now(),
  );
  return attachTestReport(db, { requestId: pending.id, report, actor: input.actor, ipHash: input.ipHash ?? null, now: now() });
}

