import { redirect } from "react-router";
import { type GuardArgs, ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { ROLE_LABELS } from "./format";
import { type Progress, type StepCompletion, type StepKey, canOpen, furthestReachable, progressFor, stepPath } from "./steps";
import { type Draft, completionOf, findDraft, isEditable, readDraftToken } from "./subscription-draft.server";
import { formatEuros } from "~/platform/format/euros";
import { frenchDate } from "~/platform/time/civil-date";

/*
 * What every step route does first: find the prospect's draft from the cookie and refuse to open
 * a step whose predecessors are not complete (a bookmarked or typed URL lands on the right step).
 */

export type StepContext = { draft: Draft; done: StepCompletion; progress: Progress; ipHash: string };

export async function loadStep(args: GuardArgs, step: StepKey): Promise<StepContext> {
  const draft = await findDraft(db(), readDraftToken(args.request));
  if (!draft || draft.status === "EXPIRED") throw redirect("/adhesion");
  if (!isEditable(draft)) throw redirect("/adhesion/confirmation");
  const done = completionOf(draft);
  if (!canOpen(step, done)) throw redirect(stepPath(furthestReachable(done)));
  return { draft, done, progress: progressFor(step, done), ipHash: ipHashOf(args.context) };
}



/** The quote as the steps recall it, without anything sensitive. */
export function quoteSummary(draft: Draft) {
  const q = draft.quote;
  const code = draft.data.formulaCode ?? q.chosenFormulaCode;
  const formula = q.formulas.find((f) => f.code === code) ?? null;
  return {
    reference: q.reference,
    postcode: q.postcode,
    departement: q.departement,
    startDate: frenchDate(q.startDate),
    formula: formula ? { code: formula.code, name: formula.name, monthly: formatEuros(formula.monthlyCents) } : null,
    persons: q.persons.map((p, i) => ({ index: i, role: p.role, label: ROLE_LABELS[p.role], birthYear: p.birthDate.slice(0, 4) })),
  };
}
