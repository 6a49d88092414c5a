import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The security suites run in the order of their file names (the state-changing ones last); others as usual. */
class SecuritySuitesInOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const security = sorted.filter((f) => f.project.name === "security").sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...sorted.filter((f) => f.project.name !== "security"), ...security];
  }
}

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
    sequence: { sequencer: SecuritySuitesInOrder },
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
      {
        extends: true,
        test: {
          // The permanent security suite against a production build (see ADR 022): `npm run test:security`.
          name: "security",
          include: ["tests/security/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./tests/security/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
