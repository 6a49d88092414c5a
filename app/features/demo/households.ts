import type { FormulaCode } from "~/features/members";
import { generateMemberNumber, generateSiret } from "~/platform/identifiers/identifiers";
import { DEMO_KARIM, DEMO_MARIE, DEMO_MEMBER_NUMBERS } from "./demo-accounts";
import { type Address, type BankAccount, type DemoGenerator, type Sex, addYears, maxDate } from "./generator";
import { addDays } from "~/platform/time/civil-date";
import { ALSACE_MOSELLE, type Home, homeOf } from "./geography";

/*
 * The demo households and employers, as plain data: a generator (seeded, with its reference date)
 * in, contracts and the people they cover out, identifiers in clear. Writing them (encryption,
 * blind indexes, hints) is the seed's job (household-rows.server.ts).
 */

export type ContractDraft = {
  id: string;
  number: string;
  kind: "INDIVIDUAL" | "COLLECTIVE";
  status: "ACTIVE" | "TERMINATED";
  formulaId: string;
  employerId: string | null;
  startDate: string;
  endDate: string | null;
  scheme: "GENERAL" | "ALSACE_MOSELLE";
  departement: string;
} & BankAccount;

export type PersonDraft = {
  id: string;
  contractId: string;
  role: "MEMBER" | "SPOUSE" | "CHILD";
  civility: "Mme" | "M." | null;
  firstName: string;
  lastName: string;
  birthDate: string;
  coveredFrom: string;
  coveredTo: string | null;
  c2s: boolean;
  /** Own NIR in clear; null for a child covered on a parent's number. */
  nir: string | null;
  nirHolderPersonId: string | null;
  birthRank: number | null;
  memberNumber?: string;
  email?: string;
  phone?: string | null;
} & Partial<Address>;

export type Household = { contract: ContractDraft; persons: PersonDraft[] };

export type EmployerDraft = {
  row: { id: string; name: string; siren: string; siret: string };
  formulaCode: FormulaCode;
  cumulativeWeight: number;
};

type Draft = {
  role: "MEMBER" | "SPOUSE" | "CHILD";
  sex: Sex;
  firstName: string;
  lastName: string;
  birthDate: string;
};

// ---------------------------------------------------------------------------------------------
// Households

type ContractTerms = {
  sequence: number;
  kind: "INDIVIDUAL" | "COLLECTIVE";
  formulaId: string;
  employerId: string | null;
  startDate: string;
  endDate: string | null;
  home: Home;
  scheme: "GENERAL" | "ALSACE_MOSELLE";
};

function contractDraft(g: DemoGenerator, t: ContractTerms): ContractDraft {
  return {
    id: g.newId(),
    number: `CT-${t.startDate.slice(0, 4)}-${String(t.sequence).padStart(6, "0")}`,
    kind: t.kind,
    status: t.endDate === null ? "ACTIVE" : "TERMINATED",
    formulaId: t.formulaId,
    employerId: t.employerId,
    startDate: t.startDate,
    endDate: t.endDate,
    scheme: t.scheme,
    departement: t.home.departement,
    ...g.bankAccount(t.startDate, t.endDate === null),
  };
}

function personDraft(
  g: DemoGenerator,
  contract: ContractDraft,
  draft: Draft,
  identity: Pick<PersonDraft, "nir" | "nirHolderPersonId" | "birthRank">,
  extra: Partial<PersonDraft> = {},
): PersonDraft {
  return {
    id: g.newId(),
    contractId: contract.id,
    role: draft.role,
    civility: draft.role === "CHILD" ? null : draft.sex === "female" ? "Mme" : "M.",
    firstName: draft.firstName,
    lastName: draft.lastName,
    birthDate: draft.birthDate,
    coveredFrom: maxDate(contract.startDate, draft.birthDate),
    coveredTo: contract.endDate ?? null,
    c2s: false,
    ...identity,
    ...extra,
  };
}

function ownNir(g: DemoGenerator, draft: Draft, home: Home) {
  return {
    nir: g.nir(draft.sex, draft.birthDate, g.birthDepartement(home, draft.birthDate)),
    nirHolderPersonId: null,
    birthRank: null,
  };
}

/** A child under 16 is usually covered on a parent's NIR, identified by birth date and rank (twins). */
function onParentNir(parent: { id: string }, birthRank: number) {
  return { nir: null, nirHolderPersonId: parent.id, birthRank };
}

