// Builds Bascule for `npm start` and prints one line: how long it took and what it produced.
// Vite's per-file listing is for `npm run build`; here the build runs at the "error" log level, its
// output is kept, and shown in full only if the build fails.
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const devPackage = require.resolve("@react-router/dev/package.json");
const cli = path.join(path.dirname(devPackage), require(devPackage).bin["react-router"]);
const buildDir = process.env.BASCULE_BUILD_DIR ?? "build";

async function sizeOf(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
    files += 1;
  }
  return { bytes, files };
}

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

const started = performance.now();
const output = [];
// The same Node.js as this script, whatever `node` is first on PATH.
const child = spawn(process.execPath, [cli, "build", "--logLevel", "error"], {
  stdio: ["ignore", "pipe", "pipe"],
  env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? process.env.FORCE_COLOR : "0" },
});
child.stdout.on("data", (chunk) => output.push(chunk));
child.stderr.on("data", (chunk) => output.push(chunk));
const code = await new Promise((resolve) => child.on("close", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
const seconds = ((performance.now() - started) / 1000).toFixed(1);

if (code !== 0) {
  process.stderr.write(Buffer.concat(output));
  console.error(`Build failed after ${seconds} s (exit code ${code}); run \`npm run build\` to see it again.`);
  process.exit(code);
}

const client = await sizeOf(path.join(buildDir, "client"));
const server = await sizeOf(path.join(buildDir, "server"));
console.log(
  `Built in ${seconds} s: ${buildDir}/client ${megabytes(client.bytes)} (${client.files} files), ${buildDir}/server ${megabytes(server.bytes)} (${server.files} files).`,
);
