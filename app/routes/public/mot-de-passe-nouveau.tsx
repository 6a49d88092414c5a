import { completePasswordReset, resetTokenIsUsable } from "~/features/accounts/reset-password.server";
import { tokenPasswordAction } from "~/features/accounts/token-password-form.server";
import { redirectClearingSession } from "~/platform/auth/cookies.server";
import { db } from "~/platform/db/client.server";
import { TokenPasswordPage } from "~/features/accounts/ui/token-password-page";
import type { Route } from "./+types/mot-de-passe-nouveau";

export const meta = () => [{ title: "Nouveau mot de passe — Bascule" }];

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await resetTokenIsUsable(db(), params.token) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  return tokenPasswordAction(
    { request, context, token: params.token },
    {
      complete: (input) => completePasswordReset(db(), input),
      invalidTokenMessage: "Ce lien n’est plus valable. Faites une nouvelle demande.",
      done: () => redirectClearingSession("/connexion?info=reinitialise"),
    },
  );
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
