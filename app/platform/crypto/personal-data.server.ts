import { blindIndex, decryptField, encryptField } from "./keyring.server";

/*
 * E-mail addresses and phone numbers at rest (ADR 019). They are stored only encrypted (AES-GCM
 * envelope of the keyring, bound to the column's purpose) and found through one keyed blind index
 * of the normalised address, shared by every table that holds an address, so that a lookup in one
 * (a login, an e-mailed claim's sender) compares one value with another's without decrypting.
 */

/** The one normal form of an e-mail address, for lookups and comparisons: trimmed, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Blind-index purpose of every e-mail address column (users, persons, outbox recipients, e-mail intake). */
const EMAIL_INDEX = "email";

/** Keyed blind index of an address, computed on its normal form: equal for `A@B.fr ` and `a@b.fr`. */
export function emailIndex(email: string): string {
  return blindIndex(EMAIL_INDEX, normalizeEmail(email));
}

/** The stored pair of an address: its envelope (for display to those allowed) and its blind index. */
export type SealedEmail = { enc: string; bidx: string };

/** Encrypts the trimmed address under `purpose` (e.g. `users.email`) with its blind index. */
export function sealEmail(purpose: string, email: string): SealedEmail {
  return { enc: encryptField(purpose, email.trim()), bidx: emailIndex(email) };
}

/** Encrypts an optional value (phone number, address): null stays null, blank becomes null. */
export function sealOptional(purpose: string, value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? encryptField(purpose, trimmed) : null;
}

/** Decrypts an optional envelope written by `sealEmail`/`sealOptional` under the same purpose. */
export function openOptional(purpose: string, enc: string | null | undefined): string | null {
  return enc ? decryptField(purpose, enc) : null;
}

/** Purposes (additional authenticated data) of the encrypted personal-data columns. */
export const PERSONAL_DATA_PURPOSES = {
  userEmail: "users.email",
  personEmail: "persons.email",
  personPhone: "persons.phone",
  authTokenEmail: "auth_tokens.email",
  outboxRecipient: "mail_outbox.recipient",
  outboxContent: "mail_outbox.content",
  inboundSender: "inbound_claim_emails.from",
  draftEmail: "subscription_drafts.email",
  draftPhone: "subscription_drafts.phone",
} as const;

/** A sign-in address as `users` stores it: normalised, encrypted, indexed. */
export function sealUserEmail(email: string): { emailEnc: string; emailBidx: string } {
  const normal = normalizeEmail(email);
  return { emailEnc: encryptField(PERSONAL_DATA_PURPOSES.userEmail, normal), emailBidx: emailIndex(normal) };
}

export function openUserEmail(emailEnc: string | null): string {
  return emailEnc ? decryptField(PERSONAL_DATA_PURPOSES.userEmail, emailEnc) : "";
}

/** A person's contact details as `persons` stores them (either may be missing). */
export function sealPersonContact(contact: { email?: string | null; phone?: string | null }): {
  emailEnc: string | null;
  emailBidx: string | null;
  phoneEnc: string | null;
} {
  const email = contact.email?.trim() || null;
  return {
    emailEnc: email ? encryptField(PERSONAL_DATA_PURPOSES.personEmail, email) : null,
    emailBidx: email ? emailIndex(email) : null,
    phoneEnc: sealOptional(PERSONAL_DATA_PURPOSES.personPhone, contact.phone),
  };
}

export function openPersonContact(row: { emailEnc: string | null; phoneEnc: string | null }): { email: string | null; phone: string | null } {
  return {
    email: openOptional(PERSONAL_DATA_PURPOSES.personEmail, row.emailEnc),
    phone: openOptional(PERSONAL_DATA_PURPOSES.personPhone, row.phoneEnc),
  };
}

/** The address a single-use token was e-mailed to (`auth_tokens`), normalised and encrypted. */
export function sealTokenEmail(email: string): { emailEnc: string } {
  return { emailEnc: encryptField(PERSONAL_DATA_PURPOSES.authTokenEmail, normalizeEmail(email)) };
}

export function openTokenEmail(row: { emailEnc: string | null }): string {
  return row.emailEnc ? decryptField(PERSONAL_DATA_PURPOSES.authTokenEmail, row.emailEnc) : "";
}

/** The sender of a message of the claims mailbox (`inbound_claim_emails`), encrypted and indexed; none: nulls. */
export function sealInboundSender(sender: string): { fromEnc: string | null; fromBidx: string | null } {
  const trimmed = sender.trim();
  return trimmed
    ? { fromEnc: encryptField(PERSONAL_DATA_PURPOSES.inboundSender, trimmed), fromBidx: emailIndex(trimmed) }
    : { fromEnc: null, fromBidx: null };
}

export function openInboundSender(row: { fromEnc: string | null }): string {
  return row.fromEnc ? decryptField(PERSONAL_DATA_PURPOSES.inboundSender, row.fromEnc) : "";
}

/** Where a member is written to: their account's address, else the one in their file; null when neither. */
export function memberAddress(row: { accountEmailEnc: string | null; personEmailEnc: string | null }): string | null {
  if (row.accountEmailEnc) return openUserEmail(row.accountEmailEnc);
  return openOptional(PERSONAL_DATA_PURPOSES.personEmail, row.personEmailEnc);
}
