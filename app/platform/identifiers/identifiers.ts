/*
 * French identifiers a mutuelle handles: NIR (social security number), IBAN and RIB, SIREN and
 * SIRET, and Bascule's own member number. Pure functions: validators expect the normalised form
 * (see the `normalize*` functions), generators take a random source so that a seeded one gives
 * reproducible demo data. Rules and test vectors: DOMAIN.md § Identifiers. They live in platform/
 * because they are standards (INSEE, ISO 13616, Luhn), not business rules: the configuration, the
 * members, subscriptions, claims and contact features all check and mask them the same way.
 */

/** A random source returning a float in [0, 1), such as `Math.random` or a seeded generator. */
export type Rng = () => number;

function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function randomDigits(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += String(randomInt(rng, 0, 9));
  return out;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, 0, items.length - 1)]!;
}

/** Remainder modulo 97 of a decimal string of any length, digit by digit (no BigInt needed). */
function mod97(digits: string): number {
  let remainder = 0;
  for (let i = 0; i < digits.length; i++) remainder = (remainder * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return remainder;
}

// ---------------------------------------------------------------------------------------------
// NIR

/** The sex digit of a NIR: 1 for men, 2 for women. */
export type NirSex = 1 | 2;

const NIR_FORMAT = /^[12]\d{4}(?:\d{2}|2[AB])\d{8}$/;
const NIR_DEPARTEMENT = /^(?:\d{2}|2[AB]|97\d|98\d)$/;

/** Strips the spaces, dots and dashes people type between groups, and upper-cases 2a/2b. */
export function normalizeNir(input: string): string {
  return input.replace(/[\s.-]/g, "").toUpperCase();
}

/** Corsican NIRs carry 2A/2B; the key is computed with 19 and 18 in their place. */
function nirDigits(first13: string): string {
  const departement = first13.slice(5, 7);
  if (departement === "2A") return `${first13.slice(0, 5)}19${first13.slice(7)}`;
  if (departement === "2B") return `${first13.slice(0, 5)}18${first13.slice(7)}`;
  return first13;
}

/** The 2-digit key of a NIR from its first 13 characters: 97 − (number mod 97). */
export function nirKey(first13: string): string {
  return String(97 - mod97(nirDigits(first13))).padStart(2, "0");
}

function isValidNirMonth(month: number): boolean {
  // 20–42 and 50–99 are the conventional months of people whose birth month is unknown.
  return (month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50;
}

/** Validates a normalised NIR: structure, birth month, département, place, order and key. */
export function isValidNir(nir: string): boolean {
  if (!NIR_FORMAT.test(nir)) return false;
  if (!isValidNirMonth(Number(nir.slice(3, 5)))) return false;
  if (nir.slice(5, 7) === "00" || nir.slice(7, 10) === "000" || nir.slice(10, 13) === "000") return false;
  return nirKey(nir.slice(0, 13)) === nir.slice(13);
}

/**
 * INSEE codes of a few countries of birth (département 99): Germany, Italy, Belgium, Spain,
 * Portugal, Morocco, Tunisia, Algeria.
 */
const BIRTH_COUNTRY_CODES = ["109", "127", "131", "134", "139", "350", "351", "352"] as const;

export type NirOptions = {
  sex: NirSex;
  /** ISO date `YYYY-MM-DD`. */
  birthDate: string;
  /**
   * Département of birth: `01`–`95`, `2A`, `2B`, an overseas `97x`/`98x`, or `99` for people
   * born abroad. Defaults to a random metropolitan département.
   */
  departement?: string;
};

/** 01–95 without 20, which Corsica left for 2A and 2B in 1976. */
function randomMetropolitanDepartement(rng: Rng): string {
  const n = randomInt(rng, 1, 94);
  return String(n >= 20 ? n + 1 : n).padStart(2, "0");
}

/** A valid NIR consistent with the given sex, birth date and place of birth. */
export function generateNir(rng: Rng, options: NirOptions): string {
  const match = /^\d{2}(\d{2})-(\d{2})-\d{2}$/.exec(options.birthDate);
  if (!match) throw new Error(`generateNir: birth date must be YYYY-MM-DD, got ${options.birthDate}`);
  const departement = options.departement ?? randomMetropolitanDepartement(rng);
  if (!NIR_DEPARTEMENT.test(departement) || departement === "00") {
    throw new Error(`generateNir: invalid département ${departement}`);
  }
  // Overseas départements have 3-digit codes and 2-digit communes; born abroad, the commune is
  // the country code. Either way the place takes 5 characters.
  let place: string;
  if (departement.length === 3) place = `${departement}${String(randomInt(rng, 1, 99)).padStart(2, "0")}`;
  else if (departement === "99") place = `99${pick(rng, BIRTH_COUNTRY_CODES)}`;
  else place = `${departement}${String(randomInt(rng, 1, 900)).padStart(3, "0")}`;
  const order = String(randomInt(rng, 1, 999)).padStart(3, "0");
  const first13 = `${options.sex}${match[1]}${match[2]}${place}${order}`;
  return first13 + nirKey(first13);
}

/**
 * What `persons.nir_hint` stores: sex, birth year and month (the first five characters) and the
 * key. The first five restate what the birth date and civility already say in clear, and the key
 * lets a member recognise their number; the place of birth and the order number, which single a
 * person out, exist only encrypted.
 */
export function nirHint(nir: string): string {
  return nir.slice(0, 5) + nir.slice(13, 15);
}

/** Masked display rebuilt from the hint alone, e.g. `2 95 10 •• ••• ••• 93`. */
export function maskNirHint(hint: string): string {
  if (!/^[12]\d{6}$/.test(hint)) return "• •• •• •• ••• ••• ••";
  return `${hint[0]} ${hint.slice(1, 3)} ${hint.slice(3, 5)} •• ••• ••• ${hint.slice(5, 7)}`;
}

// ---------------------------------------------------------------------------------------------
// IBAN and RIB

/**
 * IBAN lengths of the SEPA countries: reimbursements leave as SEPA credit transfers, so an
 * account elsewhere cannot be paid and is refused at entry.
 */
// prettier-ignore
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18,
  FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27,
  VA: 22,
};

/** Countries whose BBAN is a French RIB: bank (5), branch (5), account (11), RIB key (2). */
const RIB_COUNTRIES = new Set(["FR", "MC"]);
const RIB_FORMAT = /^(\d{5})(\d{5})([A-Z0-9]{11})(\d{2})$/;

/** Strips spaces and dashes and upper-cases, as people copy IBANs in groups of four. */
export function normalizeIban(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

/** Letters become 10..35, as ISO 13616 prescribes. */
function ibanDigits(value: string): string {
  let out = "";
  for (const ch of value) out += ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
  return out;
}

function ribLetterDigit(ch: string): string {
  if (ch >= "0" && ch <= "9") return ch;
  // A,J→1 … I,R→9 and S→2 … Z→9: the gap before S is the historical RIB conversion table.
  const code = ch.charCodeAt(0) - 65;
  return String(code < 18 ? (code % 9) + 1 : ((code + 1) % 9) + 1);
}

function frenchRibKey(bank: string, branch: string, account: string): string {
  const accountDigits = [...account].map(ribLetterDigit).join("");
  const sum = 89 * Number(bank) + 15 * Number(branch) + 3 * Number(accountDigits);
  return String(97 - (sum % 97)).padStart(2, "0");
}

/** The RIB key check of a French account: key = 97 − ((89 × bank + 15 × branch + 3 × account) mod 97). */
export function isValidFrenchRibKey(bank: string, branch: string, account: string, key: string): boolean {
  if (!/^\d{5}$/.test(bank) || !/^\d{5}$/.test(branch) || !/^[A-Z0-9]{11}$/.test(account) || !/^\d{2}$/.test(key)) {
    return false;
  }
  return frenchRibKey(bank, branch, account) === key;
}

/** Validates a normalised IBAN: SEPA country and length, check digits, and the RIB key in France and Monaco. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const country = iban.slice(0, 2);
  if (IBAN_LENGTHS[country] !== iban.length) return false;
  // 00 and 01 pass the modulus as aliases of 97 and 98 but are never issued.
  const checkDigits = Number(iban.slice(2, 4));
  if (checkDigits < 2 || checkDigits > 98) return false;
  if (mod97(ibanDigits(iban.slice(4) + iban.slice(0, 4))) !== 1) return false;
  if (RIB_COUNTRIES.has(country)) {
    const rib = RIB_FORMAT.exec(iban.slice(4));
    return rib !== null && isValidFrenchRibKey(rib[1]!, rib[2]!, rib[3]!, rib[4]!);
  }
  return true;
}

function ibanCheckDigits(country: string, bban: string): string {
  return String(98 - mod97(ibanDigits(`${bban}${country}00`))).padStart(2, "0");
}

/**
 * A valid French IBAN (RIB key and IBAN check digits). About one account in ten carries a letter,
 * as La Banque Postale's do, so that the RIB letter conversion is exercised too.
 */
export function generateFrenchIban(rng: Rng, options: { bankCode?: string } = {}): string {
  const bank = options.bankCode ?? randomDigits(rng, 5);
  if (!/^\d{5}$/.test(bank)) throw new Error("generateFrenchIban: the bank code has 5 digits");
  const branch = randomDigits(rng, 5);
  const account =
    rng() < 0.1
      ? `${randomDigits(rng, 7)}${String.fromCharCode(65 + randomInt(rng, 0, 25))}${randomDigits(rng, 3)}`
      : randomDigits(rng, 11);
  const bban = `${bank}${branch}${account}${frenchRibKey(bank, branch, account)}`;
  return `FR${ibanCheckDigits("FR", bban)}${bban}`;
}

/** Groups of four characters, the way IBANs are printed. */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, "$1 ");
}

