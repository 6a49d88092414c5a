import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation } from "react-router";
import { CONSENT_DOCUMENTS } from "~/features/subscriptions/consents";
import { documentsSchema, startDateBounds } from "~/features/subscriptions/schemas";
import { loadStep } from "~/features/subscriptions/step-guard.server";
import { saveDocuments } from "~/features/subscriptions/subscription-draft.server";
import { Checkbox, ErrorSummary, StepActions } from "~/features/subscriptions/ui/fields";
import { StepProgress } from "~/features/subscriptions/ui/progress";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { Honeypot, TextField } from "~/ui/form";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion-documents";
import { frenchDate } from "~/platform/time/civil-date";
import { parisDateOf } from "~/platform/time/paris";

export const meta = () => [{ title: "Adhésion : date d’effet et documents — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { draft, progress } = await loadStep(args, "documents");
  const today = parisDateOf(new Date());
  const bounds = startDateBounds(today);
  const quoteStart = draft.quote.startDate;
  const suggested = quoteStart >= bounds.min && quoteStart <= bounds.max ? quoteStart : bounds.min;
  const saved = draft.data.documents;
  return {
    progress,
    today,
    quoteStartYear: quoteStart.slice(0, 4),
    bounds: { min: bounds.min, max: bounds.max, minLabel: frenchDate(bounds.min), maxLabel: frenchDate(bounds.max) },
    documents: CONSENT_DOCUMENTS.map((d) => ({ key: d.key, title: d.title, version: d.version, paragraphs: d.paragraphs, checkboxLabel: d.checkboxLabel })),
    defaults: {
      startDate: saved?.startDate ?? suggested,
      conditions: saved ? "on" : "",
      privacy: saved ? "on" : "",
      withdrawal: saved ? "on" : "",
    },
  };
}

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  rejectBots(form);
  const { draft } = await loadStep(args, "documents");
  const submission = parseForm(form, documentsSchema(parisDateOf(new Date()), draft.quote.startDate.slice(0, 4)));
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  await saveDocuments(db(), draft, submission.value);
  throw redirect("/adhesion/signature");
}

export default function AdhesionDocuments({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const schema = documentsSchema(loaderData.today, loaderData.quoteStartYear);
  const [form, fields] = useForm({
    id: "adhesion-documents",
    lastResult: actionData?.result,
    defaultValue: loaderData.defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
  });
  const checkbox = { conditions: fields.conditions, privacy: fields.privacy, withdrawal: fields.withdrawal } as const;
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Adhérer en ligne : date d’effet et documents" />
      <StepProgress progress={loaderData.progress} />
      <ErrorSummary errors={form.allErrors} />
      <Form method="post" {...getFormProps(form)} className="space-y-6">
        <fieldset className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <legend className="px-1 text-xl font-semibold text-brand-800">Date d’effet</legend>
          <TextField
            meta={fields.startDate}
            label="Date d’effet souhaitée"
            type="date"
            hint={`Entre le ${loaderData.bounds.minLabel} et le ${loaderData.bounds.maxLabel}, en ${loaderData.quoteStartYear} (l’année de votre devis).`}
          />
        </fieldset>
        {loaderData.documents.map((d) => (
          <section key={d.key} aria-labelledby={`doc-${d.key}`} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h2 id={`doc-${d.key}`} className="mb-1 text-xl font-semibold text-brand-800">
              {d.title}
            </h2>
            <p className="mb-3 text-xs text-muted">Version {d.version}</p>
            {d.paragraphs.map((p) => (
              <p key={p} className="mb-3 text-sm">
                {p}
              </p>
            ))}
            <Checkbox meta={checkbox[d.key]} label={d.checkboxLabel} />
          </section>
        ))}
        <Honeypot />
        <StepActions back="/adhesion/banque" submitLabel="Enregistrer et continuer" pending={navigation.state === "submitting"} />
      </Form>
    </div>
  );
}
