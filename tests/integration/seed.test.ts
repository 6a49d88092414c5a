import { emailIndex, openPersonContact, openUserEmail } from "~/platform/crypto/personal-data.server";
import { and, asc, count, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_KARIM,
  DEMO_LUCIE,
  DEMO_MARIE,
  DEMO_MEMBER_NUMBERS,
  DEMO_PASSWORD,
  DEMO_STAFF,
  DEMO_TESTER,
  DEMO_TOTP_SECRET,
} from "~/features/demo/demo-accounts";
import { type SeedReport, isDatabaseEmpty, resetDemoData, seedDemoData } from "~/features/demo/seed.server";
import { FORMULAS, REGULATORY_PARAMETERS } from "~/features/members/formulas-catalogue";
import {
  generateMemberNumber,
  ibanHint,
  isValidIban,
  isValidMemberNumber,
  isValidNir,
  isValidSiren,
  isValidSiret,
  nirHint,
} from "~/platform/identifiers/identifiers";
import { verifyPassword } from "~/platform/auth/password.server";
import { parseConfig, setConfig } from "~/platform/config/env.server";
import { blindIndex, decryptField } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import {
  auditLog,
  contracts,
  employers,
  formulas,
  guaranteeLines,
  persons,
  regulatoryParameters,
  systemState,
  users,
} from "~/platform/db/schema";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

const NOW = new Date("2025-11-30T10:00:00Z");
const MEMBERS = 40;

let t: TestDatabase;
let report: SeedReport;
beforeAll(async () => {
  t = await createTestDatabase();
  report = await seedDemoData(t.db, { seed: 42, members: MEMBERS, now: NOW });
});
afterAll(async () => {
  await t.dispose();
});

