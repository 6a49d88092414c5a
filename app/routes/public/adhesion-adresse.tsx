import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { addressSchema } from "~/features/subscriptions/schemas";
import { loadStep } from "~/features/subscriptions/step-guard.server";
import { saveAddress } from "~/features/subscriptions/subscription-draft.server";
import { ErrorSummary, StepActions } from "~/features/subscriptions/ui/fields";
import { StepProgress } from "~/features/subscriptions/ui/progress";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { Honeypot, TextField } from "~/ui/form";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion-adresse";

export const meta = () => [{ title: "Adhésion : adresse et contact — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { draft, progress } = await loadStep(args, "adresse");
  const saved = draft.data.address;
  return {
    progress,
    departement: draft.quote.departement,
    defaults: saved ?? { addressLine: "", addressLine2: "", postcode: draft.quote.postcode, city: "", email: draft.quote.email, phone: "" },
  };
}

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  rejectBots(form);
  const { draft } = await loadStep(args, "adresse");
  const submission = parseForm(form, addressSchema(draft.quote.departement));
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  await saveAddress(db(), draft, { ...submission.value, addressLine2: submission.value.addressLine2 ?? "" });
  throw redirect("/adhesion/banque");
}

export default function AdhesionAdresse({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const schema = addressSchema(loaderData.departement);
  const [form, fields] = useForm({
    id: "adhesion-adresse",
    lastResult: actionData?.result,
    defaultValue: loaderData.defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
  });
  const postcodeError = fields.postcode.errors?.some((e) => e.includes("nouveau devis"));
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Adhérer en ligne : adresse et contact" />
      <StepProgress progress={loaderData.progress} />
      <ErrorSummary errors={form.allErrors} />
      {postcodeError ? (
        <p className="mb-6">
          <Link to="/devis">Faire un nouveau devis pour ma nouvelle adresse</Link>
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="space-y-6">
        <fieldset className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <legend className="px-1 text-xl font-semibold text-brand-800">Adresse</legend>
          <TextField meta={fields.addressLine} label="Numéro et voie" autoComplete="address-line1" />
          <TextField meta={fields.addressLine2} label="Complément d’adresse (facultatif)" autoComplete="address-line2" hint="Bâtiment, étage, lieu-dit…" />
          <TextField meta={fields.postcode} label="Code postal" autoComplete="postal-code" inputMode="numeric" hint={`Dans le département de votre devis (${loaderData.departement}).`} />
          <TextField meta={fields.city} label="Commune" autoComplete="address-level2" />
        </fieldset>
        <fieldset className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <legend className="px-1 text-xl font-semibold text-brand-800">Contact</legend>
          <TextField meta={fields.email} label="Adresse e-mail" type="email" autoComplete="email" hint="Le code de signature et la confirmation de votre adhésion y seront envoyés." />
          <TextField meta={fields.phone} label="Téléphone" type="tel" autoComplete="tel" hint="Par exemple 06 12 34 56 78." />
        </fieldset>
        <Honeypot />
        <StepActions back="/adhesion/personnes" submitLabel="Enregistrer et continuer" pending={navigation.state === "submitting"} />
      </Form>
    </div>
  );
}
