import { redirect } from "react-router";
import { logout } from "~/features/accounts/login.server";
import { redirectClearingSession } from "~/platform/auth/cookies.server";
import { getAnySession, ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import type { Route } from "./+types/deconnexion";

/** Logout is a POST (a GET must never change state); a GET just goes home. */
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: Route.ActionArgs) {
  const found = await getAnySession({ request, context });
  if (found) {
    await logout(db(), { sessionId: found.session.id, userId: found.user.id, ipHash: ipHashOf(context) });
  }
  return redirectClearingSession("/connexion?info=deconnecte");
}
