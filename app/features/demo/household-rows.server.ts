import { ibanHint, nirHint } from "~/platform/identifiers/identifiers";
import { blindIndex, encryptField } from "~/platform/crypto/keyring.server";
import { sealPersonContact } from "~/platform/crypto/personal-data.server";
import type { contracts, persons } from "~/platform/db/schema";
import type { ContractDraft, PersonDraft } from "./households";

/*
 * Generated households as table rows: identifiers, e-mail addresses and phone numbers only
 * encrypted, with their blind index and the hint a masked rendering shows (conventions of
 * platform/db/schema/core.ts, ADR 019).
 */

export function contractRow({ iban, ...contract }: ContractDraft): typeof contracts.$inferInsert {
  return {
    ...contract,
    ibanEnc: encryptField("contracts.iban", iban),
    ibanBidx: blindIndex("iban", iban),
    ibanHint: ibanHint(iban),
  };
}

export function personRow({ nir, email, phone, ...person }: PersonDraft): typeof persons.$inferInsert {
  return {
    ...person,
    // Contact details only encrypted, the address with its blind index (ADR 019).
    ...sealPersonContact({ email, phone }),
    nirEnc: nir === null ? null : encryptField("persons.nir", nir),
    nirBidx: nir === null ? null : blindIndex("nir", nir),
    nirHint: nir === null ? null : nirHint(nir),
  };
}
