import {
  type FieldMetadata,
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  type SubmissionResult,
  useForm,
} from "@conform-to/react";
import type { ReactNode } from "react";
import { Form, useNavigation } from "react-router";
import { FieldError, FormErrors, SubmitButton, TextField } from "~/ui/form";
import { SelectField } from "~/ui/form-controls";
import { CARE_CATEGORY_LABELS, type RawClaimForm } from "../member/schemas";
import { type AdjustLineInput, MISSING_DOCUMENTS, type RejectClaimInput, type ReturnClaimInput } from "../review/staff-schemas";

/*
 * The staff forms of a claim under review (/admin/remboursements/:number): key in the figures of a
 * claim received by e-mail, approve, adjust a line, return for a missing document, reject. Each
 * posts its `intent` to the route's action, which validates with the same schemas.
 */

/** The decisions a claim's review page posts, one form each. */
export const REVIEW_INTENTS = ["key-in", "approve", "adjust", "return", "reject"] as const;
export type ReviewIntent = (typeof REVIEW_INTENTS)[number];

const fieldClass =
  "mt-2 block w-full max-w-md rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger";

function Field({ meta, label, hint, children }: { meta: FieldMetadata<unknown>; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block font-medium text-ink">
        {label}
      </label>
      {hint ? (
        <p id={`${meta.id}-hint`} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

const describedBy = (meta: FieldMetadata<unknown>, hint: boolean) =>
  [hint ? `${meta.id}-hint` : null, meta.errors?.length ? meta.errorId : null].filter(Boolean).join(" ") || undefined;

function usePending(intent: ReviewIntent) {
  const navigation = useNavigation();
  return navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
}

export function ApproveForm({ lastResult, amount }: { lastResult: SubmissionResult | undefined; amount: string }) {
  const [form] = useForm({ id: "accepter", lastResult });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="approve" />
        <p className="mb-4">Bascule remboursera {amount} à l’adhérent, par virement dans le prochain lot de paiement.</p>
        <SubmitButton pending={usePending("approve")}>Accepter la demande</SubmitButton>
      </Form>
    </>
  );
}

export function AdjustForm({
  lastResult,
  lines,
}: {
  lastResult: SubmissionResult | undefined;
  lines: { lineNo: number; label: string; max: string }[];
}) {
  const [form, fields] = useForm<AdjustLineInput>({ id: "ajuster", lastResult, shouldValidate: "onSubmit" });
  const pending = usePending("adjust");
  const { key: lineKey, ...lineProps } = getSelectProps(fields.lineNo, { ariaAttributes: true });
  const { key: amountKey, ...amountProps } = getInputProps(fields.amount, { type: "text", ariaAttributes: true });
  const { key: reasonKey, ...reasonProps } = getTextareaProps(fields.reason, { ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="adjust" />
        <Field meta={fields.lineNo} label="Ligne de soins">
          <select
            key={lineKey}
            {...lineProps}
            defaultValue={String(lines[0]?.lineNo ?? "")}
            className={fieldClass}
            aria-describedby={describedBy(fields.lineNo, false)}
          >
            {lines.map((l) => (
              <option key={l.lineNo} value={l.lineNo}>
                {`Ligne ${l.lineNo} — ${l.label} (au plus ${l.max})`}
              </option>
            ))}
          </select>
        </Field>
        <Field
          meta={fields.amount}
          label="Nouveau montant Bascule (€)"
          hint="Entre 0 et le coût réel moins la part Sécu, par exemple 24,50."
        >
          <input
            key={amountKey}
            {...amountProps}
            inputMode="decimal"
            autoComplete="off"
            className={fieldClass}
            aria-describedby={describedBy(fields.amount, true)}
          />
        </Field>
        <Field meta={fields.reason} label="Motif de l’ajustement" hint="Communiqué à l’adhérent et conservé dans l’historique.">
          <textarea key={reasonKey} {...reasonProps} rows={3} className={fieldClass} aria-describedby={describedBy(fields.reason, true)} />
        </Field>
        <SubmitButton pending={pending}>Ajuster la ligne</SubmitButton>
      </Form>
    </>
  );
}

export function ReturnForm({ lastResult }: { lastResult: SubmissionResult | undefined }) {
  const [form, fields] = useForm<ReturnClaimInput>({ id: "renvoyer", lastResult, shouldValidate: "onSubmit" });
  const { key: missingKey, ...missingProps } = getSelectProps(fields.missing, { ariaAttributes: true });
  const { key: messageKey, ...messageProps } = getTextareaProps(fields.message, { ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="return" />
        <Field meta={fields.missing} label="Document manquant">
          <select
            key={missingKey}
            {...missingProps}
            defaultValue=""
            className={fieldClass}
            aria-describedby={describedBy(fields.missing, false)}
          >
            <option value="" disabled>
              Choisir…
            </option>
            {Object.entries(MISSING_DOCUMENTS).map(([k, label]) => (
              <option key={k} value={k}>
                {label[0]!.toUpperCase() + label.slice(1)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          meta={fields.message}
          label="Précision pour l’adhérent (facultatif)"
          hint="Par exemple : le décompte doit montrer la date des soins."
        >
          <textarea
            key={messageKey}
            {...messageProps}
            rows={2}
            className={fieldClass}
            aria-describedby={describedBy(fields.message, true)}
          />
        </Field>
        <SubmitButton pending={usePending("return")}>Renvoyer à l’adhérent</SubmitButton>
      </Form>
    </>
  );
}

export function RejectForm({ lastResult }: { lastResult: SubmissionResult | undefined }) {
  const [form, fields] = useForm<RejectClaimInput>({ id: "refuser", lastResult, shouldValidate: "onSubmit" });
  const { key: reasonKey, ...reasonProps } = getTextareaProps(fields.reason, { ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="reject" />
        <Field meta={fields.reason} label="Motif du refus" hint="Communiqué à l’adhérent par e-mail.">
          <textarea key={reasonKey} {...reasonProps} rows={3} className={fieldClass} aria-describedby={describedBy(fields.reason, true)} />
        </Field>
        <button
          type="submit"
          disabled={usePending("reject")}
          className="inline-flex items-center rounded-md bg-danger px-5 py-2.5 font-semibold text-white hover:opacity-90 disabled:opacity-70"
        >
          Refuser la demande
        </button>
      </Form>
    </>
  );
}

/** A select of the key-in form: an empty first choice, then the options. */
function Choice({
  meta,
  label,
  hint,
  options,
}: {
  meta: FieldMetadata<string | undefined>;
  label: string;
  hint?: string;
  options: readonly (readonly [string, string])[];
}) {
  return (
    <SelectField meta={meta} label={label} hint={hint}>
      <option value="">—</option>
      {options.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </SelectField>
  );
}

const YES_NO = [
  ["oui", "Oui"],
  ["non", "Non"],
] as const;

/**
 * The figures of a claim received by e-mail, keyed in from its documents: the same fields and
 * checks as the member's online form. Every category's details are shown; only the chosen
 * category's are read.
 */
export function KeyInForm({
  lastResult,
  beneficiaryId,
  today,
}: {
  lastResult: SubmissionResult | undefined;
  beneficiaryId: string;
  today: string;
}) {
  const [form, fields] = useForm<RawClaimForm>({ id: "saisie", lastResult, shouldValidate: "onSubmit" });
  const { key: dateKey, ...dateProps } = getInputProps(fields.careDate, { type: "date", ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="key-in" />
        <input type="hidden" name="beneficiaryId" value={beneficiaryId} />
        <Choice meta={fields.category} label="Type de soins" options={Object.entries(CARE_CATEGORY_LABELS)} />
        <Field meta={fields.careDate} label="Date des soins">
          <input key={dateKey} {...dateProps} max={today} className={fieldClass} aria-describedby={describedBy(fields.careDate, false)} />
        </Field>
        <TextField autoComplete="off" meta={fields.providerName} label="Professionnel ou établissement" />
        <Choice
          meta={fields.providerOptam}
          label="Médecin adhérent à l’OPTAM"
          hint="Généraliste, spécialiste, hospitalisation."
          options={YES_NO}
        />
        <TextField autoComplete="off" meta={fields.realCost} label="Montant payé (€)" inputMode="decimal" />
        <TextField autoComplete="off" meta={fields.invoiceNumber} label="Numéro de facture (facultatif)" />
        <fieldset className="mb-4 rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-medium">Sécurité sociale</legend>
          <Choice meta={fields.secuCovered} label="Remboursé par la Sécurité sociale" options={YES_NO} />
          <TextField autoComplete="off" meta={fields.secuBase} label="Base de remboursement (€)" inputMode="decimal" />
          <TextField autoComplete="off" meta={fields.secuRate} label="Taux (%)" inputMode="numeric" />
          <TextField autoComplete="off" meta={fields.secuPaid} label="Montant payé par la Sécurité sociale (€)" inputMode="decimal" />
        </fieldset>
        <fieldset className="mb-4 rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-medium">Précisions selon le type de soins</legend>
          <Choice
            meta={fields.pharmacyRate}
            label="Pharmacie : taux des médicaments"
            options={[
              ["100", "100 %"],
              ["65", "65 %"],
              ["30", "30 %"],
              ["15", "15 %"],
            ]}
          />
          <Choice
            meta={fields.dentalBasket}
            label="Prothèse dentaire : panier"
            options={[
              ["100_SANTE", "100 % Santé"],
              ["MAITRISE", "Tarifs maîtrisés"],
              ["LIBRE", "Tarifs libres"],
            ]}
          />
          <TextField autoComplete="off" meta={fields.toothNumber} label="Dentaire : numéro de la dent" inputMode="numeric" />
          <Choice
            meta={fields.opticsClass}
            label="Optique : classe"
            options={[
              ["A", "A (100 % Santé)"],
              ["B", "B (tarifs libres)"],
            ]}
          />
          <TextField autoComplete="off" meta={fields.lensComplexity} label="Optique : complexité des verres (1 à 6)" inputMode="numeric" />
          <TextField autoComplete="off" meta={fields.frameCost} label="Optique : prix de la monture (€)" inputMode="decimal" />
          <Choice meta={fields.prescriptionChanged} label="Optique : changement de correction" options={YES_NO} />
          <Choice
            meta={fields.hearingClass}
            label="Aide auditive : classe"
            options={[
              ["I", "I (100 % Santé)"],
              ["II", "II (tarifs libres)"],
            ]}
          />
          <Choice
            meta={fields.ear}
            label="Aide auditive : oreille"
            options={[
              ["LEFT", "Gauche"],
              ["RIGHT", "Droite"],
            ]}
          />
          <TextField autoComplete="off" meta={fields.hospitalDays} label="Hospitalisation : nombre de jours" inputMode="numeric" />
          <TextField autoComplete="off" meta={fields.privateRoomDays} label="Hospitalisation : jours en chambre particulière" inputMode="numeric" />
          <Choice meta={fields.psychiatry} label="Hospitalisation : psychiatrie" options={YES_NO} />
          <TextField autoComplete="off" meta={fields.sessions} label="Médecine douce : nombre de séances" inputMode="numeric" />
        </fieldset>
        <SubmitButton pending={usePending("key-in")}>Valoriser la demande</SubmitButton>
      </Form>
    </>
  );
}
