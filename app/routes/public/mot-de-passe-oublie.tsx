import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, useNavigation } from "react-router";
import { requestPasswordReset } from "~/features/accounts/reset-password.server";
import { passwordRequestSchema } from "~/features/accounts/schemas";
import { ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/mot-de-passe-oublie";

export const meta = () => [{ title: "Mot de passe oublié — Bascule" }];

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  rejectBots(form);
  const submission = parseForm(form, passwordRequestSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const outcome = await requestPasswordReset(db(), {
    email: submission.value.email,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  if (outcome.kind === "throttled") {
    return data(
      { result: submission.reply({ formErrors: ["Trop de demandes. Merci de réessayer dans une heure."] }), sent: false },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgottenPassword({ actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passwordRequestSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Mot de passe oublié" lead="Indiquez l’adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe." />
      {actionData?.sent ? (
        <Alert tone="success" role="status" title="Demande enregistrée">
          Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé. Le lien est valable 30 minutes et ne peut servir
          qu’une fois.
        </Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <TextField meta={fields.email} label="Adresse e-mail" type="email" autoComplete="email" hint="Par exemple : nom@exemple.fr" />
        <Honeypot />
        <SubmitButton pending={navigation.state === "submitting"}>Recevoir le lien</SubmitButton>
      </Form>
    </div>
  );
}
