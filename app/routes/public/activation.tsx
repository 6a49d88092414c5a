import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, useNavigation } from "react-router";
import { requestActivation } from "~/features/accounts/activate-account.server";
import { activationRequestSchema } from "~/features/accounts/schemas";
import { ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/activation";
import { INSURER } from "~/ui/insurer";

export const meta = () => [{ title: "Activer mon espace adhérent — Bascule" }];

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  rejectBots(form);
  const submission = parseForm(form, activationRequestSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const outcome = await requestActivation(db(), {
    ...submission.value,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  if (outcome.kind === "throttled") {
    return data(
      { result: submission.reply({ formErrors: [`Trop de demandes. Merci de réessayer dans une heure ou de nous appeler au ${INSURER.phone}.`] }), sent: false },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function Activation({ actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: activationRequestSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader
        title="Activer mon espace adhérent"
        lead="Vous êtes adhérent et n’avez pas encore de mot de passe ? Nous vous envoyons un lien d’activation à l’adresse e-mail que nous connaissons."
      />
      {actionData?.sent ? (
        <Alert tone="success" role="status" title="Demande enregistrée">
          Si ces informations correspondent à un adhérent, un e-mail contenant un lien d’activation vient d’être envoyé à l’adresse
          enregistrée dans votre dossier. Le lien est valable 24 heures. Pensez à vérifier vos courriers indésirables.
        </Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-5 text-sm text-muted">Tous les champs sont obligatoires.</p>
        <TextField meta={fields.memberNumber} label="Numéro d’adhérent" autoComplete="off" hint="Il figure sur votre carte de tiers payant, par exemple A12345678." />
        <TextField meta={fields.birthDate} label="Date de naissance" type="date" autoComplete="bday" />
        <Honeypot />
        <SubmitButton pending={navigation.state === "submitting"}>Recevoir le lien d’activation</SubmitButton>
      </Form>
      <p className="mt-6 text-sm text-muted">
        Aucune adresse e-mail dans votre dossier ? Appelez-nous au {INSURER.phone} ou écrivez à {INSURER.postalAddress}.
      </p>
    </div>
  );
}
