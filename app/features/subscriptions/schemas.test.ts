import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateFrenchIban, generateNir } from "~/platform/identifiers/identifiers";
import { addressSchema, bankSchema, documentsSchema, ibanProblem, nirProblem, personsSchema, refusalSchema, startDateBounds } from "./schemas";

const VALID_NIRS: [string, string][] = [
  ["295109912611193", "1995-10-14"],
  ["253072A07300443", "1953-07-02"],
  ["253072B07300470", "1953-07-21"],
];

describe("NIR messages", () => {
  it("accepts the domain's valid numbers, with spaces too", () => {
    for (const [nir, birthDate] of VALID_NIRS) expect(nirProblem(nir, birthDate)).toBeNull();
    expect(nirProblem("2 95 10 99 126 111 93", "1995-10-14")).toBeNull();
  });

  it("explains a wrong key", () => {
    expect(nirProblem("295109912611194", "1995-10-14")).toMatch(/clé/);
  });

  it("explains a birth year or month that does not match the birth date", () => {
    expect(nirProblem("295109912611193", "1996-10-14")).toMatch(/année de naissance/);
    expect(nirProblem("295109912611193", "1995-11-14")).toMatch(/mois de naissance/);
  });

  it("explains a wrong length or wrong characters", () => {
    expect(nirProblem("29510991261119", "1995-10-14")).toMatch(/15 caractères.*14/);
    expect(nirProblem("2951099126111X3", "1995-10-14")).toMatch(/chiffres/);
    expect(nirProblem("395109912611193", "1995-10-14")).toMatch(/1 ou 2/);
  });

  it("never repeats the number in its message", () => {
    expect(nirProblem("295109912611194", "1995-10-14")).not.toContain("2951099126111");
  });

  it("passes every generated NIR and refuses any single-character change", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.date({ min: new Date("1930-01-01T00:00:00Z"), max: new Date("2025-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom<1 | 2>(1, 2),
        fc.nat(14),
        fc.constantFrom(..."0123456789AB"),
        (seed, date, sex, position, replacement) => {
          let state = seed;
          const rng = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
          const birthDate = date.toISOString().slice(0, 10);
          const nir = generateNir(rng, { sex, birthDate });
          expect(nirProblem(nir, birthDate)).toBeNull();
          fc.pre(nir[position] !== replacement);
          const mutated = nir.slice(0, position) + replacement + nir.slice(position + 1);
          expect(nirProblem(mutated, birthDate)).not.toBeNull();
        },
      ),
    );
  });
});

describe("IBAN messages", () => {
  it("accepts the domain's valid IBANs", () => {
    expect(ibanProblem("FR76 3000 6000 0112 3456 7890 189")).toBeNull();
    expect(ibanProblem("FR1420041010050500013M02606")).toBeNull();
  });

  it("explains a wrong key, a wrong length and a country outside SEPA", () => {
    expect(ibanProblem("FR7630006000011234567890188")).toMatch(/clé de contrôle/);
    expect(ibanProblem("FR763000600001123456789018")).toMatch(/27 caractères/);
    expect(ibanProblem("US7630006000011234567890189")).toMatch(/SEPA/);
    expect(ibanProblem("<script>")).toMatch(/2 lettres/);
  });

  it("passes every generated IBAN and refuses any single-digit change", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.nat(26), fc.constantFrom(..."0123456789"), (seed, position, digit) => {
        let state = seed;
        const rng = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        const iban = generateFrenchIban(rng);
        expect(ibanProblem(iban)).toBeNull();
        fc.pre(/\d/.test(iban[position]!) && iban[position] !== digit);
        expect(ibanProblem(iban.slice(0, position) + digit + iban.slice(position + 1))).not.toBeNull();
      }),
    );
  });
});

