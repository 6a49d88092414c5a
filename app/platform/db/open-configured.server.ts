import path from "node:path";
import type { BasculeConfig } from "../config/env.server";
import { loadOrCreateDemoKeyring, parseKeyring, setKeyring } from "../crypto/keyring.server";
import { type DatabaseHandle, openDatabase, setDatabase } from "./client.server";

/**
 * Opens the database the configuration points at and loads the encryption keys: PostgreSQL when
 * DATABASE_URL is set, otherwise the embedded PGlite in `<dataDir>/pglite`. Both become the
 * process-wide database and keyring. Shared by the server boot and the CLIs so that they always
 * agree on where the data and its keys live. Migrations are left to the caller.
 */
export async function openConfiguredDatabase(
  cfg: BasculeConfig,
  options: { applicationName?: string } = {},
): Promise<DatabaseHandle> {
  if (Boolean(cfg.encryptionKeys) !== Boolean(cfg.blindIndexKey)) {
    // Falling back to demo keys here would silently encrypt with keys nobody configured.
    throw new Error("BASCULE_ENCRYPTION_KEYS and BASCULE_BLIND_INDEX_KEY must be set together");
  }
  setKeyring(
    cfg.encryptionKeys && cfg.blindIndexKey
      ? parseKeyring(cfg.encryptionKeys, cfg.blindIndexKey)
      : loadOrCreateDemoKeyring(cfg.dataDir),
  );
  const handle = cfg.databaseUrl
    ? await openDatabase({
        databaseUrl: cfg.databaseUrl,
        poolSize: cfg.databasePoolSize,
        ...(options.applicationName ? { applicationName: options.applicationName } : {}),
      })
    : await openDatabase({ dataDir: path.join(cfg.dataDir, "pglite") });
  setDatabase(handle);
  return handle;
}
