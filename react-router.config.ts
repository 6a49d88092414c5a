import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // BASCULE_BUILD_DIR lets several builds coexist on one machine (e.g. parallel browser-test runs).
  buildDirectory: process.env.BASCULE_BUILD_DIR ?? "build",
  // React Router 8's behaviours, decided one by one (ADR 020).
  future: {
    // Client-only route exports in their own chunks. No behaviour change for a server-rendered app.
    v8_splitRouteModules: true,
    // Builds through Vite's Environment API, the only build path in v8.
    v8_viteEnvironmentApi: true,
    // Not yet: loaders would read the request context through a RouterContextProvider.
    v8_middleware: false,
    // Not yet: loaders would see single-fetch URLs (`/espace.data?_routes=…`) in `request.url`, which
    // the guards use for the post-login redirect and the audit of a denied access.
    v8_passThroughRequests: false,
    // Not yet: `/devis/_.data` would load `/devis/`, a spelling the switchboard's path matcher does
    // not read yet; a shutter must never be bypassed by a URL form.
    v8_trailingSlashAwareDataRequests: false,
  },
} satisfies Config;
