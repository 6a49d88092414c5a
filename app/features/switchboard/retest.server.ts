import { and, asc, eq, isNotNull } from "drizzle-orm";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { createSession, invalidateSession, sessionCookieName } from "~/platform/auth/session.server";
import type { Db } from "~/platform/db/client.server";
import { sessions, switchboardTesters, users } from "~/platform/db/schema";
import { HONEYPOT_FIELD } from "~/ui/form";
import { CLAIMS_RETEST_PROBES } from "~/features/claims/retest-probes.server";
import { CONTACT_RETEST_PROBES } from "~/features/contact/retest-probes.server";
import { QUOTE_PROBES } from "~/features/quotes/retest-probes.server";
import { SUBSCRIPTION_RETEST_PROBES } from "~/features/subscriptions/retest-probes.server";
import { SERVICE_CATALOGUE } from "./catalogue";
import { SwitchboardError } from "./errors";
import { type ProbeResult, type ReopenRequest, type TestReport, attachTestReport, beginRetest, getReopenRequest } from "./reopen.server";
import { isServiceKey } from "./store.server";
import type { ServiceKey } from "./types";

/*
 * The automated re-test of a service before it reopens: probes that exercise the service end to
 * end through its own routes, over HTTP, signed in as an allow-listed tester — so they go through
 * the switchboard's enforcement exactly as members will (RETESTING lets testers in). A service
 * whose pages do not exist yet has a probe that fails, and says why: it cannot be reopened.
 */

export type ProbeContext = {
  /** Origin of the portal to test, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** `Cookie` header value carrying the tester's session. */
  cookie: string;
  /** Fetch bound to the probe's timeout. */
  fetch: typeof fetch;
};

export type Probe = {
  /** French, shown in the report. */
  name: string;
  run(ctx: ProbeContext): Promise<{ passed: boolean; detail: string }>;
};

export const PROBE_TIMEOUT_MS = 10_000;
/** The tester's session lives at most this long, even if the process dies mid-run. */
const TESTER_SESSION_MS = 5 * 60_000;
/** A member number no member can have (members' start with A): activation must answer neutrally. */
const UNKNOWN_MEMBER_NUMBER = "Z00000000";
const NEUTRAL_ACTIVATION_TEXT = "Si ces informations correspondent à un adhérent";

function request(ctx: ProbeContext, path: string, init: RequestInit = {}): Promise<Response> {
  return ctx.fetch(new URL(path, ctx.baseUrl), {
    ...init,
    redirect: "manual",
    headers: { Accept: "text/html", Cookie: ctx.cookie, ...(init.headers as Record<string, string> | undefined) },
  });
}

/** Why a response is not the expected 200, in French. */
function unexpected(method: string, path: string, response: Response): string {
  const base = `${method} ${path} a répondu ${response.status} (attendu : 200)`;
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("location") ?? "";
    return location.startsWith("/connexion")
      ? `${base} : redirection vers la connexion, la session du compte de test n’est pas acceptée.`
      : `${base} : redirection vers ${location || "une autre page"}.`;
  }
  if (response.status === 503) return `${base} : le service est fermé pour le compte de test (volet de fermeture).`;
  if (response.status === 429) return `${base} : limite de fréquence atteinte, réessayez plus tard.`;
  return `${base}.`;
}

/** GET `path` must answer 200 and, when given, contain `mustContain`. */
function pageProbe(name: string, path: string, mustContain?: { text: string; what: string }): Probe {
  return {
    name,
    async run(ctx) {
      const response = await request(ctx, path);
      const body = await response.text();
      if (response.status !== 200) return { passed: false, detail: unexpected("GET", path, response) };
      if (mustContain && !body.includes(mustContain.text)) {
        return { passed: false, detail: `GET ${path} a répondu 200 mais la page ne contient pas ${mustContain.what}.` };
      }
      return { passed: true, detail: `GET ${path} : 200${mustContain ? `, ${mustContain.what} présent(e)` : ""}.` };
    },
  };
}

