import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type NirSex,
  type Rng,
  formatIban,
  generateFrenchIban,
  generateMemberNumber,
  generateNir,
  generateSiret,
  ibanHint,
  isValidFrenchRibKey,
  isValidIban,
  isValidMemberNumber,
  isValidNir,
  isValidSiren,
  isValidSiret,
  maskIbanHint,
  maskNirHint,
  nirHint,
  nirKey,
  normalizeIban,
  normalizeMemberNumber,
  normalizeNir,
} from "./identifiers";

/** mulberry32: a tiny seeded generator, so that fast-check's seed drives the identifier generators. */
function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALPHANUMERIC = DIGITS + LETTERS;

/** Replaces the character at `position` (modulo the length) by another one taken from `alphabet`. */
function mutate(value: string, position: number, alphabet: string, choice: number): string | null {
  const index = position % value.length;
  const current = value[index]!;
  const candidates = alphabet.replace(current, "");
  if (candidates.length === alphabet.length) return null;
  return value.slice(0, index) + candidates[choice % candidates.length]! + value.slice(index + 1);
}

const birthDate = fc
  .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2025-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const departement = fc.constantFrom(
  "01",
  "13",
  "19",
  "21",
  "2A",
  "2B",
  "57",
  "75",
  "83",
  "95",
  "971",
  "974",
  "976",
  "99",
);
const sex = fc.constantFrom<NirSex>(1, 2);

describe("NIR", () => {
  it.each([
    ["295109912611193", true],
    ["253072A07300443", true],
    ["253072B07300470", true],
    ["295109912611194", false], // wrong key
    ["253072B07300443", false], // 2B with the key of 2A
    ["395109912611193", false], // sex 3
    ["295139912611193", false], // month 13
    ["295009912611193", false], // month 00
    ["295450000000000", false], // month 45
    ["2951099126111", false], // no key
    ["253072C07300443", false], // no such Corsica code
  ])("isValidNir(%s) = %s", (nir, expected) => {
    expect(isValidNir(nir)).toBe(expected);
  });

  it("accepts the conventional months of an unknown birth month", () => {
    for (const month of ["20", "42", "50", "99"]) {
      const first13 = `1${"75"}${month}75056123`;
      expect(isValidNir(first13 + nirKey(first13))).toBe(true);
    }
  });

  it("normalises what people type", () => {
    expect(normalizeNir(" 2 95 10 99 126 111 93 ")).toBe("295109912611193");
    expect(normalizeNir("2.53.07.2a.073.004.43")).toBe("253072A07300443");
  });

  it("computes the key with 2A → 19 and 2B → 18", () => {
    expect(nirKey("2951099126111")).toBe("93");
    expect(nirKey("253072A073004")).toBe("43");
    expect(nirKey("253072B073004")).toBe("70");
  });

  it("masks from the hint alone", () => {
    expect(nirHint("295109912611193")).toBe("2951093");
    expect(maskNirHint("2951093")).toBe("2 95 10 •• ••• ••• 93");
    expect(maskNirHint("garbage")).toBe("• •• •• •• ••• ••• ••");
  });

  it("generates valid NIRs consistent with sex, birth date and place", () => {
    fc.assert(
      fc.property(fc.integer(), sex, birthDate, departement, (seed, s, born, dep) => {
        const nir = generateNir(seededRng(seed), { sex: s, birthDate: born, departement: dep });
        expect(isValidNir(nir)).toBe(true);
        expect(nir.slice(0, 5)).toBe(`${s}${born.slice(2, 4)}${born.slice(5, 7)}`);
        expect(nir.slice(5, 5 + dep.length)).toBe(dep);
      }),
    );
  });

  it("generates a metropolitan place of birth by default", () => {
    fc.assert(
      fc.property(fc.integer(), sex, birthDate, (seed, s, born) => {
        const nir = generateNir(seededRng(seed), { sex: s, birthDate: born });
        expect(isValidNir(nir)).toBe(true);
        expect(Number(nir.slice(5, 7))).toBeGreaterThanOrEqual(1);
        expect(Number(nir.slice(5, 7))).toBeLessThanOrEqual(95);
        expect(nir.slice(5, 7)).not.toBe("20");
      }),
    );
  });

  it("rejects any single-character change of a valid NIR", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        sex,
        birthDate,
        departement,
        fc.nat(),
        fc.nat(),
        (seed, s, born, dep, position, choice) => {
          const nir = generateNir(seededRng(seed), { sex: s, birthDate: born, departement: dep });
          const mutated = mutate(nir, position, ALPHANUMERIC, choice)!;
          expect(isValidNir(mutated)).toBe(false);
        },
      ),
    );
  });

  it("refuses to generate from a malformed birth date or département", () => {
    expect(() => generateNir(seededRng(1), { sex: 1, birthDate: "12/04/1986" })).toThrow();
    expect(() => generateNir(seededRng(1), { sex: 1, birthDate: "1986-04-12", departement: "2C" })).toThrow();
  });
});

