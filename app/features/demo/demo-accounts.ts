/*
 * The fixed facts of the demo data set, in one place for the seed, the tests and the README.
 * Everything here is synthetic and public on purpose: it only ever exists in demo databases,
 * which the seed refuses to create in production.
 */

export const DEMO_PASSWORD = "bascule-demo-2026";

/** Base32 TOTP secret shared by the staff demo accounts (enter it in any authenticator app). */
export const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/** Member numbers of the demo people, who are the first three members the seed creates. */
export const DEMO_MEMBER_NUMBERS = {
  marie: "A00000018",
  karim: "A00000026",
  lucie: "A00000034",
} as const;

/** Marie Dupont: individual contract F2 in the Var, with her husband and two children. Has an account. */
export const DEMO_MARIE = {
  email: "marie.dupont@exemple.fr",
  firstName: "Marie",
  lastName: "Dupont",
  birthDate: "1986-04-12",
  memberNumber: DEMO_MEMBER_NUMBERS.marie,
  formulaCode: "F2",
  departement: "83",
  contractStartDate: "2019-03-01",
  spouse: { firstName: "Thomas", lastName: "Dupont", birthDate: "1984-09-30" },
  /** Léa is covered on her mother's NIR, Hugo on his father's. */
  children: [
    { firstName: "Léa", lastName: "Dupont", birthDate: "2015-05-19" },
    { firstName: "Hugo", lastName: "Dupont", birthDate: "2018-10-02" },
  ],
} as const;

/** Karim Benali: covered through his employer's collective contract, formula F3. Has an account. */
export const DEMO_KARIM = {
  email: "karim.benali@exemple.fr",
  firstName: "Karim",
  lastName: "Benali",
  birthDate: "1979-11-23",
  memberNumber: DEMO_MEMBER_NUMBERS.karim,
  formulaCode: "F3",
  departement: "83",
  contractStartDate: "2016-09-01",
  employerName: "Chantiers navals du Levant",
} as const;

/** Lucie Martin: member without an account, to demonstrate activation (member number + birth date). */
export const DEMO_LUCIE = {
  email: "lucie.martin@exemple.fr",
  firstName: "Lucie",
  lastName: "Martin",
  birthDate: "1992-07-08",
  memberNumber: DEMO_MEMBER_NUMBERS.lucie,
  formulaCode: "F1",
  departement: "75",
  contractStartDate: "2023-01-01",
} as const;

/**
 * The switchboard's allow-listed re-test account: the fourth member the seed creates, alone on
 * an individual contract, whose account the automated re-tests sign in as. Its login is a Bascule
 * address (the account belongs to the insurer); its contact address is on the members' domain.
 */
export const DEMO_TESTER = {
  email: "testeur.recette@bascule.example",
  contactEmail: "theo.recette@exemple.fr",
  firstName: "Théo",
  lastName: "Recette",
  birthDate: "1990-02-14",
  memberNumber: "A00000042",
  formulaCode: "F2",
  departement: "83",
  contractStartDate: "2024-01-01",
} as const;

export type DemoStaffRole = "CLAIMS_HANDLER" | "ADMIN";

/**
 * Staff accounts, with DEMO_PASSWORD and the TOTP secret DEMO_TOTP_SECRET. Two admins, so that
 * four-eyes approvals can be shown.
 */
export const DEMO_STAFF: readonly { email: string; displayName: string; role: DemoStaffRole }[] = [
  { email: "gestion@bascule.example", displayName: "Gaëlle Gestion", role: "CLAIMS_HANDLER" },
  { email: "admin.alice@bascule.example", displayName: "Alice Admin", role: "ADMIN" },
  { email: "admin.bruno@bascule.example", displayName: "Bruno Admin", role: "ADMIN" },
];
