/*
 * `npm run seed -- [--seed N] [--members N] [--reset]`: fills the configured database (PGlite in
 * BASCULE_DATA_DIR, or PostgreSQL through DATABASE_URL) with synthetic demo data. Refuses in
 * production, and refuses a database that already has people unless --reset, which first wipes
 * people, contracts, employers, accounts and sessions. Exit code 0 on success, 1 when refused,
 * 2 on error.
 *
 * PGlite is single-process: stop the application first, or run this against PostgreSQL.
 */
import { parseArgs } from "node:util";
import {
  DEFAULT_MEMBER_COUNT,
  DEFAULT_SEED,
  MAX_MEMBER_COUNT,
  MIN_MEMBER_COUNT,
  isDatabaseEmpty,
  resetDemoData,
  seedDemoData,
} from "~/features/demo/seed.server";
import { sealAuditBacklog } from "~/platform/audit/seal.server";
import { config } from "~/platform/config/env.server";
import { afterMigrate } from "~/after-migrate.server";
import { applyMigrations } from "~/platform/db/migrate.server";
import { openConfiguredDatabase } from "~/platform/db/open-configured.server";

const USAGE = "Usage : npm run seed -- [--seed N] [--members N] [--reset]";

class Refusal extends Error {}

function integerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Refusal(`--${name} attend un entier positif, reçu « ${value} ».\n${USAGE}`);
  return Number(value);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        seed: { type: "string" },
        members: { type: "string" },
        reset: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new Refusal(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const values = parseCommandLine();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = integerOption("seed", values.seed, DEFAULT_SEED);
  const members = integerOption("members", values.members, DEFAULT_MEMBER_COUNT);
  if (members < MIN_MEMBER_COUNT || members > MAX_MEMBER_COUNT) {
    throw new Refusal(
      `--members doit être compris entre ${MIN_MEMBER_COUNT} (les comptes de démonstration) et ${MAX_MEMBER_COUNT}.`,
    );
  }

  const cfg = config();
  if (cfg.isProduction) {
    throw new Refusal(
      "Refusé : BASCULE_ENV=production. Les données de démonstration ne vont jamais dans une base de production.",
    );
  }
  const handle = await openConfiguredDatabase(cfg, { applicationName: "bascule-seed" });
  try {
    await applyMigrations(handle, afterMigrate);
    if (values.reset) {
      await resetDemoData(handle.db);
      console.log("Base remise à zéro : personnes, contrats, employeurs, comptes et sessions supprimés.");
    } else if (!(await isDatabaseEmpty(handle.db))) {
      throw new Refusal(
        "Refusé : la base contient déjà des adhérents ou des comptes. Relancez avec --reset pour les effacer d’abord.",
      );
    }
    console.log(`Génération de ${members} adhérents (graine ${seed}) dans la base ${handle.mode}…`);
    const report = await seedDemoData(handle.db, { seed, members, log: (message) => console.log(`  ${message}`) });
    console.log(
      `Terminé en ${(report.ms / 1000).toFixed(1)} s : ${report.members} adhérents, ${report.persons} personnes protégées, ` +
        `${report.contracts} contrats, ${report.employers} employeurs, ${report.users} comptes.`,
    );
    return 0;
  } finally {
    // The seed's audit entries are chained before it exits (ADR 014).
    try {
      await sealAuditBacklog(handle.db);
    } finally {
      await handle.close();
    }
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof Refusal) {
    console.error(err.message);
    process.exitCode = 1;
  } else {
    // The driver's own error says why (unreachable server, locked data directory…).
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    console.error(`Échec du peuplement : ${reason}`);
    process.exitCode = 2;
  }
}
