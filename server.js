// Launches Bascule. Production: `node server.js` serves the build (run `npm run build` first;
// `npm start` does both). Development: `node server.js --dev` serves through Vite with HMR.
// Node.js 20 no longer gets security fixes: Bascule runs on Node 24 (package.json "engines").
const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 24) {
  console.error(`Bascule needs Node.js 24 or later; ${process.execPath} is Node.js ${process.versions.node}. See README.md, "Run it".`);
  process.exit(1);
}

const dev = process.argv.includes("--dev");
if (!dev) process.env.NODE_ENV ??= "production";

let mod;
let vite;
if (dev) {
  const { createServer } = await import("vite");
  vite = await createServer({ server: { middlewareMode: true }, appType: "custom" });
  mod = await vite.ssrLoadModule("./server/app.ts");
} else {
  const buildDir = process.env.BASCULE_BUILD_DIR ?? "build";
  mod = await import(new URL(`./${buildDir}/server/index.js`, import.meta.url).href);
}

let running;
try {
  running = await mod.start({ vite });
} catch (err) {
  console.error(`Bascule could not start: ${mod.describeStartupError(err)}`);
  await vite?.close();
  process.exit(1);
}

let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    running
      .stop()
      .then(() => vite?.close())
      .then(() => process.exit(0))
      .catch((err) => {
        console.error(`Unclean shutdown: ${mod.describeStartupError(err)}`);
        process.exit(1);
      });
  });
}
