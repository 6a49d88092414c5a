import { timingSafeEqual } from "node:crypto";
import { config } from "~/platform/config/env.server";
import { metricsContentType, renderMetrics } from "~/platform/observability/metrics.server";
import type { Route } from "./+types/metrics";

/** Prometheus text format. When METRICS_TOKEN is set, a matching bearer token is required. */
export async function loader({ request }: Route.LoaderArgs) {
  const token = config().metricsToken;
  if (token) {
    const given = Buffer.from(request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "");
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return new Response("Unauthorized\n", { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
    }
  }
  return new Response(await renderMetrics(), { headers: { "Content-Type": metricsContentType, "Cache-Control": "no-store" } });
}
