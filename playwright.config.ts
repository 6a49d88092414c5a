import { defineConfig } from "@playwright/test";

/*
 * Browser tests run against the production build served by `node server.js`, on a fresh
 * embedded database seeded with demo data, in Debian's Chromium (never a downloaded browser).
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? ".e2e-data";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI_REPORT_DIR
    ? [["list"], ["json", { outputFile: `${process.env.CI_REPORT_DIR}/playwright.json` }]]
    : [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    // The Node.js running the tests serves the build, whatever `node` is first on PATH.
    command: `rm -rf ${E2E_DATA_DIR} && ${JSON.stringify(process.execPath)} server.js`,
    url: `http://localhost:${PORT}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    // In CI the server's log lines go to the run's log ("[WebServer] …"), which the security suite scans.
    stdout: process.env.CI ? "pipe" : "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      BASCULE_DATA_DIR: E2E_DATA_DIR,
      BASCULE_ENV: "demo",
      LOG_LEVEL: "warn",
      // As behind one reverse proxy: the right-most X-Forwarded-For entry is the client (client-ip.spec.ts).
      TRUST_PROXY_HOPS: "1",
    },
  },
});
