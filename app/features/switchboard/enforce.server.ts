import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import { isStaff } from "~/platform/auth/permissions";
import { validateSessionToken } from "~/platform/auth/session.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { classifyRequest } from "~/platform/http/request-kind";
import { logger } from "~/platform/observability/logger.server";
import { SERVICE_CATALOGUE } from "./catalogue";
import {
  ANONYMOUS,
  dependsOnAudience,
  prepareRefusal,
  readCookie,
  type Refusal,
  ROLLOUT_COOKIE,
  serializeRolloutCookie,
  validRolloutId,
  withRetryAfter,
} from "./enforcement";
import { decide } from "./evaluate";
import { type ShutterContent, shutterContent } from "./shutter";
import { isTester } from "./store.server";
import type { Audience, Decision, ServiceKey, ServiceState, ServiceStatus, SwitchboardSnapshot } from "./types";

/*
 * Enforcement of the switchboard on every request (ADR 005), mounted before React Router: a
 * request to a path owned by a service that is not open for its sender gets the shutter. The
 * decision is synchronous on the in-memory snapshot; the database is read only for a service
 * being re-tested or reopening when the request carries a session cookie.
 */

export type EnforcementOptions = {
  serviceFor(method: string, pathname: string): ServiceKey | null;
  snapshot(): SwitchboardSnapshot;
  /** The signed-in person behind a session token, as an audience; null when the token is not valid. */
  identify(token: string): Promise<Audience | null>;
  sessionCookieName: string;
  claimsMailbox: string;
  /** The site's stylesheet, linked from the shutter page (null: none). */
  stylesheetHref: string | null;
  secureCookies: boolean;
  /** Called for each refused request (metrics). */
  onRefusal?(key: ServiceKey, state: ServiceState): void;
  now?: () => number;
};

type Prepared = { content: ShutterContent; refusal: Refusal; body: Buffer | null };

export function createSwitchboardEnforcement(options: EnforcementOptions): RequestHandler {
  const now = options.now ?? Date.now;
  // Refusals of pages and APIs depend only on the service's status object (replaced when the
  // snapshot changes), the decision and the kind of request: each is built once, then reused.
  const prepared = new WeakMap<ServiceStatus, Map<string, Prepared>>();

  function prepare(status: ServiceStatus, decision: Extract<Decision, { open: false }>, input: Omit<Parameters<typeof prepareRefusal>[0], "content">): Prepared {
    const build = (): Prepared => {
      const content = shutterContent({ definition: SERVICE_CATALOGUE[decision.key], status, decision, claimsMailbox: options.claimsMailbox });
      const refusal = prepareRefusal({ ...input, content });
      return { content, refusal, body: refusal.body === null ? null : Buffer.from(refusal.body, "utf8") };
    };
    // Single-fetch refusals name the request's own URL: not reusable.
    if (input.kind === "data") return build();
    const memoKey = `${input.kind}|${input.hasSession}|${decision.state}|${decision.stale}|${decision.fallback}`;
    let byKey = prepared.get(status);
    if (!byKey) prepared.set(status, (byKey = new Map()));
    let entry = byKey.get(memoKey);
    if (!entry) byKey.set(memoKey, (entry = build()));
    return entry;
  }

  return async (req, res, next) => {
    // The matcher reads single-fetch paths (`/devis.data`) as the page they load.
    const key = options.serviceFor(req.method, req.path);
    if (key === null) return next();

    const snapshot = options.snapshot();
    const status = snapshot.services[key];
    const cookies = req.headers.cookie;
    const sessionToken = readCookie(cookies, options.sessionCookieName);
    let audience = ANONYMOUS;
    if (dependsOnAudience(status.state)) {
      const signedIn = sessionToken ? await options.identify(sessionToken) : null;
      if (signedIn) {
        audience = signedIn;
      } else {
        let rolloutId = validRolloutId(readCookie(cookies, ROLLOUT_COOKIE));
        if (!rolloutId && status.state === "REOPENING") {
          rolloutId = randomBytes(16).toString("base64url");
          res.append("Set-Cookie", serializeRolloutCookie(rolloutId, options.secureCookies));
        }
        audience = { subjectId: rolloutId, isTester: false };
      }
    }

    const nowMs = now();
    const decision = decide(snapshot, key, audience, nowMs);
    if (decision.open) return next();

    options.onRefusal?.(key, decision.state);
    res.locals.switchboardRefusal = key;
    const queryAt = req.originalUrl.indexOf("?");
    const { content, refusal, body } = prepare(status, decision, {
      kind: classifyRequest({
        path: req.path,
        accept: req.headers.accept,
        secFetchMode: req.header("sec-fetch-mode"),
        secFetchDest: req.header("sec-fetch-dest"),
      }),
      path: req.path,
      search: queryAt === -1 ? "" : req.originalUrl.slice(queryAt),
      hasSession: sessionToken !== null,
      stylesheetHref: options.stylesheetHref,
    });
    const { status: code, headers } = withRetryAfter(refusal, content.expectedReturnAt, nowMs);
    res.status(code).set(headers);
    if (body === null) {
      res.end();
    } else {
      res.setHeader("Content-Length", body.length);
      res.end(body);
    }
  };
}

const TESTER_CACHE_MS = 5_000;
const TESTER_CACHE_MAX = 10_000;

/**
 * `identify` backed by the sessions table: a fully signed-in user (TOTP step included), who is a
 * tester when staff or allow-listed. The allow-list answer is kept a few seconds per user so that
 * a tester's page and its assets' data requests cost one query. A failing database makes the
 * person anonymous: the service stays closed to them, never open.
 */
export function identifyFromSessions(db: () => DbOrTx, clock: () => number = Date.now): (token: string) => Promise<Audience | null> {
  const testers = new Map<string, { value: boolean; at: number }>();
  async function cachedIsTester(userId: string): Promise<boolean> {
    const cached = testers.get(userId);
    if (cached && clock() - cached.at < TESTER_CACHE_MS) return cached.value;
    const value = await isTester(db(), userId);
    if (testers.size >= TESTER_CACHE_MAX) testers.clear();
    testers.set(userId, { value, at: clock() });
    return value;
  }
  return async (token) => {
    try {
      const found = await validateSessionToken(token);
      if (!found?.session.mfaVerified) return null;
      const tester = isStaff(found.user.role) || (await cachedIsTester(found.user.id));
      return { subjectId: found.user.id, isTester: tester };
    } catch (err) {
      logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "switchboard: session check failed, treating the request as anonymous");
      return null;
    }
  };
}
