import { INSURER } from "~/ui/insurer";

/*
 * SEPA Core direct-debit mandate: the unique mandate reference (RUM), the creditor identifier and
 * the text the debtor accepts. Pure: the caller passes the random bytes and the date.
 */

/** Version of the mandate text below: stored with every signed mandate. */
export const MANDATE_TEXT_VERSION = "mandat-sepa-2026-01";

export const MANDATE_TEXT = [
  `En signant ce formulaire de mandat, vous autorisez ${INSURER.legalName} à envoyer des instructions à votre banque pour débiter votre compte, et votre banque à débiter votre compte conformément aux instructions de ${INSURER.name}.`,
  "Vous bénéficiez du droit d’être remboursé par votre banque selon les conditions décrites dans la convention que vous avez passée avec elle. Une demande de remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé.",
  "Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez obtenir auprès de votre banque. Les cotisations sont prélevées chaque mois ; vous êtes prévenu au moins 14 jours avant le premier prélèvement de son montant et de sa date.",
] as const;

/** Characters of a RUM after its prefix: no I, O, 0 or 1, so a reference read aloud is unambiguous. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const RANDOM_LENGTH = 10;
const RUM_FORMAT = /^BSC-\d{8}-[A-HJ-NP-Z2-9]{10}$/;

/**
 * `BSC-<yyyymmdd>-<10 random characters>`: 23 characters, within SEPA's 35 and its allowed set.
 * 32^10 ≈ 10^15 values a day; the database's unique index settles the impossible collision.
 */
export function mandateReference(date: string, random: Uint8Array): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error("mandateReference: date must be YYYY-MM-DD");
  if (random.length < RANDOM_LENGTH) throw new Error(`mandateReference: needs ${RANDOM_LENGTH} random bytes`);
  let suffix = "";
  // 256 is a multiple of 32: taking the low 5 bits keeps every character equally likely.
  for (let i = 0; i < RANDOM_LENGTH; i++) suffix += ALPHABET[random[i]! & 31];
  return `BSC-${date.replace(/-/g, "")}-${suffix}`;
}

export function isMandateReference(value: string): boolean {
  return value.length <= 35 && RUM_FORMAT.test(value);
}

function mod97(digits: string): number {
  let r = 0;
  for (const ch of digits) r = (r * 10 + Number(ch)) % 97;
  return r;
}

function lettersToDigits(value: string): string {
  return [...value].map((ch) => (ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch)).join("");
}

/**
 * Checks a SEPA creditor identifier: country, 2 check digits, a 3-character business code that
 * the check ignores, then the national identifier; the check works like an IBAN's.
 */
export function isValidCreditorIdentifier(ics: string): boolean {
  const m = /^([A-Z]{2})(\d{2})[A-Z0-9]{3}([A-Z0-9]{1,28})$/.exec(ics);
  if (!m) return false;
  return mod97(lettersToDigits(`${m[3]}${m[1]}${m[2]}`)) === 1;
}

export type MandateData = {
  reference: string;
  creditorIdentifier: string;
  creditor: { name: string; address: string };
  debtor: { name: string; address: string; iban: string; bic: string | null };
  paymentType: "Récurrent";
  signedAt: string | null;
  place: string;
  textVersion: string;
  text: readonly string[];
};

/** Everything printed on the mandate, from the draft's answers. */
export function buildMandate(input: {
  reference: string;
  creditorIdentifier: string;
  debtorName: string;
  debtorAddress: string;
  iban: string;
  bic: string | null;
  city: string;
  signedAt: string | null;
}): MandateData {
  return {
    reference: input.reference,
    creditorIdentifier: input.creditorIdentifier,
    creditor: { name: INSURER.legalName, address: INSURER.postalAddress },
    debtor: { name: input.debtorName, address: input.debtorAddress, iban: input.iban, bic: input.bic },
    paymentType: "Récurrent",
    signedAt: input.signedAt,
    place: input.city,
    textVersion: MANDATE_TEXT_VERSION,
    text: MANDATE_TEXT,
  };
}
