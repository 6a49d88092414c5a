import { randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { OpenFeature } from "@openfeature/server-sdk";
import { createRequestHandler } from "@react-router/express";
import express from "express";
import type { ServerBuild } from "react-router";
import type { ViteDevServer } from "vite";
import { isDatabaseEmpty, seedDemoData } from "~/features/demo/seed.server";
import { demoStartupBanner } from "~/features/demo/startup-banner";
import { ensureReferenceData } from "~/features/members/reference-data.server";
import { createSwitchboardEnforcement, identifyFromSessions } from "~/features/switchboard/enforce.server";
import { registerSwitchboardMetrics, shutterResponses } from "~/features/switchboard/metrics.server";
import { SwitchboardProvider } from "~/features/switchboard/openfeature.server";
import { setSwitchboardAgent, startSwitchboardAgent } from "~/features/switchboard/propagation.server";
import { expireDrafts } from "~/features/subscriptions/subscription-draft.server";
import { purgeExpiredQuotes } from "~/features/quotes/purge-quotes.server";
import { startSwitchboardScheduler } from "~/features/switchboard/reopen/schedule-reopens.server";
import { createServiceMatcher } from "~/features/switchboard/route-ownership";
import { CLAIM_TOO_LARGE_MESSAGE, MAX_CLAIM_BODY_BYTES } from "~/features/claims/index.server";
import { config } from "~/platform/config/env.server";
import { database, db } from "~/platform/db/client.server";
import { afterMigrate } from "~/after-migrate.server";
import { publicPageCache } from "./public-page-cache";
import { applyMigrations } from "~/platform/db/migrate.server";
import { openConfiguredDatabase } from "~/platform/db/open-configured.server";
import { sessionCookieName } from "~/platform/auth/session.server";
import type { DatabaseAvailability } from "~/platform/db/availability";
import { type BodyLimits, DEFAULT_BODY_LIMIT_BYTES, bodyLimit } from "~/platform/http/body-limit.server";
import { databaseUnavailableAnswer, DATABASE_RETRY_AFTER_SECONDS, type UnavailableAnswer } from "~/platform/http/database-unavailable";
import { classifyRequest } from "~/platform/http/request-kind";
import { isCrossSiteRequest } from "~/platform/http/csrf";
import { createRoutePatternMatcher } from "~/platform/http/route-pattern";
import { securityHeaders } from "~/platform/http/security-headers";
import { startWebhookDispatcher } from "~/platform/http/webhooks.server";
import { startMailDispatcher } from "~/platform/mail/dispatcher.server";
import { claimsMailboxOpener } from "~/platform/mail/imap.server";
import { startClaimsMailboxPoller } from "~/features/claims/email/email-intake.server";
import { createTransportFromConfig } from "~/platform/mail/transports.server";
import { logger } from "~/platform/observability/logger.server";
import { describeError } from "~/platform/observability/describe-error";
import { scrubText } from "~/platform/observability/redact";
import { httpDuration } from "~/platform/observability/metrics.server";
import { startPeriodicWorker } from "~/platform/jobs/periodic-worker.server";
import { registerOutboxMetrics } from "~/platform/mail/outbox-metrics.server";
import { registerAuditMetrics } from "~/platform/audit/audit-metrics.server";
import { startAuditSealer } from "~/platform/audit/seal.server";
import { INSURER } from "~/ui/insurer";

/*
 * The Bascule HTTP server: security headers, same-origin check for state-changing requests,
 * metrics and request logs around the React Router request handler. `server.js` at the project
 * root loads this module (built into build/server/index.js, or through Vite in development).
 */

type Loader = () => Promise<ServerBuild>;

/**
 * The most any request body may weigh, by path (ADR 018): forms 64 KB, except the routes listed
 * here. Routes read their bodies with their own limit as well, possibly lower.
 */
export const BODY_LIMITS: BodyLimits = {
  defaultMaxBytes: DEFAULT_BODY_LIMIT_BYTES,
  paths: {
    // Online claim filing: two documents of 10 MB, the page's plain form and the upload endpoint.
    "/espace/remboursements/nouveau": MAX_CLAIM_BODY_BYTES,
    "/espace/remboursements/nouveau/envoi": MAX_CLAIM_BODY_BYTES,
  },
  refusals: {
    // The upload endpoint's script reads a rejection as JSON and shows its message.
    "/espace/remboursements/nouveau/envoi": { json: { kind: "rejected", message: CLAIM_TOO_LARGE_MESSAGE }, text: CLAIM_TOO_LARGE_MESSAGE },
  },
};

type AppOptions = {
  build: Loader | ServerBuild;
  vite?: ViteDevServer;
  matchRoute: (p: string) => string;
  pageCache?: { middleware: express.RequestHandler };
  /** Switchboard enforcement: after static assets and the same-origin check, before any page. */
  switchboard?: express.RequestHandler;
  /** Whether the database can be reached (resolved per request: the handle may be reopened). */
  databaseAvailability?: () => DatabaseAvailability;
  /** The site's stylesheet, linked by static pages (database unavailable). */
  stylesheetHref?: string | null;
};

/** Liveness and readiness answer for themselves, database or not. */
const HEALTH_PATHS = new Set(["/healthz", "/readyz"]);

function createApp(options: AppOptions) {
  const cfg = config();
  const app = express();
  app.disable("x-powered-by");
  // Pages are no-store: an ETag would only cost a hash of every body.
  app.disable("etag");
  // The client IP is the X-Forwarded-For entry added by the last of our own proxies, counted from
  // the right: entries further left are whatever the client sent (ADR 018).
  app.set("trust proxy", cfg.trustProxyHops);

  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.locals.nonce = randomBytes(16).toString("base64");
    res.locals.requestId = randomUUID();
    for (const [k, v] of Object.entries(
      securityHeaders({ nonce: res.locals.nonce as string, https: cfg.secureCookies, dev: Boolean(options.vite) }),
    )) {
      res.setHeader(k, v);
    }
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = req.path.startsWith("/assets/") ? "/assets" : options.matchRoute(req.path);
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      // A shutter is the switchboard doing its job, not a failure (and may answer every request).
      if (res.statusCode >= 500 && !res.locals.switchboardRefusal) {
        logger.warn({ requestId: res.locals.requestId, method: req.method, route, status: res.statusCode }, "request failed");
      } else {
        logger.debug({ requestId: res.locals.requestId, method: req.method, route, status: res.statusCode, ms: seconds * 1000 }, "request");
      }
    });
    next();
  });

  // Before anything may read a body (or answer without reading it): cut off at the path's limit.
  app.use(
    bodyLimit(BODY_LIMITS, (req, res, limit) =>
      logger.info({ requestId: res.locals.requestId, method: req.method, route: options.matchRoute(req.path), limit }, "request body over its limit"),
    ),
  );

  app.use((req, res, next) => {
    const cross = isCrossSiteRequest({
      method: req.method,
      host: req.headers.host,
      secFetchSite: req.header("sec-fetch-site"),
      origin: req.header("origin"),
      scheme: req.protocol,
      trustedOrigins: [cfg.publicOrigin],
    });
    if (!cross) return next();
    res
      .status(403)
      .type("text/plain; charset=utf-8")
      .setHeader("Cache-Control", "no-store")
      .send("Requête refusée : elle ne provient pas du site Bascule.");
  });

  if (options.vite) {
    app.use(options.vite.middlewares);
  } else {
    // Only fingerprinted assets are static: no file-system lookup for page requests.
    app.use("/assets", express.static(`${process.env.BASCULE_BUILD_DIR ?? "build"}/client/assets`, { immutable: true, maxAge: "1y", index: false, fallthrough: false }));
  }

  app.use((_req, res, next) => {
    // Pages are personal or carry a per-response CSP nonce: never stored by any cache.
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  const unavailableAnswer = (req: express.Request): UnavailableAnswer =>
    databaseUnavailableAnswer({
      kind: classifyRequest({ path: req.path, accept: req.header("accept"), secFetchMode: req.header("sec-fetch-mode"), secFetchDest: req.header("sec-fetch-dest") }),
      path: req.path,
      search: req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "",
      stylesheetHref: options.stylesheetHref ?? null,
      contact: INSURER,
    });
  if (options.databaseAvailability) {
    const availability = options.databaseAvailability;
    app.use((req, res, next) => {
      if (HEALTH_PATHS.has(req.path)) return next();
      // While the database is known unreachable, every request is answered at once instead of
      // queueing for a connection; a probe reopens the gate as soon as PostgreSQL answers.
      if (!availability().isAvailable()) {
        const answer = unavailableAnswer(req);
        res.locals.databaseUnavailable = true;
        res.status(answer.status).set(answer.headers);
        return answer.body === null ? res.end() : res.send(answer.body);
      }
      // A request whose query lost its connection is answered 503, not 500, whatever rendered it
      // (resource routes included: pages and single-fetch requests get their own answer from the entry).
      const writeHead = res.writeHead;
      res.writeHead = function (this: express.Response, statusCode: number, ...rest: unknown[]) {
        if (statusCode === 500 && res.locals.databaseUnavailable === true) {
          statusCode = 503;
          this.setHeader("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
        }
        return (writeHead as (...args: unknown[]) => express.Response).call(this, statusCode, ...rest);
      } as typeof res.writeHead;
      next();
    });
  }

  if (options.switchboard) app.use(options.switchboard);
  if (options.pageCache) app.use(options.pageCache.middleware);

  app.all(
    "/{*splat}",
    createRequestHandler({
      build: options.build,
      mode: options.vite ? "development" : "production",
      getLoadContext(req, res) {
        const requestId = res.locals.requestId as string;
        return {
          nonce: res.locals.nonce as string,
          requestId,
          clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
          logError(error: unknown) {
            logger.error({ requestId, err: describeError(error) }, "render error");
          },
          reportDatabaseFailure(error: unknown) {
            if (!(options.databaseAvailability?.().reportFailure(error) ?? false)) return false;
            res.locals.databaseUnavailable = true;
            return true;
          },
          databaseUnavailableResponse() {
            if (res.locals.databaseUnavailable !== true) return null;
            const answer = unavailableAnswer(req);
            return new Response(answer.body, { status: answer.status, headers: answer.headers });
          },
        };
      },
    }),
  );
  return app;
}

/**
 * One line explaining why the server could not start. Query errors carry their SQL parameters
 * (possibly personal data): only the database's own message is kept, scrubbed.
 */
export function describeStartupError(err: unknown): string {
  const root = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = root instanceof Error ? root.message : String(root);
  return scrubText(message).slice(0, 500);
}

export type RunningBascule = { server: Server; stop(): Promise<void> };

/** Opens the database, migrates, seeds demo data into an empty database, and serves. */
export async function start(options: { vite?: ViteDevServer } = {}): Promise<RunningBascule> {
  const cfg = config();
  if (cfg.insecureOriginAllowed) {
    logger.warn(
      { publicOrigin: cfg.publicOrigin },
      "PRODUCTION OVER PLAIN HTTP (ALLOW_INSECURE_ORIGIN=true): cookies are not Secure and no HSTS is sent",
    );
  }
  const handle = await openConfiguredDatabase(cfg);
  await applyMigrations(handle, afterMigrate);
  await ensureReferenceData(handle.db);
  if (cfg.seedOnEmpty && (await isDatabaseEmpty(handle.db))) {
    logger.info("empty database: seeding synthetic demo data");
    const report = await seedDemoData(handle.db, { log: (msg) => logger.info(msg) });
    logger.info({ report }, "demo data seeded");
  }
  registerOutboxMetrics();
  registerAuditMetrics();
  // Audit entries are inserted unsealed by the actions they record and chained here (ADR 014).
  const auditSealer = startAuditSealer({ db: () => database().db, logger });

  const transport = createTransportFromConfig(cfg);
  // Without a relay nor file copies (production or test without SMTP_URL), mail waits in the outbox,
  // encrypted, until an instance with a relay sends it.
  if (!transport) logger.warn("no SMTP_URL: e-mails are queued in the outbox and not delivered by this instance");
  const dispatcher = transport
    ? startMailDispatcher({ db: () => database().db, transport, intervalMs: 2_000, from: cfg.mailFrom, logger })
    : undefined;
  // Claims sent by e-mail are read whenever a mailbox is configured, whatever the switchboard says:
  // members may write at any time (see ADR 008).
  const claimsMailbox = cfg.imapUrl
    ? startClaimsMailboxPoller({
        db: () => database().db,
        open: claimsMailboxOpener({ url: cfg.imapUrl, processedFolder: cfg.imapProcessedFolder }),
        intervalMs: cfg.imapPollIntervalMs,
        origin: cfg.publicOrigin,
        logger,
        concurrency: handle.mode === "postgres" ? 4 : 1,
      })
    : undefined;

  const build: Loader | ServerBuild = options.vite
    ? () => options.vite!.ssrLoadModule("virtual:react-router/server-build") as Promise<ServerBuild>
    : ((await import("virtual:react-router/server-build")) as unknown as ServerBuild);
  const manifest = options.vite ? {} : (build as ServerBuild).routes;
  const matchRoute = createRoutePatternMatcher(manifest);

  // Switchboard webhooks are signed with the secret: only dispatched when both are configured.
  const webhooks =
    cfg.switchboardWebhookUrl && cfg.switchboardWebhookSecret
      ? startWebhookDispatcher({ db: () => database().db, secret: cfg.switchboardWebhookSecret, intervalMs: 2_000, logger })
      : undefined;

  const agent = await startSwitchboardAgent({ handle, logger });
  setSwitchboardAgent(agent);
  // Applies approved reopenings at their scheduled time and proposes those whose expected return has passed.
  const scheduler = startSwitchboardScheduler({ db: () => database().db, logger });
  // Retention of prospects' data: after 30 days an abandoned subscription draft is marked expired
  // and its personal data erased; a saved quote is erased 30 days after it expired.
  const draftExpiry = startPeriodicWorker({
    intervalMs: 60 * 60_000,
    logger,
    failureMessage: "erasing expired prospect data failed",
    async run() {
      const expired = await expireDrafts(database().db);
      if (expired > 0) logger.info({ expired }, "abandoned subscription drafts expired and erased");
      const quotes = await purgeExpiredQuotes(database().db);
      if (quotes.erased > 0) logger.info({ erased: quotes.erased }, "expired quotes erased");
      return quotes.more;
    },
  });
  registerSwitchboardMetrics(agent.snapshot);
  await OpenFeature.setProviderAndWait(new SwitchboardProvider(agent.snapshot));
  const matcher = createServiceMatcher();
  const switchboard = createSwitchboardEnforcement({
    serviceFor: matcher.serviceFor,
    snapshot: agent.snapshot,
    identify: identifyFromSessions(db),
    sessionCookieName: sessionCookieName(),
    claimsMailbox: cfg.claimsMailboxAddress,
    // The shutter page links the site's stylesheet: the root route's CSS in the build; in
    // development, Vite serves the source stylesheet.
    stylesheetHref: options.vite ? "/app/app.css" : ((build as ServerBuild).assets.routes.root?.css?.[0] ?? null),
    secureCookies: cfg.secureCookies,
    onRefusal: (service, state) => shutterResponses.inc({ service, state }),
  });

  const pageCache = options.vite ? undefined : publicPageCache(build as ServerBuild, () => agent.snapshot().version);
  const app = createApp({
    build,
    vite: options.vite,
    matchRoute,
    pageCache,
    switchboard,
    databaseAvailability: () => database().availability,
    stylesheetHref: options.vite ? "/app/app.css" : ((build as ServerBuild).assets.routes.root?.css?.[0] ?? null),
  });

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(cfg.port, cfg.host, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  logger.info({ port: cfg.port, database: handle.mode, env: cfg.env }, `Bascule listening on ${cfg.publicOrigin}`);
  // On a developer's terminal only: collected logs stay JSON lines.
  if (cfg.env === "demo" && process.stdout.isTTY) {
    process.stdout.write(`${demoStartupBanner({ origin: cfg.publicOrigin, color: !process.env.NO_COLOR })}\n`);
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("shutting down: draining requests");
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      await scheduler.stop();
      await draftExpiry.stop();
      await claimsMailbox?.stop();
      await dispatcher?.stop();
      await webhooks?.stop();
      await transport?.close?.();
      await OpenFeature.close();
      await agent.stop();
      setSwitchboardAgent(undefined);
      // Last, once nothing else of this instance can audit: seals what is left.
      await auditSealer.stop();
      await handle.close();
      logger.info("stopped cleanly");
    })();
    return stopping;
  };
  return { server, stop };
}
