import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, useNavigation } from "react-router";
import { completePasswordReset, resetTokenIsUsable } from "~/features/accounts/reset-password.server";
import { newPasswordSchema } from "~/features/accounts/schemas";
import { redirectClearingSession } from "~/platform/auth/cookies.server";
import { ipHashOf } from "~/platform/auth/guards.server";
import { PASSWORD_MESSAGES } from "~/platform/auth/password-rules";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { FormErrors, SubmitButton } from "~/ui/form";
import { Alert, PageHeader } from "~/ui/layout";
import { NewPasswordFields } from "~/ui/password-fields";
import type { Route } from "./+types/mot-de-passe-nouveau";

export const meta = () => [{ title: "Nouveau mot de passe — Bascule" }];

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await resetTokenIsUsable(db(), params.token) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: newPasswordSchema });
  const hidden = { hideFields: ["password", "confirmation"] };
  if (submission.status !== "success") return data({ result: submission.reply(hidden) }, { status: 400 });
  const outcome = await completePasswordReset(db(), {
    token: params.token,
    password: submission.value.password,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  switch (outcome.kind) {
    case "invalid-token":
      return data({ result: submission.reply({ formErrors: ["Ce lien n’est plus valable. Faites une nouvelle demande."], ...hidden }) }, { status: 400 });
    case "weak-password":
      return data({ result: submission.reply({ fieldErrors: { password: [PASSWORD_MESSAGES[outcome.problem]] }, ...hidden }) }, { status: 400 });
    case "reset":
      throw redirectClearingSession("/connexion?info=reinitialise");
  }
}

export default function NewPassword({ loaderData, actionData }: Route.ComponentProps) {
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
        <Alert tone="warning">Ce lien de réinitialisation n’est plus valable : il a expiré (30 minutes), a déjà servi ou a été remplacé par un lien plus récent.</Alert>
        <p>
          <Link to="/mot-de-passe-oublie">Faire une nouvelle demande</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Choisir un nouveau mot de passe" lead="Toutes vos sessions ouvertes seront fermées." />
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <NewPasswordFields password={fields.password} confirmation={fields.confirmation} />
        <SubmitButton pending={navigation.state === "submitting"}>Enregistrer le mot de passe</SubmitButton>
      </Form>
    </div>
  );
}