/**
 * What `contracts.iban_hint` stores: country and check digits plus the last four characters,
 * as bank statements show them. The bank, branch and most of the account exist only encrypted.
 */
export function ibanHint(iban: string): string {
  return iban.slice(0, 4) + iban.slice(-4);
}

/** Masked display rebuilt from the hint alone, e.g. `FR76 •••• •••• •••• •••• •••0 189`. */
export function maskIbanHint(hint: string): string {
  const length = IBAN_LENGTHS[hint.slice(0, 2)];
  if (hint.length !== 8 || length === undefined) return `•••• ${hint.slice(-4)}`;
  return formatIban(hint.slice(0, 4) + "•".repeat(length - 8) + hint.slice(4));
}

// ---------------------------------------------------------------------------------------------
// SIREN and SIRET

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

function luhnCheckDigit(partial: string): string {
  return String((10 - (luhnSum(`${partial}0`) % 10)) % 10);
}

/** La Poste's establishments are too many for Luhn-valid SIRETs: theirs have a digit sum divisible by 5. */
const LA_POSTE_SIREN = "356000000";

export function isValidSiren(siren: string): boolean {
  return /^\d{9}$/.test(siren) && luhnSum(siren) % 10 === 0;
}

export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret) || !isValidSiren(siret.slice(0, 9))) return false;
  if (siret.startsWith(LA_POSTE_SIREN)) {
    let sum = 0;
    for (const ch of siret) sum += Number(ch);
    return sum % 5 === 0;
  }
  return luhnSum(siret) % 10 === 0;
}

