/*
 * `npm run audit:verify`: checks the hash chain of the audit log of the configured database
 * (PGlite in BASCULE_DATA_DIR, or PostgreSQL through DATABASE_URL). It first seals the entries
 * still waiting for it (ADR 014), then only reads. Exit code 0 when the chain is intact, 1 when it
 * is altered or an entry has stayed unsealed for more than a minute, 2 when it could not be checked.
 *
 * PGlite is single-process: stop the application first, or run this against PostgreSQL. The
 * database is closed as soon as the check ends so that its lock is not held any longer.
 */
import { describeAuditVerification, verifyAuditChain } from "~/platform/audit/verify.server";
import { config } from "~/platform/config/env.server";
import { openConfiguredDatabase } from "~/platform/db/open-configured.server";

async function main(): Promise<number> {
  const handle = await openConfiguredDatabase(config(), { applicationName: "bascule-audit-verify" });
  try {
    const result = await verifyAuditChain(handle.db);
    if (result.ok) {
      console.log(describeAuditVerification(result));
      console.log(`Empreinte de la dernière entrée : ${result.lastHash}`);
      return 0;
    }
    console.error(describeAuditVerification(result));
    return 1;
  } finally {
    await handle.close();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  // The driver's own error says why (unreachable server, missing table…), not the failed SQL.
  const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  console.error(`Vérification impossible : ${reason}`);
  process.exitCode = 2;
}