describe("IBAN and RIB", () => {
  it.each([
    ["FR7630006000011234567890189", true],
    ["FR1420041010050500013M02606", true],
    ["DE89370400440532013000", true],
    ["BE68539007547034", true],
    ["ES9121000418450200051332", true],
    ["IT60X0542811101000000123456", true],
    ["LU280019400644750000", true],
    ["MC5811222000010123456789030", true],
    ["NL91ABNA0417164300", true],
    ["PT50000201231234567890154", true],
    ["CH9300762011623852957", true],
    ["GB82WEST12345698765432", true],
    ["FR7630006000011234567890188", false], // IBAN check digits and RIB key both wrong
    ["FR763000600001123456789018", false], // one character short
    ["DE8937040044053201300", false], // wrong length for Germany
    ["US64SVBKUS6S3300958879", false], // outside SEPA
    ["fr7630006000011234567890189", false], // not normalised
    ["FR76 3000 6000 0112 3456 7890 189", false], // not normalised
  ])("isValidIban(%s) = %s", (iban, expected) => {
    expect(isValidIban(iban)).toBe(expected);
  });

  it("refuses a French IBAN whose check digits are right but the RIB key wrong", () => {
    // Same BBAN with key 88 instead of 89, check digits recomputed so only the RIB key is wrong.
    const bban = "3000600001123456789018" + "8";
    const check = String(98 - Number(BigInt(`${bban}152700`) % 97n)).padStart(2, "0");
    const iban = `FR${check}${bban}`;
    expect(isValidIban(iban)).toBe(false);
  });

  it("refuses the never-issued check digits 00 and 01", () => {
    expect(isValidIban("GB00WEST12345698765432")).toBe(false);
    expect(isValidIban("GB01WEST12345698765432")).toBe(false);
  });

  it("normalises, formats and masks", () => {
    expect(normalizeIban(" fr76 3000-6000 0112 3456 7890 189")).toBe("FR7630006000011234567890189");
    expect(formatIban("FR7630006000011234567890189")).toBe("FR76 3000 6000 0112 3456 7890 189");
    expect(ibanHint("FR7630006000011234567890189")).toBe("FR760189");
    expect(maskIbanHint("FR760189")).toBe("FR76 •••• •••• •••• •••• •••0 189");
    expect(maskIbanHint("BE687034")).toBe("BE68 •••• •••• 7034");
    expect(maskIbanHint("??")).toBe("•••• ??");
  });

  it.each([
    ["30006", "00001", "12345678901", "89", true],
    ["20041", "01005", "0500013M026", "06", true],
    ["20041", "01005", "0500013D026", "06", true], // D and M both count as 4
    ["20041", "01005", "0500013N026", "06", false],
    ["30006", "00001", "12345678901", "88", false],
    ["3000", "00001", "12345678901", "89", false],
  ])("isValidFrenchRibKey(%s, %s, %s, %s) = %s", (bank, branch, account, key, expected) => {
    expect(isValidFrenchRibKey(bank, branch, account, key)).toBe(expected);
  });

  it("generates valid French IBANs", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const iban = generateFrenchIban(seededRng(seed));
        expect(iban).toHaveLength(27);
        expect(isValidIban(iban)).toBe(true);
      }),
    );
    expect(generateFrenchIban(seededRng(3), { bankCode: "30004" }).slice(4, 9)).toBe("30004");
  });

  // ISO 7064 MOD 97-10 catches every substitution of a digit by a digit or a letter by a letter.
  // A digit replaced by a letter lengthens the expanded number and slips through once in 97
  // times, which is why real validators also check the country's BBAN structure.
  it("rejects any same-kind single-character change of a valid IBAN", () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(), fc.nat(), (seed, position, choice) => {
        const iban = generateFrenchIban(seededRng(seed));
        const index = position % iban.length;
        const alphabet = DIGITS.includes(iban[index]!) ? DIGITS : LETTERS;
        expect(isValidIban(mutate(iban, index, alphabet, choice)!)).toBe(false);
      }),
    );
  });
});

