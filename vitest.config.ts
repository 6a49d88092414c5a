import path from "node:path";
import { defineConfig } from "vitest/config";

// CI collects machine-readable results of every run to print one closing summary line.
const reportDir = process.env.CI_REPORT_DIR;
const reportName = [process.env.npm_lifecycle_event ?? "run", process.env.TEST_DATABASE_URL ? "postgresql" : "pglite", process.pid].join("-");
const reporters = reportDir
  ? ["default", ["json", { outputFile: `${reportDir}/vitest-${reportName}.json` }] as const]
  : ["default"];

// Vitest runs without the React Router plugin: unit tests target pure modules and
// use-cases, never the route tree.
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    reporters: reporters as never,
    env: { BASCULE_ENV: "test", LOG_LEVEL: "silent" },
    setupFiles: ["./tests/setup/fail-on-console-error.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["app/**/*.test.ts", "app/**/*.test.tsx", "scripts/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