function schemeOf(g: DemoGenerator, home: Home): "GENERAL" | "ALSACE_MOSELLE" {
  // The local scheme follows the place of work, so a few residents stay in the general one.
  return ALSACE_MOSELLE.has(home.departement) && g.chance(0.85) ? "ALSACE_MOSELLE" : "GENERAL";
}

const INDIVIDUAL_AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[18, 29], 10],
  [[30, 59], 45],
  [[60, 92], 45],
];

export function randomHousehold(
  g: DemoGenerator,
  sequence: number,
  formulaIds: ReadonlyMap<FormulaCode, string>,
  employer: EmployerDraft | null,
): Household {
  const home = g.home();
  const sex = g.sex();
  // Employees are of working age; individual contracts lean towards retirees.
  const [minAge, maxAge] = employer ? ([20, 64] as const) : g.weighted(INDIVIDUAL_AGE_BANDS);
  const age = g.int(minAge, maxAge);
  const member: Draft = {
    role: "MEMBER",
    sex,
    firstName: g.firstName(sex),
    lastName: g.lastName(),
    birthDate: g.birthDateForAge(age),
  };
  const formulaCode =
    employer?.formulaCode ??
    g.weighted<FormulaCode>([
      ["F1", 20],
      ["F2", 40],
      ["F3", 28],
      ["F4", 12],
    ]);
  const latestStart = addDays(g.today, -30);
  const startDate = g.dateBetween(maxDate("2008-01-01", addYears(member.birthDate, 18)), latestStart);
  const endDate =
    startDate < addYears(g.today, -1) && g.chance(0.06)
      ? g.dateBetween(addYears(startDate, 1), addDays(g.today, -1))
      : null;
  const contract = contractDraft(g, {
    sequence,
    kind: employer ? "COLLECTIVE" : "INDIVIDUAL",
    formulaId: formulaIds.get(formulaCode)!,
    employerId: employer?.row.id ?? null,
    startDate,
    endDate,
    home,
    scheme: schemeOf(g, home),
  });
  const address = g.address(home);
  const c2s = !employer && g.chance(0.02);
  const principal = personDraft(g, contract, member, ownNir(g, member, home), {
    memberNumber: generateMemberNumber(sequence),
    email: g.email(member.firstName, member.lastName),
    phone: g.phone(home),
    ...address,
    c2s,
  });
  const household: Household = { contract, persons: [principal] };

  let spouse: PersonDraft | null = null;
  if (age >= 22 && age <= 85 && g.chance(0.5)) {
    const spouseSex: Sex = g.chance(0.93) ? (sex === "female" ? "male" : "female") : sex;
    const draft: Draft = {
      role: "SPOUSE",
      sex: spouseSex,
      firstName: g.firstName(spouseSex),
      lastName: g.chance(0.6) ? member.lastName : g.lastName(),
      birthDate: g.birthDateForAge(Math.min(95, Math.max(18, age + g.int(-6, 6)))),
    };
    spouse = personDraft(g, contract, draft, ownNir(g, draft, home), {
      phone: g.chance(0.5) ? g.phone(home) : null,
      ...address,
      c2s,
    });
    household.persons.push(spouse);
  }

  // Parents were 18 to 45 at the birth; children stay covered until 25 at most.
  const oldest = Math.min(24, age - 18);
  const youngest = Math.max(0, age - 45);
  if (age >= 22 && oldest >= youngest) {
    const count = g.weighted([
      [0, 40],
      [1, 25],
      [2, 25],
      [3, 10],
    ]);
    let previousBirthDate: string | null = null;
    for (let i = 0; i < count; i++) {
      const twin = previousBirthDate !== null && g.chance(0.03);
      const childSex = g.sex();
      const draft: Draft = {
        role: "CHILD",
        sex: childSex,
        firstName: g.firstName(childSex),
        lastName: member.lastName,
        birthDate: twin && previousBirthDate !== null ? previousBirthDate : g.birthDateForAge(g.int(youngest, oldest)),
      };
      previousBirthDate = draft.birthDate;
      // A child born after the contract ended was never on it.
      if (endDate !== null && draft.birthDate > endDate) continue;
      const under16 = draft.birthDate > addYears(g.today, -16);
      const identity =
        under16 && g.chance(0.75)
          ? onParentNir(spouse !== null && g.chance(0.4) ? spouse : principal, twin ? 2 : 1)
          : ownNir(g, draft, home);
      household.persons.push(personDraft(g, contract, draft, identity, { c2s }));
    }
  }
  return household;
}