describe("SIREN and SIRET", () => {
  it.each([
    ["732829320", true],
    ["732829321", false],
    ["356000000", true],
    ["73282932", false],
  ])("isValidSiren(%s) = %s", (siren, expected) => {
    expect(isValidSiren(siren)).toBe(expected);
  });

  it.each([
    ["73282932000074", true],
    ["73282932000075", false],
    ["73282932100074", false],
    ["35600000000001", true], // La Poste: digit sum 15, although the Luhn check fails
    ["35600000049837", true],
    ["35600000000048", false], // La Poste: digit sum 26
    ["7328293200007", false],
  ])("isValidSiret(%s) = %s", (siret, expected) => {
    expect(isValidSiret(siret)).toBe(expected);
  });

  it("generates valid SIRETs whose SIREN is valid too", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const siret = generateSiret(seededRng(seed));
        expect(isValidSiret(siret)).toBe(true);
        expect(isValidSiren(siret.slice(0, 9))).toBe(true);
        expect(siret.startsWith("356000000")).toBe(false);
      }),
    );
  });

  it("rejects any single-character change of a valid SIRET or SIREN", () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(), fc.nat(), (seed, position, choice) => {
        const siret = generateSiret(seededRng(seed));
        expect(isValidSiret(mutate(siret, position, ALPHANUMERIC, choice)!)).toBe(false);
        expect(isValidSiren(mutate(siret.slice(0, 9), position, ALPHANUMERIC, choice)!)).toBe(false);
      }),
    );
  });
});

describe("member number", () => {
  it("is A, a 7-digit sequence and a Luhn check digit", () => {
    expect(generateMemberNumber(1)).toBe("A00000018");
    expect(generateMemberNumber(2)).toBe("A00000026");
    expect(generateMemberNumber(9_999_999)).toMatch(/^A9999999\d$/);
    expect(() => generateMemberNumber(0)).toThrow(RangeError);
    expect(() => generateMemberNumber(10_000_000)).toThrow(RangeError);
    expect(() => generateMemberNumber(1.5)).toThrow(RangeError);
  });

  it.each([
    ["A00000018", true],
    ["A00000019", false],
    ["B00000018", false],
    ["A0000018", false],
    ["a00000018", false],
  ])("isValidMemberNumber(%s) = %s", (memberNumber, expected) => {
    expect(isValidMemberNumber(memberNumber)).toBe(expected);
  });

  it("normalises what people type", () => {
    expect(normalizeMemberNumber(" a 0000-0018 ")).toBe("A00000018");
  });

  it("generates valid numbers and rejects any single-character change", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), fc.nat(), fc.nat(), (sequence, position, choice) => {
        const memberNumber = generateMemberNumber(sequence);
        expect(isValidMemberNumber(memberNumber)).toBe(true);
        expect(isValidMemberNumber(mutate(memberNumber, position, ALPHANUMERIC, choice)!)).toBe(false);
      }),
    );
  });
});
