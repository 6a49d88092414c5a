import { ensureContactWriterRole } from "~/features/contact/contact-writer.server";
import type { AfterMigrate } from "~/platform/db/migrate.server";

/*
 * What every database needs right after its migrations, beside the schema: the database roles
 * that guard it (the contact form's insert-only writer, docs/decisions/009-contact-form.md).
 * Wired here, at the composition root, because platform/db knows no feature: the server, the
 * scripts, the benchmarks and the test helpers all pass this hook to applyMigrations.
 */
export const afterMigrate: AfterMigrate = async (db) => {
  await ensureContactWriterRole(db);
};
