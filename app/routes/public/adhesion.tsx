import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { QUOTE_REFERENCE, formulaChoiceSchema, quoteLookupSchema } from "~/features/subscriptions/schemas";
import { quoteSummary } from "~/features/subscriptions/step-guard.server";
import { progressFor } from "~/features/subscriptions/steps";
import { completionOf, findDraft, isEditable, readDraftToken, saveFormula, serializeDraftCookie, startDraft } from "~/features/subscriptions/subscription-draft.server";
import { ErrorSummary, StepActions } from "~/features/subscriptions/ui/fields";
import { ChoiceGroup } from "~/ui/form-controls";
import { StepProgress } from "~/features/subscriptions/ui/progress";
import { ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { INSURER } from "~/ui/insurer";
import { Alert, Card, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion";
import { formatEuros } from "~/platform/format/euros";

export const meta = () => [{ title: "Adhérer en ligne — Bascule" }];

export async function loader({ request }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const asked = (url.searchParams.get("devis") ?? "").trim().toUpperCase();
  const reference = QUOTE_REFERENCE.test(asked) ? asked : "";
  const draft = await findDraft(db(), readDraftToken(request));
  if (draft && !isEditable(draft) && draft.status !== "EXPIRED" && !reference) throw redirect("/adhesion/confirmation");
  const editable = draft && isEditable(draft) ? draft : null;
  if (editable && (!reference || reference === editable.quoteReference)) {
    const done = completionOf(editable);
    return {
      mode: "formula" as const,
      progress: progressFor("devis", done),
      quote: quoteSummary(editable),
      formulas: editable.quote.formulas.map((f) => ({ code: f.code, name: f.name, monthly: formatEuros(f.monthlyCents) })),
      chosen: editable.data.formulaCode ?? editable.quote.chosenFormulaCode ?? "",
    };
  }
  return {
    mode: "lookup" as const,
    reference,
    inProgress: editable ? { reference: editable.quoteReference } : null,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  rejectBots(form);
  if (form.get("intent") === "formula") {
    const draft = await findDraft(db(), readDraftToken(request));
    if (!draft || !isEditable(draft)) throw redirect("/adhesion");
    const submission = parseForm(form, formulaChoiceSchema(draft.quote.formulas.map((f) => f.code)));
    if (submission.status !== "success") return data({ intent: "formula" as const, result: submission.reply() }, { status: 400 });
    await saveFormula(db(), draft, submission.value.formulaCode);
    throw redirect("/adhesion/personnes");
  }
  const submission = parseForm(form, quoteLookupSchema);
  if (submission.status !== "success") return data({ intent: "start" as const, result: submission.reply() }, { status: 400 });
  const outcome = await startDraft(db(), { ...submission.value, client: { ipHash: ipHashOf(context) } });
  if (outcome.kind === "throttled") {
    return data(
      { intent: "start" as const, result: submission.reply({ formErrors: [`Trop de tentatives. Réessayez dans une heure ou appelez-nous au ${INSURER.phone}.`] }) },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  if (outcome.kind === "not-found") {
    return data(
      {
        intent: "start" as const,
        result: submission.reply({
          formErrors: [
            "Aucun devis en cours de validité ne correspond à cette référence et à cette adresse e-mail. Vérifiez-les (la référence figure en haut du devis), ou faites un nouveau devis : il est valable 30 jours.",
          ],
        }),
      },
      { status: 400 },
    );
  }
  throw redirect("/adhesion", { headers: { "Set-Cookie": serializeDraftCookie(outcome.token) } });
}

export default function Adhesion({ loaderData, actionData }: Route.ComponentProps) {
  return loaderData.mode === "formula" ? <FormulaStep data={loaderData} lastResult={actionData?.intent === "formula" ? actionData.result : undefined} /> : <Lookup data={loaderData} lastResult={actionData?.intent === "start" ? actionData.result : undefined} />;
}

type LoaderData = Route.ComponentProps["loaderData"];
type LastResult = NonNullable<Route.ComponentProps["actionData"]>["result"];

function Lookup({ data: d, lastResult }: { data: Extract<LoaderData, { mode: "lookup" }>; lastResult: LastResult | undefined }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "adhesion-devis",
    lastResult,
    defaultValue: { reference: d.reference },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: quoteLookupSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        title="Adhérer en ligne"
        lead="Adhérez à partir de votre devis enregistré, en six étapes. Chaque étape est enregistrée : vous pouvez vous interrompre et reprendre plus tard sur cet appareil."
      />
      {d.inProgress ? (
        <Alert tone="info" title="Une adhésion est en cours sur cet appareil">
          Elle porte sur le devis {d.inProgress.reference}. <Link to="/adhesion">Reprendre cette adhésion</Link>, ou commencez-en une autre ci-dessous.
        </Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-5 text-sm text-muted">Tous les champs sont obligatoires.</p>
        <TextField meta={fields.reference} label="Référence du devis" autoComplete="off" hint="Elle figure en haut de votre devis, par exemple DV-7KQ2-M9XH." />
        <TextField meta={fields.email} label="Adresse e-mail utilisée pour le devis" type="email" autoComplete="email" />
        <input type="hidden" name="intent" value="start" />
        <Honeypot />
        <SubmitButton pending={navigation.state === "submitting"}>Commencer mon adhésion</SubmitButton>
      </Form>
      <p className="mt-6 text-sm text-muted">
        Pas encore de devis ? <Link to="/devis">Obtenez votre tarif en deux minutes</Link>. Vous préférez être accompagné ? Appelez-nous au {INSURER.phone} ({INSURER.phoneHours}).
      </p>
    </div>
  );
}

function FormulaStep({ data: d, lastResult }: { data: Extract<LoaderData, { mode: "formula" }>; lastResult: LastResult | undefined }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "adhesion-formule",
    lastResult,
    defaultValue: { formulaCode: d.chosen },
    shouldValidate: "onSubmit",
  });
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Adhérer en ligne : votre devis" />
      <StepProgress progress={d.progress} />
      <ErrorSummary errors={form.allErrors} />
      <div className="mb-6">
        <Card title={`Devis ${d.quote.reference}`}>
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
            <div>
              <dt className="text-sm text-muted">Code postal</dt>
              <dd>
                {d.quote.postcode} (département {d.quote.departement})
              </dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Date d’effet du devis</dt>
              <dd>{d.quote.startDate}</dd>
            </div>
            <div className="sm:col-span-2">
              <dt className="text-sm text-muted">Personnes à protéger</dt>
              <dd>
                <ul className="list-disc pl-5">
                  {d.quote.persons.map((p) => (
                    <li key={p.index}>
                      {p.label}, né(e) en {p.birthYear}
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>
        </Card>
      </div>
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <ChoiceGroup
          type="radio"
          meta={fields.formulaCode}
          legend="Formule choisie"
          hint="Les tarifs sont ceux de votre devis, par mois et pour l’ensemble des personnes."
          choices={d.formulas.map((f) => ({ value: f.code, label: `${f.code} ${f.name} : ${f.monthly} par mois` }))}
        />
        <input type="hidden" name="intent" value="formula" />
        <Honeypot />
        <StepActions submitLabel="Continuer" pending={navigation.state === "submitting"} />
      </Form>
      <p className="mt-6 text-sm text-muted">
        Ce n’est pas le bon devis ? <Link to="/devis">Faire un nouveau devis</Link>.
      </p>
    </div>
  );
}
