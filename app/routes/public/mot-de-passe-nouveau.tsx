import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { completePasswordReset, resetTokenIsUsable } from "~/features/accounts/reset-password.server";
import { newPasswordSchema } from "~/features/accounts/schemas";
import { redirectClearingSession } from "~/platform/auth/cookies.server";
import { ipHashOf } from "~/platform/auth/guards.server";
import { PASSWORD_MESSAGES } from "~/platform/auth/password-rules";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { HIDDEN_PASSWORD_FIELDS, TokenPasswordPage } from "~/ui/token-password-page";
import type { Route } from "./+types/mot-de-passe-nouveau";

export const meta = () => [{ title: "Nouveau mot de passe — Bascule" }];

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await resetTokenIsUsable(db(), params.token) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: newPasswordSchema });
  if (submission.status !== "success") return data({ result: submission.reply(HIDDEN_PASSWORD_FIELDS) }, { status: 400 });
  const outcome = await completePasswordReset(db(), {
    token: params.token,
    password: submission.value.password,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  switch (outcome.kind) {
    case "invalid-token":
      return data(
        { result: submission.reply({ formErrors: ["Ce lien n’est plus valable. Faites une nouvelle demande."], ...HIDDEN_PASSWORD_FIELDS }) },
        { status: 400 },
      );
    case "weak-password":
      return data(
        { result: submission.reply({ fieldErrors: { password: [PASSWORD_MESSAGES[outcome.problem]] }, ...HIDDEN_PASSWORD_FIELDS }) },
        { status: 400 },
      );
    case "reset":
      throw redirectClearingSession("/connexion?info=reinitialise");
  }
}

export default function NewPassword({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <TokenPasswordPage
      usable={loaderData.usable}
      lastResult={actionData?.result}
      title="Choisir un nouveau mot de passe"
      lead="Toutes vos sessions ouvertes seront fermées."
      submitLabel="Enregistrer le mot de passe"
      expired={{
        message:
          "Ce lien de réinitialisation n’est plus valable : il a expiré (30 minutes), a déjà servi ou a été remplacé par un lien plus récent.",
        linkTo: "/mot-de-passe-oublie",
        linkText: "Faire une nouvelle demande",
      }}
    />
  );
}
