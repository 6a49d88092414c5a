import { ibanHint, nirHint } from "~/platform/identifiers/identifiers";
import { blindIndex, encryptField } from "~/platform/crypto/keyring.server";
import type { contracts, persons } from "~/platform/db/schema";
import type { ContractDraft, PersonDraft } from "./households";

/*
 * Generated households as table rows: identifiers only encrypted, with their blind index and the
 * hint a masked rendering shows (conventions of platform/db/schema/core.ts).
 */

export function contractRow({ iban, ...contract }: ContractDraft): typeof contracts.$inferInsert {
  return {
    ...contract,
    ibanEnc: encryptField("contracts.iban", iban),
    ibanBidx: blindIndex("iban", iban),
    ibanHint: ibanHint(iban),
  };
}

export function personRow({ nir, ...person }: PersonDraft): typeof persons.$inferInsert {
  return {
    ...person,
    nirEnc: nir === null ? null : encryptField("persons.nir", nir),
    nirBidx: nir === null ? null : blindIndex("nir", nir),
    nirHint: nir === null ? null : nirHint(nir),
  };
}
