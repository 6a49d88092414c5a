import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, useNavigation } from "react-router";
import { activationTokenIsUsable, completeActivation } from "~/features/accounts/activate-account.server";
import { newPasswordSchema } from "~/features/accounts/schemas";
import { redirectWithSession } from "~/platform/auth/cookies.server";
import { ipHashOf } from "~/platform/auth/guards.server";
import { PASSWORD_MESSAGES } from "~/platform/auth/password-rules";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { FormErrors, SubmitButton } from "~/ui/form";
import { Alert, PageHeader } from "~/ui/layout";
import { NewPasswordFields } from "~/ui/password-fields";
import type { Route } from "./+types/activation-mot-de-passe";

export const meta = () => [{ title: "Choisir mon mot de passe — Bascule" }];

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await activationTokenIsUsable(db(), params.token) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: newPasswordSchema });
  if (submission.status !== "success") return data({ result: submission.reply({ hideFields: ["password", "confirmation"] }) }, { status: 400 });
  const outcome = await completeActivation(db(), {
    token: params.token,
    password: submission.value.password,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  switch (outcome.kind) {
    case "invalid-token":
      return data({ result: submission.reply({ formErrors: ["Ce lien d’activation n’est plus valable. Demandez-en un nouveau."], hideFields: ["password", "confirmation"] }) }, { status: 400 });
    case "weak-password":
      return data({ result: submission.reply({ fieldErrors: { password: [PASSWORD_MESSAGES[outcome.problem]] }, hideFields: ["password", "confirmation"] }) }, { status: 400 });
    case "activated":
      throw redirectWithSession("/espace?bienvenue=1", outcome.token, outcome.expiresAt);
  }
}

export default function ActivationPassword({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
    shouldValidate: "onSubmit",
  });
  if (!loaderData.usable) {
    return (
      <div className="mx-auto max-w-lg">
        <PageHeader title="Lien expiré ou déjà utilisé" />
        <Alert tone="warning">Ce lien d’activation n’est plus valable : il a expiré (24 heures) ou a déjà servi.</Alert>
        <p>
          <Link to="/activation">Demander un nouveau lien d’activation</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Choisir mon mot de passe" lead="Dernière étape : choisissez le mot de passe de votre espace adhérent." />
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <NewPasswordFields password={fields.password} confirmation={fields.confirmation} />
        <SubmitButton pending={navigation.state === "submitting"}>Activer mon espace</SubmitButton>
      </Form>
    </div>
  );
}
