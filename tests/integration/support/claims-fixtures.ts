import { sealPersonContact, sealUserEmail } from "~/platform/crypto/personal-data.server";
import { randomBytes } from "node:crypto";
import type { InspectedDocument } from "~/features/claims/member/documents";
import type { SubmitClaimInput } from "~/features/claims/member/submit-claim.server";
import type { ClaimLineInput } from "~/features/claims/engine/types";
import { FORMULAS, type FormulaCode, REGULATORY_PARAMETERS } from "~/features/members/formulas-catalogue";
import { encryptField } from "~/platform/crypto/keyring.server";
import type { Db } from "~/platform/db/client.server";
import { contracts, formulas, guaranteeLines, persons, regulatoryParameters, users } from "~/platform/db/schema";
import { pdfDocument } from "../../support/documents";

/*
 * Claims need the real catalogue (formulas, guarantee lines, regulatory amounts) and a household:
 * a member with an account, a spouse and a child on one contract.
 */

const unique = () => randomBytes(4).toString("hex");

async function ensureClaimsCatalogue(db: Db): Promise<Map<FormulaCode, string>> {
  const existing = await db.select({ id: formulas.id, code: formulas.code }).from(formulas);
  const ids = new Map(existing.map((f) => [f.code as FormulaCode, f.id]));
  for (const { lines, ...formula } of FORMULAS) {
    if (ids.has(formula.code)) continue;
    const [row] = await db.insert(formulas).values(formula).returning({ id: formulas.id });
    await db.insert(guaranteeLines).values(lines.map((line) => ({ ...line, formulaId: row!.id })));
    ids.set(formula.code, row!.id);
  }
  await db.insert(regulatoryParameters).values([...REGULATORY_PARAMETERS]).onConflictDoNothing();
  return ids;
}

export type Household = Awaited<ReturnType<typeof createHousehold>>;

export async function createHousehold(db: Db, options: { formula?: FormulaCode; startDate?: string } = {}) {
  const ids = await ensureClaimsCatalogue(db);
  const startDate = options.startDate ?? "2020-01-01";
  const [contract] = await db
    .insert(contracts)
    .values({ number: `CT-${unique()}`, kind: "INDIVIDUAL", status: "ACTIVE", formulaId: ids.get(options.formula ?? "F2")!, startDate, departement: "83" })
    .returning();
  const memberEmail = `camille.${unique()}@exemple.fr`;
  const accountEmail = `compte.${unique()}@exemple.fr`;
  const base = { contractId: contract!.id, coveredFrom: startDate, lastName: "Essai" };
  const [member] = await db
    .insert(persons)
    .values({
      ...base,
      role: "MEMBER",
      memberNumber: `A${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`,
      firstName: "Camille",
      birthDate: "1980-05-17",
      nirEnc: encryptField("persons.nir", "280058312345678"),
      nirHint: "280052",
      ...sealPersonContact({ email: memberEmail }),
    })
    .returning();
  const [spouse] = await db
    .insert(persons)
    .values({ ...base, role: "SPOUSE", firstName: "Dominique", birthDate: "1979-02-01", nirEnc: encryptField("persons.nir", "179028312345612"), nirHint: "179022" })
    .returning();
  const [child] = await db
    .insert(persons)
    .values({ ...base, role: "CHILD", firstName: "Sacha", birthDate: "2015-06-01", nirHolderPersonId: member!.id, birthRank: 1 })
    .returning();
  const [user] = await db
    .insert(users)
    .values({ ...sealUserEmail(accountEmail), role: "MEMBER", displayName: "Camille Essai", personId: member!.id })
    .returning();
  return {
    contract: contract!,
    member: { ...member!, email: memberEmail },
    spouse: spouse!,
    child: child!,
    user: { ...user!, email: accountEmail },
    memberRef: { userId: user!.id, displayName: user!.displayName, personId: member!.id },
  };
}

/** A well-formed PDF of at least `size` bytes saying `label` (claims deduplicate by file hash). */
export function pdfBytes(label: string, size = 2_000): Uint8Array {
  return pdfDocument(label, size);
}

/** The instant claims tests are set at: mid-June 2026, so that care dates and ceilings are known. */
export const CLAIMS_NOW = new Date("2026-06-15T10:00:00Z");

/** DOMAIN.md's worked example: GP 30 €, BR 30 €, 70 %, Sécu paid 19 € (2 € participation): Bascule's share is at most 11 €. */
export const gpLine = (overrides: Partial<ClaimLineInput> = {}): ClaimLineInput => ({
  category: "GP",
  careDate: "2026-06-10",
  realCostCents: 3_000,
  secu: { covered: true, baseCents: 3_000, ratePct: 70, paidCents: 1_900 },
  providerName: "Dr Martin",
  providerOptam: true,
  ...overrides,
});

/** An invoice and a Sécu statement; the same label gives the same contents (hence the same file hashes). */
export const claimFiles = (label: string): InspectedDocument[] => [
  { kind: "INVOICE", fileName: "facture.pdf", mimeType: "application/pdf", bytes: pdfBytes(`facture ${label}`) },
  { kind: "SECU_STATEMENT", fileName: "decompte.pdf", mimeType: "application/pdf", bytes: pdfBytes(`decompte ${label}`) },
];

/**
 * What the member of `h` files online for themselves: one GP line, no invoice number, received and
 * decided at CLAIMS_NOW; `overrides` changes any of it.
 */
export const onlineClaim = (h: Household, documents: readonly InspectedDocument[], overrides: Partial<SubmitClaimInput> = {}): SubmitClaimInput => ({
  channel: "ONLINE",
  contractId: h.contract.id,
  beneficiaryId: h.member.id,
  submittedByUserId: h.user.id,
  actor: { userId: h.user.id, label: h.user.displayName },
  lines: [gpLine()],
  invoiceNumber: null,
  documents,
  receivedAt: CLAIMS_NOW,
  now: CLAIMS_NOW,
  ...overrides,
});
