import { asc, eq } from "drizzle-orm";
import type { Db } from "~/platform/db/client.server";
import { contracts, employers, formulas, guaranteeLines, persons } from "~/platform/db/schema";
import { maskIbanHint, maskNirHint } from "~/platform/identifiers/identifiers";

/**
 * Everything the member dashboard shows, for the signed-in member's own contract only. Sensitive
 * identifiers are never decrypted here: the page shows them masked, from their stored hints.
 */
export async function getMemberDashboard(db: Db, personId: string) {
  const [me] = await db
    .select({ person: persons, contract: contracts, formula: formulas, employerName: employers.name })
    .from(persons)
    .innerJoin(contracts, eq(contracts.id, persons.contractId))
    .innerJoin(formulas, eq(formulas.id, contracts.formulaId))
    .leftJoin(employers, eq(employers.id, contracts.employerId))
    .where(eq(persons.id, personId))
    .limit(1);
  if (!me) return null;
  const [beneficiaries, guarantees] = await Promise.all([
    db
      .select()
      .from(persons)
      .where(eq(persons.contractId, me.contract.id))
      .orderBy(asc(persons.role), asc(persons.birthDate)),
    db
      .select()
      .from(guaranteeLines)
      .where(eq(guaranteeLines.formulaId, me.formula.id))
      .orderBy(asc(guaranteeLines.sortOrder)),
  ]);
  const hintOf = new Map(beneficiaries.map((b) => [b.id, b.nirHint]));
  return {
    firstName: me.person.firstName,
    memberNumber: me.person.memberNumber,
    contract: {
      number: me.contract.number,
      kind: me.contract.kind,
      status: me.contract.status,
      startDate: me.contract.startDate,
      endDate: me.contract.endDate,
      scheme: me.contract.scheme,
      employerName: me.employerName,
      iban: me.contract.ibanHint ? maskIbanHint(me.contract.ibanHint) : null,
    },
    formula: { code: me.formula.code, name: me.formula.name, description: me.formula.description },
    guarantees: guarantees.map((g) => ({ category: g.category, label: g.label, summary: g.summary })),
    beneficiaries: beneficiaries.map((b) => {
      const hint = b.nirHint ?? (b.nirHolderPersonId ? hintOf.get(b.nirHolderPersonId) : null);
      return {
        id: b.id,
        role: b.role,
        firstName: b.firstName,
        lastName: b.lastName,
        birthDate: b.birthDate,
        nir: hint ? maskNirHint(hint) : null,
        coveredOnParentNir: !b.nirHint && Boolean(b.nirHolderPersonId),
      };
    }),
  };
}
