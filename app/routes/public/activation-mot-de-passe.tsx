import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { activationTokenIsUsable, completeActivation } from "~/features/accounts/activate-account.server";
import { newPasswordSchema } from "~/features/accounts/schemas";
import { redirectWithSession } from "~/platform/auth/cookies.server";
import { ipHashOf } from "~/platform/auth/guards.server";
import { PASSWORD_MESSAGES } from "~/platform/auth/password-rules";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { HIDDEN_PASSWORD_FIELDS, TokenPasswordPage } from "~/ui/token-password-page";
import type { Route } from "./+types/activation-mot-de-passe";

export const meta = () => [{ title: "Choisir mon mot de passe — Bascule" }];

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await activationTokenIsUsable(db(), params.token) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: newPasswordSchema });
  if (submission.status !== "success") return data({ result: submission.reply(HIDDEN_PASSWORD_FIELDS) }, { status: 400 });
  const outcome = await completeActivation(db(), {
    token: params.token,
    password: submission.value.password,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  switch (outcome.kind) {
    case "invalid-token":
      return data(
        { result: submission.reply({ formErrors: ["Ce lien d’activation n’est plus valable. Demandez-en un nouveau."], ...HIDDEN_PASSWORD_FIELDS }) },
        { status: 400 },
      );
    case "weak-password":
      return data(
        { result: submission.reply({ fieldErrors: { password: [PASSWORD_MESSAGES[outcome.problem]] }, ...HIDDEN_PASSWORD_FIELDS }) },
        { status: 400 },
      );
    case "activated":
      throw redirectWithSession("/espace?bienvenue=1", outcome.token, outcome.expiresAt);
  }
}

export default function ActivationPassword({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <TokenPasswordPage
      usable={loaderData.usable}
      lastResult={actionData?.result}
      title="Choisir mon mot de passe"
      lead="Dernière étape : choisissez le mot de passe de votre espace adhérent."
      submitLabel="Activer mon espace"
      expired={{
        message: "Ce lien d’activation n’est plus valable : il a expiré (24 heures) ou a déjà servi.",
        linkTo: "/activation",
        linkText: "Demander un nouveau lien d’activation",
      }}
    />
  );
}
