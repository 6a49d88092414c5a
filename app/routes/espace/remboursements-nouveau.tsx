// Over 400 lines: the claim form is one progressively enhanced component (fields by category, estimate, upload with its idempotency key).
import { type SubmissionResult, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ReactNode, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { data, Link, redirect, useNavigate } from "react-router";
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_SIZE_LABEL } from "~/features/claims/member/documents";
import type { ClaimEstimate } from "~/features/claims/member/member-claims.server";
import { getMemberClaimSetup, processClaimPost } from "~/features/claims/member/member-claims.server";
import { CARE_CATEGORY_LABELS, OPTAM_CATEGORIES, claimFormSchema } from "~/features/claims/member/schemas";
import type { CareCategory } from "~/features/claims/engine/types";
import { ipHashOf, requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { FieldError, FormErrors, TextField } from "~/ui/form";
import { ChoiceGroup, SelectField } from "~/ui/form-controls";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-nouveau";
import { formatEuros } from "~/platform/format/euros";
import { parisDateOf } from "~/platform/time/paris";

export const meta = () => [{ title: "Nouvelle demande de remboursement — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { personId } = await requireMember(args);
  const setup = await getMemberClaimSetup(db(), personId);
  if (!setup) throw data({ message: "Dossier introuvable." }, { status: 404 });
  return {
    beneficiaries: setup.beneficiaries,
    today: parisDateOf(new Date()),
    // One key per rendering of the form: every retry of this submission carries the same one.
    idempotencyKey: crypto.randomUUID(),
  };
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireMember(args);
  const outcome = await processClaimPost(db(), args.request, {
    member: { userId: signedIn.user.id, displayName: signedIn.user.displayName, personId: signedIn.personId },
    now: new Date(),
    ipHash: ipHashOf(args.context),
  });
  switch (outcome.kind) {
    case "rejected":
      throw data({ message: outcome.message }, { status: outcome.status });
    case "invalid":
      return data({ result: outcome.result, estimate: null }, { status: outcome.status });
    case "estimate":
      return { result: outcome.result, estimate: outcome.estimate };
    case "filed":
      return redirect(`/espace/remboursements/${outcome.number}?envoyee=1`);
  }
}

type UploadAnswer =
  | { kind: "filed"; number: string; location: string }
  | { kind: "invalid"; result: SubmissionResult<string[]> }
  | { kind: "estimate"; result: SubmissionResult<string[]>; estimate: ClaimEstimate }
  | { kind: "rejected"; message: string };

const noSubscription = () => () => undefined;

const ROLE_LABELS = { MEMBER: "adhérent(e)", SPOUSE: "conjoint(e)", CHILD: "enfant" } as const;

function FileField({ name, label, hint, errors, required }: { name: string; label: string; hint: ReactNode; errors: string[] | undefined; required: boolean }) {
  const id = `claim-${name}`;
  const errorId = `${id}-error`;
  return (
    <div className="mb-5">
      <label htmlFor={id} className="block font-medium text-ink">
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <p id={`${id}-hint`} className="mt-1 text-sm text-muted">
        {hint}
      </p>
      <input
        id={id}
        name={name}
        type="file"
        accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[`${id}-hint`, errors?.length ? errorId : undefined].filter(Boolean).join(" ")}
        className="mt-2 block w-full max-w-md text-base"
      />
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}

/** A block of fields that only matters for some categories: hidden once JavaScript knows the category. */
function CategoryBlock({ show, hydrated, legend, children }: { show: boolean; hydrated: boolean; legend: string; children: ReactNode }) {
  return (
    <fieldset hidden={hydrated && !show} className="mb-6 rounded-md border border-slate-300 p-4">
      <legend className="px-1 font-semibold text-brand-800">{legend}</legend>
      {children}
    </fieldset>
  );
}

function EstimateCard({ estimate }: { estimate: ClaimEstimate }) {
  return (
    // The status wrapper announces the result; the section keeps its heading as its name.
    <div role="status">
      <section aria-labelledby="estimation" className="mb-6 rounded-lg border-l-4 border-brand-600 bg-brand-50 p-6">
        <h2 id="estimation" className="text-xl font-semibold text-brand-800">
          Estimation de votre remboursement
        </h2>
        <dl className="mt-3 grid grid-cols-1 gap-x-8 gap-y-2 sm:grid-cols-4">
          <div>
            <dt className="text-sm text-muted">Vous avez payé</dt>
            <dd className="font-semibold">{formatEuros(estimate.totals.realCostCents)}</dd>
          </div>
          <div>
            <dt className="text-sm text-muted">Payé par la Sécurité sociale</dt>
            <dd className="font-semibold">{formatEuros(estimate.totals.amoPaidCents)}</dd>
          </div>
          <div>
            <dt className="text-sm text-muted">Payé par Bascule</dt>
            <dd className="font-semibold" data-testid="estimate-amc">
              {formatEuros(estimate.totals.amcCents)}
            </dd>
          </div>
          <div>
            <dt className="text-sm text-muted">Reste à votre charge</dt>
            <dd className="font-semibold">{formatEuros(estimate.totals.resteAChargeCents)}</dd>
          </div>
        </dl>
        <p className="mt-3">{estimate.explanation}</p>
        <p className="mt-2 text-sm text-muted">Estimation indicative : rien n’a été enregistré. Joignez vos justificatifs et envoyez la demande pour être remboursé.</p>
      </section>
    </div>
  );
}

/** The answers of the form's yes/no questions (the schema reads "oui" and "non"). */
const YES_NO = [
  { value: "oui", label: "Oui" },
  { value: "non", label: "Non" },
];

export default function NewClaim({ loaderData, actionData }: Route.ComponentProps) {
  const { beneficiaries, today, idempotencyKey } = loaderData;
  const navigate = useNavigate();
  const schema = claimFormSchema(today);
  const [answer, setAnswer] = useState<{ result: SubmissionResult<string[]>; estimate: ClaimEstimate | null } | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [fileErrors, setFileErrors] = useState<Record<string, string[]>>({});
  // False in the server's HTML (every block visible without JavaScript), true once hydrated.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  const busy = useRef(false);
  const summary = useRef<HTMLDivElement>(null);

  const lastResult = answer?.result ?? actionData?.result;
  const estimate = answer ? answer.estimate : (actionData?.estimate ?? null);

  const [form, fields] = useForm({
    id: "nouvelle-demande",
    lastResult,
    defaultValue: { secuCovered: "oui" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    onSubmit(event, { formData }) {
      // With JavaScript: the upload goes through XMLHttpRequest, for its progress events.
      event.preventDefault();
      if (busy.current) return;
      const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
      const intent = submitter?.value === "estimate" ? "estimate" : "submit";
      formData.set("intent", intent);
      setUploadError(null);
      const tooLarge: Record<string, string[]> = {};
      for (const name of ["invoice", "secuStatement"]) {
        const file = formData.get(name);
        if (intent === "estimate") formData.delete(name);
        else if (file instanceof File && file.size > MAX_DOCUMENT_BYTES) tooLarge[name] = [`Ce fichier dépasse ${MAX_DOCUMENT_SIZE_LABEL} : envoyez une version plus légère.`];
      }
      setFileErrors(tooLarge);
      if (Object.keys(tooLarge).length > 0) return;
      busy.current = true;
      setProgress(intent === "submit" ? 0 : null);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/espace/remboursements/nouveau/envoi");
      xhr.responseType = "json";
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) setProgress(Math.min(100, Math.round((e.loaded / e.total) * 100)));
      };
      xhr.onload = () => {
        busy.current = false;
        const body = xhr.response as UploadAnswer | null;
        if (body?.kind === "filed") {
          navigate(body.location);
          return;
        }
        setProgress(null);
        if (body?.kind === "invalid") setAnswer({ result: body.result, estimate: null });
        else if (body?.kind === "estimate") setAnswer({ result: body.result, estimate: body.estimate });
        else if (body?.kind === "rejected") setUploadError(body.message);
        else setUploadError("La demande n’a pas pu être envoyée. Réessayez dans un instant : elle ne sera pas enregistrée deux fois.");
      };
      xhr.onerror = () => {
        busy.current = false;
        setProgress(null);
        setUploadError("La connexion a été interrompue pendant l’envoi. Réessayez : votre demande ne sera pas enregistrée deux fois.");
      };
      xhr.send(formData);
    },
  });

  const [category, setCategory] = useState<string>(String(fields.category.initialValue ?? ""));
  const [secuCovered, setSecuCovered] = useState<string>(String(fields.secuCovered.initialValue ?? "oui"));
  const is = (...c: CareCategory[]) => (c as string[]).includes(category);

  const fieldErrorEntries = Object.entries(form.allErrors).filter(([name, errors]) => name !== "" && errors.length > 0);
  const hasErrors = fieldErrorEntries.length > 0 || Object.keys(fileErrors).length > 0;
  // After an answer from the upload endpoint, take the keyboard and screen reader to what went wrong.
  useEffect(() => {
    if (answer && summary.current) summary.current.focus();
  }, [answer, fileErrors]);
  const allFileErrors = { ...fileErrors };
  for (const name of ["invoice", "secuStatement"]) {
    const errs = form.allErrors[name];
    if (errs?.length) allFileErrors[name] = errs;
  }

  return (
    <>
      <p className="mb-4">
        <Link to="/espace/remboursements">← Mes remboursements</Link>
      </p>
      <PageHeader
        title="Nouvelle demande de remboursement"
        lead="Décrivez les soins, indiquez ce que la Sécurité sociale a remboursé et joignez vos justificatifs. La plupart des demandes sont réglées en quelques secondes."
      />
      {estimate ? <EstimateCard estimate={estimate} /> : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      {uploadError ? (
        <Alert tone="danger" role="alert" title="Envoi impossible">
          {uploadError}
        </Alert>
      ) : null}
      {hasErrors ? (
        <div ref={summary} tabIndex={-1} role="alert" className="mb-6 rounded-md border-l-4 border-danger bg-danger-bg p-4">
          <p className="font-semibold">Le formulaire contient des erreurs :</p>
          <ul className="mt-2 list-disc pl-6">
            {[...fieldErrorEntries, ...Object.entries(fileErrors)].map(([name, errors]) => (
              <li key={name}>
                <a href={`#${name === "invoice" || name === "secuStatement" ? `claim-${name}` : (fields[name as keyof typeof fields]?.id ?? name)}`}>{errors.join(" ")}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form
        method="post"
        encType="multipart/form-data"
        action="/espace/remboursements/nouveau"
        {...getFormProps(form)}
        className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        <p className="mb-5 text-sm text-muted">Les champs marqués d’un astérisque (*) sont obligatoires. Les montants sont en euros, par exemple 30,50.</p>

        <SelectField meta={fields.beneficiaryId} label="Personne qui a reçu les soins *">
          <option value="">Choisissez…</option>
          {beneficiaries.map((b) => (
            <option key={b.id} value={b.id}>
              {b.firstName} {b.lastName} ({ROLE_LABELS[b.role]})
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.category} label="Type de soins *" onChange={setCategory}>
          <option value="">Choisissez…</option>
          {Object.entries(CARE_CATEGORY_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <TextField meta={fields.careDate} label="Date des soins *" type="date" />
        <TextField meta={fields.providerName} label="Professionnel de santé ou établissement *" hint="Par exemple : Dr Martin, Pharmacie du Port, Clinique Saint-Jean." />
        <TextField meta={fields.realCost} label="Montant que vous avez payé (€) *" inputMode="text" hint="Le total de la facture, par exemple 30,00." />
        <TextField meta={fields.invoiceNumber} label="Numéro de la facture" hint="S’il figure sur la facture." />

        <CategoryBlock show={is(...OPTAM_CATEGORIES)} hydrated={hydrated} legend="Médecin ou hospitalisation : adhésion à l’OPTAM">
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.providerOptam}
            legend="Le médecin adhère-t-il à l’OPTAM ?"
            hint="C’est indiqué sur l’annuaire santé d’ameli.fr. En cas de doute, répondez « non »."
            choices={[
              { value: "oui", label: "Oui" },
              { value: "non", label: "Non ou je ne sais pas" },
            ]}
          />
        </CategoryBlock>
        <CategoryBlock show={is("PHARMACY")} hydrated={hydrated} legend="Pharmacie">
          <SelectField meta={fields.pharmacyRate} label="Taux de remboursement des médicaments" hint="Indiqué sur le décompte de la Sécurité sociale.">
            <option value="">Choisissez…</option>
            <option value="100">100 %</option>
            <option value="65">65 %</option>
            <option value="30">30 %</option>
            <option value="15">15 %</option>
          </SelectField>
        </CategoryBlock>
        <CategoryBlock show={is("DENTAL_CARE", "DENTAL_PROSTHESIS")} hydrated={hydrated} legend="Dentaire">
          <SelectField meta={fields.dentalBasket} label="Panier de la prothèse (prothèses seulement)" hint="Indiqué sur le devis du dentiste.">
            <option value="">Choisissez…</option>
            <option value="100_SANTE">100 % Santé (sans reste à charge)</option>
            <option value="MAITRISE">Tarifs maîtrisés</option>
            <option value="LIBRE">Tarifs libres</option>
          </SelectField>
          <TextField meta={fields.toothNumber} label="Numéro de la dent" inputMode="numeric" hint="Deux chiffres, par exemple 36 (indiqué sur la facture du dentiste)." />
        </CategoryBlock>
        <CategoryBlock show={is("OPTICS")} hydrated={hydrated} legend="Lunettes">
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.opticsClass}
            legend="Classe de l’équipement"
            choices={[
              { value: "A", label: "Classe A (100 % Santé)" },
              { value: "B", label: "Classe B (tarifs libres)" },
            ]}
          />
          <SelectField meta={fields.lensComplexity} label="Complexité des verres (classe B)" hint="Indiquée sur la facture de l’opticien : de 1 (verres simples) à 6 (très complexes).">
            <option value="">Choisissez…</option>
            {[1, 2, 3, 4, 5, 6].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </SelectField>
          <TextField meta={fields.frameCost} label="Dont monture (€)" hint="La part de la facture qui correspond à la monture." />
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.prescriptionChanged}
            legend="Votre vue a-t-elle changé (nouvelle ordonnance) ?"
            choices={YES_NO}
          />
        </CategoryBlock>
        <CategoryBlock show={is("HEARING_AID")} hydrated={hydrated} legend="Aide auditive">
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.hearingClass}
            legend="Classe de l’aide auditive"
            choices={[
              { value: "I", label: "Classe I (100 % Santé)" },
              { value: "II", label: "Classe II (tarifs libres)" },
            ]}
          />
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.ear}
            legend="Oreille appareillée"
            choices={[
              { value: "LEFT", label: "Gauche" },
              { value: "RIGHT", label: "Droite" },
            ]}
          />
        </CategoryBlock>
        <CategoryBlock show={is("HOSPITAL")} hydrated={hydrated} legend="Hospitalisation">
          <TextField meta={fields.hospitalDays} label="Nombre de jours d’hospitalisation" inputMode="numeric" hint="Nombre de forfaits journaliers facturés." />
          <TextField meta={fields.privateRoomDays} label="Dont jours en chambre particulière" inputMode="numeric" />
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.psychiatry}
            legend="Séjour en psychiatrie ?"
            choices={YES_NO}
          />
        </CategoryBlock>
        <CategoryBlock show={is("ALTERNATIVE_MEDICINE")} hydrated={hydrated} legend="Médecine douce">
          <TextField meta={fields.sessions} label="Nombre de séances sur la facture" inputMode="numeric" hint="1 si la case est laissée vide." />
        </CategoryBlock>

        <fieldset className="mb-6 rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-semibold text-brand-800">Remboursement de la Sécurité sociale</legend>
          <ChoiceGroup
            type="radio"
            inline
            meta={fields.secuCovered}
            legend="La Sécurité sociale a-t-elle remboursé ces soins ? *"
            onChange={setSecuCovered}
            choices={[
              { value: "oui", label: "Oui, j’ai un décompte" },
              { value: "non", label: "Non remboursé par la Sécurité sociale" },
            ]}
          />
          <div hidden={hydrated && secuCovered !== "oui"}>
            <p className="mb-4 text-sm text-muted">Recopiez les montants de votre décompte (relevé ameli).</p>
            <TextField meta={fields.secuBase} label="Base de remboursement (€)" hint="« Base de remboursement » ou « BR » sur le décompte." />
            <TextField meta={fields.secuRate} label="Taux de remboursement (%)" inputMode="numeric" hint="Par exemple 70 pour une consultation." />
            <TextField meta={fields.secuPaid} label="Montant payé par la Sécurité sociale (€)" hint="Le montant versé, après déduction de la participation forfaitaire." />
          </div>
        </fieldset>

        <fieldset className="mb-6 rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-semibold text-brand-800">Justificatifs</legend>
          <p className="mb-4 text-sm text-muted">PDF, JPEG ou PNG, {MAX_DOCUMENT_SIZE_LABEL} au plus par fichier. Ils sont chiffrés dès leur réception.</p>
          <FileField name="invoice" label="Facture acquittée" required hint="Obligatoire pour envoyer la demande (pas pour une estimation)." errors={allFileErrors.invoice} />
          <FileField
            name="secuStatement"
            label="Décompte de la Sécurité sociale"
            required={secuCovered === "oui"}
            hint="Inutile si les soins ne sont pas remboursés par la Sécurité sociale."
            errors={allFileErrors.secuStatement}
          />
        </fieldset>

        {progress !== null ? (
          <div className="mb-5">
            <label htmlFor="upload-progress" className="block font-medium">
              Envoi de votre demande et des justificatifs
            </label>
            <progress id="upload-progress" max={100} value={progress} className="mt-2 h-3 w-full max-w-md" aria-valuetext={`${progress} %`} />
            <p aria-live="polite" className="text-sm text-muted">
              {progress < 100 ? `${progress} % envoyés` : "Fichiers reçus, traitement de la demande…"}
            </p>
          </div>
        ) : null}

        <div className="flex flex-wrap gap-4">
          <button
            type="submit"
            name="intent"
            value="submit"
            disabled={progress !== null}
            className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:opacity-70"
          >
            Envoyer ma demande
          </button>
          <button
            type="submit"
            name="intent"
            value="estimate"
            formNoValidate
            className="inline-flex items-center rounded-md border-2 border-brand-700 bg-white px-5 py-2 font-semibold text-brand-800 hover:bg-brand-50"
          >
            Estimer mon remboursement
          </button>
        </div>
      </form>
    </>
  );
}

export { ErrorBoundary } from "~/ui/error-page";