/** The first plain path a service owns: its entry page. */
function entryPathOf(key: ServiceKey): string {
  const route = SERVICE_CATALOGUE[key].routes.find((r) => !r.path.includes("*") && !r.path.includes(":") && (!r.methods || r.methods.includes("GET")));
  if (!route) throw new Error(`switchboard: service ${key} has no plain entry path to probe`);
  return route.path;
}

/** For services whose pages are still to be built: their entry page must answer 200. */
function entryProbe(key: ServiceKey): Probe {
  const path = entryPathOf(key);
  const page = pageProbe(`Page d’entrée du service (${path})`, path);
  return {
    name: page.name,
    async run(ctx) {
      const result = await page.run(ctx);
      if (result.passed) return result;
      return {
        passed: false,
        detail: `${result.detail} Les pages de ce service n’existent pas encore dans le portail : il ne peut pas être re-testé, donc pas rouvert en ligne.`,
      };
    },
  };
}

const activationRequestProbe: Probe = {
  name: "Demande d’activation pour un numéro d’adhérent inconnu (réponse neutre, aucun envoi)",
  async run(ctx) {
    const body = new URLSearchParams({ memberNumber: UNKNOWN_MEMBER_NUMBER, birthDate: "1970-01-01", [HONEYPOT_FIELD]: "" });
    const response = await request(ctx, "/activation", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(ctx.baseUrl).origin },
      body: body.toString(),
    });
    const html = await response.text();
    if (response.status !== 200) return { passed: false, detail: unexpected("POST", "/activation", response) };
    if (!html.includes(NEUTRAL_ACTIVATION_TEXT)) {
      return { passed: false, detail: "POST /activation a répondu 200 sans le message de confirmation neutre." };
    }
    return { passed: true, detail: "POST /activation : 200 et message de confirmation neutre (aucun courriel pour un adhérent inconnu)." };
  },
};

export const RETEST_PROBES: Readonly<Record<ServiceKey, readonly Probe[]>> = {
  "devis-en-ligne": QUOTE_PROBES,
  "adhesion-en-ligne": SUBSCRIPTION_RETEST_PROBES,
  "espace-adherent": [
    pageProbe("Tableau de bord de l’espace adhérent", "/espace", { text: "Bonjour", what: "le message d’accueil « Bonjour »" }),
    pageProbe("Page « Sécurité du compte »", "/espace/securite"),
  ],
  "remboursements-en-ligne": CLAIMS_RETEST_PROBES,
  "coordonnees-bancaires": [entryProbe("coordonnees-bancaires")],
  documents: [entryProbe("documents")],
  "formulaire-contact": CONTACT_RETEST_PROBES,
  "activation-compte": [
    pageProbe("Formulaire d’activation", "/activation", { text: 'name="memberNumber"', what: "le champ « Numéro d’adhérent »" }),
    activationRequestProbe,
  ],
};

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
    .select({ id: users.id, email: users.email })
    .from(switchboardTesters)
    .innerJoin(users, eq(users.id, switchboardTesters.userId))
    .where(and(eq(users.role, "MEMBER"), eq(users.status, "ACTIVE"), isNotNull(users.personId)))
    .orderBy(asc(switchboardTesters.addedAt), asc(users.email))
    .limit(1);
  if (!tester) {
    throw new SwitchboardError(
      "no-tester",
      "Aucun compte de test n’est disponible : ajoutez à la liste des testeurs un compte adhérent actif rattaché à un dossier.",
    );
  }
  return tester;
}

export type RunRetestInput = {
  requestId: string;
  /** Origin of the portal the probes call (this instance, e.g. http://127.0.0.1:3000). */
  baseUrl: string;
  actor: Actor;
  ipHash?: string | null;
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
    report = await runProbes(RETEST_PROBES[key], {
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