/** A valid SIRET (never La Poste's); its SIREN is the first nine digits. */
export function generateSiret(rng: Rng): string {
  let siren: string;
  do {
    const partial = `${randomInt(rng, 1, 9)}${randomDigits(rng, 7)}`;
    siren = partial + luhnCheckDigit(partial);
  } while (siren === LA_POSTE_SIREN);
  // The NIC numbers a company's establishments: 0001x for the first ones.
  const partial = `${siren}000${randomInt(rng, 1, 9)}`;
  return partial + luhnCheckDigit(partial);
}

// ---------------------------------------------------------------------------------------------
// Member number

/**
 * Bascule's member number: `A`, a 7-digit sequence and a Luhn check digit (e.g. `A00000018`). It
 * is not a secret (it is printed on every letter and card), so it stays sequential; account
 * activation pairs it with the birth date and a mail to the address on file. The check digit
 * catches typos before any lookup.
 */
const MEMBER_NUMBER_FORMAT = /^A\d{8}$/;
const MAX_MEMBER_SEQUENCE = 9_999_999;

export function normalizeMemberNumber(input: string): string {
  return input.replace(/[\s.-]/g, "").toUpperCase();
}

export function generateMemberNumber(sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_MEMBER_SEQUENCE) {
    throw new RangeError(`Member sequence out of range: ${sequence}`);
  }
  const body = String(sequence).padStart(7, "0");
  return `A${body}${luhnCheckDigit(body)}`;
}

export function isValidMemberNumber(memberNumber: string): boolean {
  return MEMBER_NUMBER_FORMAT.test(memberNumber) && luhnSum(memberNumber.slice(1)) % 10 === 0;
}