describe("step schemas", () => {
  const quote = [
    { role: "MEMBER" as const, birthDate: "1995-10-14" },
    { role: "CHILD" as const, birthDate: "2020-03-01" },
  ];

  it("accepts a member with a NIR and a child on the parent's number", () => {
    const result = personsSchema(quote).safeParse({
      persons: [
        { civility: "Mme", firstName: "Camille", lastName: "Martin", birthDate: "1995-10-14", nir: "2 95 10 99 126 111 93" },
        { firstName: "Léo", lastName: "Martin", birthDate: "2020-03-01", nirMode: "parent", coveredBy: "0" },
      ],
    });
    expect(result.success).toBe(true);
  });

  it("refuses a birth year other than the quote's, a child without a parent, and hostile names", () => {
    const result = personsSchema(quote).safeParse({
      persons: [
        { civility: "Mme", firstName: "<img src=x onerror=alert(1)>", lastName: "Martin", birthDate: "1994-10-14", nir: "295109912611193" },
        { firstName: "Léo", lastName: "Martin", birthDate: "2020-03-01", nirMode: "parent", coveredBy: "1" },
      ],
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages.some((m) => m.startsWith("persons.0.firstName"))).toBe(true);
    expect(messages.some((m) => m.startsWith("persons.0.birthDate") && m.includes("1995"))).toBe(true);
    expect(messages.some((m) => m.startsWith("persons.1.coveredBy"))).toBe(true);
  });

  it("keeps a saved NIR when the field is left empty, unless the birth date no longer fits", () => {
    const schema = personsSchema([quote[0]!], ["2951093"]);
    expect(schema.safeParse({ persons: [{ civility: "Mme", firstName: "Camille", lastName: "Martin", birthDate: "1995-10-14", nir: "" }] }).success).toBe(true);
    expect(schema.safeParse({ persons: [{ civility: "Mme", firstName: "Camille", lastName: "Martin", birthDate: "1995-09-14", nir: "" }] }).success).toBe(false);
  });

  it("ties the postcode to the quote's département", () => {
    const base = { addressLine: "12 rue des Lilas", postcode: "83000", city: "Toulon", email: "camille@exemple.fr", phone: "06 12 34 56 78" };
    expect(addressSchema("83").safeParse(base).success).toBe(true);
    const moved = addressSchema("83").safeParse({ ...base, postcode: "75011" });
    expect(moved.error?.issues[0]?.message).toMatch(/nouveau devis/);
  });

  it("requires the mandate and a valid IBAN, or keeps the saved one", () => {
    expect(bankSchema().safeParse({ iban: "FR7630006000011234567890189", accountHolder: "Camille Martin", mandate: "on" }).success).toBe(true);
    expect(bankSchema().safeParse({ iban: "FR7630006000011234567890189", accountHolder: "Camille Martin" }).success).toBe(false);
    expect(bankSchema(true).safeParse({ iban: "", accountHolder: "Camille Martin", mandate: "on" }).success).toBe(true);
  });

  it("bounds the start date from tomorrow to 6 months, in the quote's year", () => {
    expect(startDateBounds("2026-11-29")).toEqual({ min: "2026-11-30", max: "2027-05-29" });
    const consents = { conditions: "on", privacy: "on", withdrawal: "on" };
    const schema = documentsSchema("2026-11-29", "2026");
    expect(schema.safeParse({ startDate: "2026-12-01", ...consents }).success).toBe(true);
    expect(schema.safeParse({ startDate: "2026-11-29", ...consents }).success).toBe(false);
    expect(schema.safeParse({ startDate: "2027-01-01", ...consents }).error?.issues[0]?.message).toMatch(/2026/);
    expect(schema.safeParse({ startDate: "2026-12-01", conditions: "on", privacy: "on" }).success).toBe(false);
  });
});

describe("refusal reason", () => {
  it("refuses a NUL byte or a bidirectional override with a French message instead of reaching the database", () => {
    for (const reason of ["Pièces manquantes\u0000", "Motif \u202Eeludom"]) {
      const result = refusalSchema.safeParse({ intent: "refuse", reason });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/caractères invisibles ou de contrôle/);
    }
    expect(refusalSchema.safeParse({ intent: "refuse", reason: "Pièces manquantes" }).success).toBe(true);
  });
});
