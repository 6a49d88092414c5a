import { sealPersonContact, sealUserEmail } from "~/platform/crypto/personal-data.server";
import { randomBytes } from "node:crypto";
import { hashPassword } from "~/platform/auth/password.server";
import { encryptField } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { contracts, formulas, persons, users } from "~/platform/db/schema";

/** Minimal rows for use-case tests; the full synthetic data set is the seed's job. */
export const TEST_PASSWORD = "une phrase de passe solide";
export const TEST_TOTP_BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

let passwordHash: Promise<string> | undefined;
const hashed = () => (passwordHash ??= hashPassword(TEST_PASSWORD));
const unique = () => randomBytes(4).toString("hex");

export async function createMemberPerson(db: Db, overrides: { memberNumber?: string; birthDate?: string; email?: string } = {}) {
  const email = overrides.email ?? `camille.${unique()}@exemple.fr`;
  const [formula] = await db
    .insert(formulas)
    .values({ code: `T${unique()}`, name: "Test", description: "Formule de test", tariffMultiplierPermille: 1000, validFrom: "2024-01-01" })
    .returning();
  const [contract] = await db
    .insert(contracts)
    .values({ number: `CT-${unique()}`, kind: "INDIVIDUAL", status: "ACTIVE", formulaId: formula!.id, startDate: "2024-01-01", departement: "83" })
    .returning();
  const [person] = await db
    .insert(persons)
    .values({
      contractId: contract!.id,
      role: "MEMBER",
      memberNumber: overrides.memberNumber ?? `A${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`,
      firstName: "Camille",
      lastName: "Testeur",
      birthDate: overrides.birthDate ?? "1980-05-17",
      nirEnc: encryptField("persons.nir", "180058312345678"),
      nirHint: "180057",
      ...sealPersonContact({ email }),
      coveredFrom: "2024-01-01",
    })
    .returning();
  return { ...person!, email };
}

export async function createUser(
  db: Db,
  input: { role: "MEMBER" | "CLAIMS_HANDLER" | "ADMIN"; email?: string; withTotp?: boolean; personId?: string },
) {
  const email = (input.email ?? `user.${unique()}@exemple.fr`).trim().toLowerCase();
  const [user] = await db
    .insert(users)
    .values({
      ...sealUserEmail(email),
      role: input.role,
      displayName: "Camille Testeur",
      personId: input.personId ?? null,
      passwordHash: await hashed(),
      totpEnabled: Boolean(input.withTotp),
      totpKeyEnc: input.withTotp ? encryptField("users.totp_key", TEST_TOTP_BASE32) : null,
    })
    .returning();
  return { ...user!, email };
}
