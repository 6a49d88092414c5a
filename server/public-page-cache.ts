import { createRequestHandler, type ServerBuild } from "react-router";
import { config } from "~/platform/config/env.server";
import { database } from "~/platform/db/client.server";
import { sessionCookieName } from "~/platform/auth/session.server";
import { createAnonymousPageCache } from "~/platform/http/anonymous-page-cache.server";
import { logger } from "~/platform/observability/logger.server";
import { describeError } from "~/platform/observability/describe-error";

/** The public home is served from a short-lived cache to anonymous visitors (see ADR 006). */
export function publicPageCache(build: ServerBuild, switchboardVersion: () => number) {
  const handle = createRequestHandler(build, "production");
  const origin = config().publicOrigin;
  return createAnonymousPageCache({
    paths: ["/"],
    ttlMs: 10_000,
    // The degraded-services banner is part of every page.
    variant: () => String(switchboardVersion()),
    sessionCookieName,
    async render(pathname, nonce) {
      const response = await handle(new Request(`${origin}${pathname}`, { headers: { accept: "text/html" } }), {
        nonce,
        requestId: "page-cache",
        clientIp: "page-cache",
        logError(error: unknown) {
          logger.error({ err: describeError(error) }, "page cache render error");
        },
        reportDatabaseFailure: (error: unknown) => database().availability.reportFailure(error),
        // A page that failed is not cached (only 200s are), whatever its status.
        databaseUnavailableResponse: () => null,
      });
      return {
        status: response.status,
        contentType: response.headers.get("content-type") ?? "text/html; charset=utf-8",
        body: await response.text(),
        setsCookie: response.headers.has("set-cookie"),
      };
    },
  });
}
