import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // BASCULE_BUILD_DIR lets several builds coexist on one machine (e.g. parallel browser-test runs).
  buildDirectory: process.env.BASCULE_BUILD_DIR ?? "build",
} satisfies Config;
