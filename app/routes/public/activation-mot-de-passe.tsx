import { activationTokenIsUsable, completeActivation } from "~/features/accounts/activate-account.server";
import { tokenPasswordAction } from "~/features/accounts/token-password-form.server";
import { redirectWithSession } from "~/platform/auth/cookies.server";
import { db } from "~/platform/db/client.server";
import { TokenPasswordPage } from "~/features/accounts/ui/token-password-page";
import type { Route } from "./+types/activation-mot-de-passe";

export const meta = () => [{ title: "Choisir mon mot de passe — Bascule" }];

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await activationTokenIsUsable(db(), params.token) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  return tokenPasswordAction(
    { request, context, token: params.token },
    {
      complete: (input) => completeActivation(db(), input),
      invalidTokenMessage: "Ce lien d’activation n’est plus valable. Demandez-en un nouveau.",
      done: (outcome) => redirectWithSession("/espace?bienvenue=1", outcome.token, outcome.expiresAt),
    },
  );
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