/** Who is covered by what: everything a seed decides, minus random ids and ciphertexts. */
async function roster(db: Db) {
  return db
    .select({
      contract: contracts.number,
      kind: contracts.kind,
      status: contracts.status,
      formula: formulas.code,
      departement: contracts.departement,
      ibanHint: contracts.ibanHint,
      role: persons.role,
      memberNumber: persons.memberNumber,
      firstName: persons.firstName,
      lastName: persons.lastName,
      birthDate: persons.birthDate,
      nirHint: persons.nirHint,
      emailBidx: persons.emailBidx,
      city: persons.city,
    })
    .from(persons)
    .innerJoin(contracts, eq(contracts.id, persons.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .orderBy(asc(contracts.number), asc(persons.role), asc(persons.birthDate), asc(persons.firstName));
}

async function personByMemberNumber(memberNumber: string) {
  const [row] = await t.db
    .select({ person: persons, contract: contracts, formula: formulas.code })
    .from(persons)
    .innerJoin(contracts, eq(contracts.id, persons.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .where(eq(persons.memberNumber, memberNumber));
  if (!row) throw new Error(`no member ${memberNumber}`);
  return row;
}

describe("demo seed", () => {
  it("writes what it reports", async () => {
    const [p] = await t.db.select({ n: count() }).from(persons);
    const [members] = await t.db.select({ n: count() }).from(persons).where(eq(persons.role, "MEMBER"));
    const [c] = await t.db.select({ n: count() }).from(contracts);
    const [e] = await t.db.select({ n: count() }).from(employers);
    const [u] = await t.db.select({ n: count() }).from(users);
    expect(report).toMatchObject({
      seed: 42,
      members: MEMBERS,
      contracts: MEMBERS,
      persons: p!.n,
      employers: e!.n,
      users: 6,
    });
    expect(members!.n).toBe(MEMBERS);
    expect(c!.n).toBe(MEMBERS);
    expect(u!.n).toBe(6);
    expect(p!.n).toBeGreaterThan(MEMBERS);
  });

  it("gives the same people for the same seed", async () => {
    const other = await createTestDatabase();
    try {
      await seedDemoData(other.db, { seed: 42, members: MEMBERS, now: NOW });
      const expected = await roster(t.db);
      expect(await roster(other.db)).toEqual(expected);
      expect(expected.length).toBe(report.persons);
    } finally {
      await other.dispose();
    }
  });

  it("stores every NIR encrypted, with a matching blind index and hint", async () => {
    const rows = await t.db.select().from(persons);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const person of rows) {
      if (person.nirEnc === null) {
        // Covered on a parent's number: the parent is on the same contract and has one.
        expect(person.role).toBe("CHILD");
        expect(person.birthRank).toBeGreaterThanOrEqual(1);
        const holder = byId.get(person.nirHolderPersonId!);
        expect(holder?.contractId).toBe(person.contractId);
        expect(holder?.nirEnc).not.toBeNull();
        continue;
      }
      const nir = decryptField("persons.nir", person.nirEnc);
      expect(isValidNir(nir), person.nirHint ?? "").toBe(true);
      expect(person.nirBidx).toBe(blindIndex("nir", nir));
      expect(person.nirHint).toBe(nirHint(nir));
      expect(nir.slice(1, 5)).toBe(person.birthDate.slice(2, 4) + person.birthDate.slice(5, 7));
      if (person.civility) expect(nir[0]).toBe(person.civility === "Mme" ? "2" : "1");
    }
  });

  it("stores a valid French IBAN on every contract", async () => {
    const rows = await t.db.select().from(contracts);
    for (const contract of rows) {
      const iban = decryptField("contracts.iban", contract.ibanEnc!);
      expect(isValidIban(iban)).toBe(true);
      expect(iban.startsWith("FR")).toBe(true);
      expect(contract.ibanBidx).toBe(blindIndex("iban", iban));
      expect(contract.ibanHint).toBe(ibanHint(iban));
      expect(contract.bic).toMatch(/^[A-Z]{6}[A-Z0-9]{2}$/);
    }
  });

  it("keeps members' contact details synthetic and unreachable", async () => {
    const members = await t.db.select().from(persons).where(eq(persons.role, "MEMBER"));
    for (const member of members) {
      expect(isValidMemberNumber(member.memberNumber!)).toBe(true);
      const contact = openPersonContact(member);
      expect(contact.email).toMatch(/@(exemple\.fr|example\.org)$/);
      expect(member.emailBidx).toBe(emailIndex(contact.email!));
      expect(member.legacyEmail).toBeNull();
      expect(member.legacyPhone).toBeNull();
      expect(contact.phone).toMatch(/^(06 39 98|01 99 00|02 61 91|03 53 01|04 65 71|05 36 49) \d{2} \d{2}$/);
    }
    const children = await t.db.select().from(persons).where(eq(persons.role, "CHILD"));
    for (const child of children) expect(child.emailEnc).toBeNull();
  });

  it("links collective contracts to employers with valid SIRETs, and the local scheme to Alsace-Moselle", async () => {
    const rows = await t.db
      .select({ contract: contracts, employer: employers })
      .from(contracts)
      .leftJoin(employers, eq(employers.id, contracts.employerId));
    for (const { contract, employer } of rows) {
      if (contract.kind === "COLLECTIVE") {
        expect(isValidSiret(employer!.siret)).toBe(true);
        expect(isValidSiren(employer!.siren)).toBe(true);
        expect(employer!.siret.startsWith(employer!.siren)).toBe(true);
      } else {
        expect(employer).toBeNull();
      }
      if (contract.scheme === "ALSACE_MOSELLE") expect(["57", "67", "68"]).toContain(contract.departement);
    }
  });

  it("creates the demo accounts with their roles, password and TOTP", async () => {
    const accounts = (await t.db.select().from(users)).map((u) => ({ ...u, email: openUserEmail(u.emailEnc) })).sort((a, b) => a.email.localeCompare(b.email));
    expect(accounts.map((u) => [u.email, u.role]).sort()).toEqual(
      [[DEMO_MARIE.email, "MEMBER"], [DEMO_KARIM.email, "MEMBER"], [DEMO_TESTER.email, "MEMBER"], ...DEMO_STAFF.map((s) => [s.email, s.role])].sort(),
    );
    expect(await verifyPassword(accounts[0]!.passwordHash!, DEMO_PASSWORD)).toBe(true);
    for (const account of accounts) {
      if (account.role === "MEMBER") {
        expect(account.personId).not.toBeNull();
        expect(account.totpEnabled).toBe(false);
      } else {
        expect(account.personId).toBeNull();
        expect(account.totpEnabled).toBe(true);
        expect(decryptField("users.totp_key", account.totpKeyEnc!)).toBe(DEMO_TOTP_SECRET);
      }
    }
  });

  it("gives the demo members the first member numbers", () => {
    expect(DEMO_MEMBER_NUMBERS).toEqual({
      marie: generateMemberNumber(1),
      karim: generateMemberNumber(2),
      lucie: generateMemberNumber(3),
    });
  });

  it("covers Marie, her husband and their two children on an individual F2 contract in the Var", async () => {
    const { person: marie, contract, formula } = await personByMemberNumber(DEMO_MARIE.memberNumber);
    expect(marie).toMatchObject({
      firstName: "Marie",
      lastName: "Dupont",
      birthDate: DEMO_MARIE.birthDate,
      emailBidx: emailIndex(DEMO_MARIE.email),
    });
    expect(contract).toMatchObject({
      kind: "INDIVIDUAL",
      status: "ACTIVE",
      departement: "83",
      startDate: DEMO_MARIE.contractStartDate,
    });
    expect(formula).toBe("F2");
    const family = await t.db
      .select()
      .from(persons)
      .where(eq(persons.contractId, contract.id))
      .orderBy(asc(persons.birthDate));
    expect(family.map((p) => [p.role, p.firstName])).toEqual([
      ["SPOUSE", "Thomas"],
      ["MEMBER", "Marie"],
      ["CHILD", "Léa"],
      ["CHILD", "Hugo"],
    ]);
    const [thomas, , lea, hugo] = family;
    expect(lea).toMatchObject({ nirEnc: null, nirHolderPersonId: marie.id, birthRank: 1 });
    expect(hugo).toMatchObject({ nirEnc: null, nirHolderPersonId: thomas!.id, birthRank: 1 });
    const [account] = await t.db.select().from(users).where(eq(users.emailBidx, emailIndex(DEMO_MARIE.email)));
    expect(account?.personId).toBe(marie.id);
  });

  it("covers Karim through his employer's collective F3 contract", async () => {
    const { person: karim, contract, formula } = await personByMemberNumber(DEMO_KARIM.memberNumber);
    expect(karim).toMatchObject({ firstName: "Karim", lastName: "Benali", birthDate: DEMO_KARIM.birthDate });
    expect(contract.kind).toBe("COLLECTIVE");
    expect(formula).toBe("F3");
    const [employer] = await t.db.select().from(employers).where(eq(employers.id, contract.employerId!));
    expect(employer?.name).toBe(DEMO_KARIM.employerName);
    expect(isValidSiret(employer!.siret)).toBe(true);
    const [account] = await t.db.select().from(users).where(eq(users.emailBidx, emailIndex(DEMO_KARIM.email)));
    expect(account?.personId).toBe(karim.id);
  });

  it("leaves Lucie without an account, ready for activation", async () => {
    const { person: lucie, formula } = await personByMemberNumber(DEMO_LUCIE.memberNumber);
    expect(lucie).toMatchObject({
      firstName: "Lucie",
      lastName: "Martin",
      birthDate: DEMO_LUCIE.birthDate,
      emailBidx: emailIndex(DEMO_LUCIE.email),
    });
    expect(formula).toBe("F1");
    expect(await t.db.select().from(users).where(eq(users.personId, lucie.id))).toHaveLength(0);
  });

  it("writes the catalogue, the seed record and one audit entry", async () => {
    expect(await t.db.select().from(formulas)).toHaveLength(FORMULAS.length);
    expect(await t.db.select().from(guaranteeLines)).toHaveLength(FORMULAS.length * FORMULAS[0]!.lines.length);
    expect(await t.db.select().from(regulatoryParameters)).toHaveLength(REGULATORY_PARAMETERS.length);
    const [state] = await t.db.select().from(systemState).where(eq(systemState.key, "demo-seed"));
    expect(state?.value).toMatchObject({ seed: 42, members: MEMBERS, referenceDate: "2025-11-30" });
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.action, "demo.seeded"));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorLabel: "system", outcome: "success" });
  });

  it("refuses in production, and restores nothing half-written", async () => {
    try {
      setConfig(
        parseConfig({
          BASCULE_ENV: "production",
          BASCULE_ENCRYPTION_KEYS: `prod1:${Buffer.alloc(32, 1).toString("base64")}`,
          BASCULE_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString("base64"),
          SEPA_CREDITOR_ID: "FR15ZZZ832000",
          PUBLIC_ORIGIN: "https://bascule.example",
          METRICS_TOKEN: "metrics-token-of-the-tests",
        }),
      );
      await expect(seedDemoData(t.db, { members: 3 })).rejects.toThrow(/production/);
      await expect(resetDemoData(t.db)).rejects.toThrow(/production/);
    } finally {
      setConfig(parseConfig(process.env));
    }
    expect(await isDatabaseEmpty(t.db)).toBe(false);
  });

  it("refuses a database that already has people", async () => {
    await expect(seedDemoData(t.db, { members: 4 })).rejects.toThrow(/already holds/);
  });

  it("refuses fewer members than the demo needs", async () => {
    await expect(seedDemoData(t.db, { members: 2 })).rejects.toThrow(RangeError);
  });

  it("resets people and accounts, keeps the catalogue, and seeds again", async () => {
    await resetDemoData(t.db);
    expect(await isDatabaseEmpty(t.db)).toBe(true);
    expect(await t.db.select().from(employers)).toHaveLength(0);
    expect(await t.db.select().from(systemState).where(eq(systemState.key, "demo-seed"))).toHaveLength(0);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "demo.reset"))).toHaveLength(1);

    const again = await seedDemoData(t.db, { seed: 7, members: 5, now: NOW });
    expect(again.members).toBe(5);
    expect(await t.db.select().from(formulas)).toHaveLength(FORMULAS.length);
    expect(await t.db.select().from(regulatoryParameters)).toHaveLength(REGULATORY_PARAMETERS.length);
    const withNir = await t.db
      .select({ n: count() })
      .from(persons)
      .where(and(isNotNull(persons.nirEnc), eq(persons.role, "MEMBER")));
    expect(withNir[0]!.n).toBe(5);
  });
});
