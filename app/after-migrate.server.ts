import { ensureContactWriterRole } from "~/features/contact/contact-writer.server";
import { sealLegacyDrafts } from "~/features/subscriptions/draft-storage.server";
import { encryptPersonalDataAtRest } from "~/platform/crypto/personal-data-conversion.server";
import type { AfterMigrate } from "~/platform/db/migrate.server";

/*
 * What every database needs right after its migrations, beside the schema: the database roles
 * that guard it (the contact form's insert-only writer, docs/decisions/009-contact-form.md), and
 * the conversion of clear personal data into encrypted columns, which needs the application's keys
 * (docs/decisions/019-personal-data-at-rest.md; resumable, a no-op once done).
 * Wired here, at the composition root, because platform/db knows no feature: the server, the
 * scripts, the benchmarks and the test helpers all pass this hook to applyMigrations.
 */
export const afterMigrate: AfterMigrate = async (db) => {
  await ensureContactWriterRole(db);
  await encryptPersonalDataAtRest(db);
  await sealLegacyDrafts(db);
};