export function marieHousehold(g: DemoGenerator, formulaIds: ReadonlyMap<FormulaCode, string>): Household {
  const home = homeOf(DEMO_MARIE.departement);
  const contract = contractDraft(g, {
    sequence: 1,
    kind: "INDIVIDUAL",
    formulaId: formulaIds.get(DEMO_MARIE.formulaCode)!,
    employerId: null,
    startDate: DEMO_MARIE.contractStartDate,
    endDate: null,
    home,
    scheme: "GENERAL",
  });
  const address = g.address(home);
  const marieDraft: Draft = { role: "MEMBER", sex: "female", ...nameAndBirthDate(DEMO_MARIE) };
  const marie = personDraft(g, contract, marieDraft, ownNir(g, marieDraft, home), {
    memberNumber: DEMO_MEMBER_NUMBERS.marie,
    email: DEMO_MARIE.email,
    phone: g.phone(home),
    ...address,
  });
  const thomasDraft: Draft = { role: "SPOUSE", sex: "male", ...nameAndBirthDate(DEMO_MARIE.spouse) };
  const thomas = personDraft(g, contract, thomasDraft, ownNir(g, thomasDraft, home), { phone: g.phone(home), ...address });
  const [lea, hugo] = DEMO_MARIE.children;
  return {
    contract,
    persons: [
      marie,
      thomas,
      personDraft(g, contract, { role: "CHILD", sex: "female", ...nameAndBirthDate(lea) }, onParentNir(marie, 1)),
      personDraft(g, contract, { role: "CHILD", sex: "male", ...nameAndBirthDate(hugo) }, onParentNir(thomas, 1)),
    ],
  };
}

export function singleMemberHousehold(
  g: DemoGenerator,
  formulaIds: ReadonlyMap<FormulaCode, string>,
  demo: { [K in "departement" | "contractStartDate" | "memberNumber" | "email" | "firstName" | "lastName" | "birthDate"]: string } & {
    formulaCode: FormulaCode;
  },
  sequence: number,
  sex: Sex,
  employer: EmployerDraft | null,
): Household {
  const home = homeOf(demo.departement);
  const contract = contractDraft(g, {
    sequence,
    kind: employer ? "COLLECTIVE" : "INDIVIDUAL",
    formulaId: formulaIds.get(demo.formulaCode)!,
    employerId: employer?.row.id ?? null,
    startDate: demo.contractStartDate,
    endDate: null,
    home,
    scheme: "GENERAL",
  });
  const draft: Draft = { role: "MEMBER", sex, ...nameAndBirthDate(demo) };
  const person = personDraft(g, contract, draft, ownNir(g, draft, home), {
    memberNumber: demo.memberNumber,
    email: demo.email,
    phone: g.phone(home),
    ...g.address(home),
  });
  return { contract, persons: [person] };
}

function nameAndBirthDate(p: { firstName: string; lastName: string; birthDate: string }) {
  return { firstName: p.firstName, lastName: p.lastName, birthDate: p.birthDate };
}

// ---------------------------------------------------------------------------------------------
// Employers

export function draftEmployers(g: DemoGenerator, count: number): EmployerDraft[] {
  const drafts: EmployerDraft[] = [];
  const sirets = new Set<string>();
  let cumulative = 0;
  for (let rank = 0; rank < count; rank++) {
    let siret: string;
    do siret = generateSiret(g.rng);
    while (sirets.has(siret));
    sirets.add(siret);
    const demo = rank === 0;
    // A few large employers and many small ones (Zipf-like), as in any region.
    cumulative += 1 / (rank + 1) ** 0.9;
    drafts.push({
      row: {
        id: g.newId(),
        name: demo ? DEMO_KARIM.employerName : g.employerName(),
        siren: siret.slice(0, 9),
        siret,
      },
      formulaCode: demo
        ? DEMO_KARIM.formulaCode
        : g.weighted<FormulaCode>([
            ["F1", 10],
            ["F2", 35],
            ["F3", 40],
            ["F4", 15],
          ]),
      cumulativeWeight: cumulative,
    });
  }
  return drafts;
}

export function pickEmployer(g: DemoGenerator, drafts: readonly EmployerDraft[]): EmployerDraft {
  const draw = g.rng() * drafts[drafts.length - 1]!.cumulativeWeight;
  let lo = 0;
  let hi = drafts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (drafts[mid]!.cumulativeWeight > draw) hi = mid;
    else lo = mid + 1;
  }
  return drafts[lo]!;
}
