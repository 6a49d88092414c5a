import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation, useSearchParams } from "react-router";
import { completeTotpStep } from "~/features/accounts/login.server";
import { totpSchema } from "~/features/accounts/schemas";
import { redirectClearingSession, redirectWithSession } from "~/platform/auth/cookies.server";
import { getAnySession, ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { safeRedirect } from "~/platform/http/safe-redirect";
import { FormErrors, SubmitButton, TextField } from "~/ui/form";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/connexion-verification";

export const meta = () => [{ title: "Code de vérification — Bascule" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const found = await getAnySession({ request, context });
  if (!found) throw redirect("/connexion?info=expiree");
  if (found.session.mfaVerified) throw redirect(found.user.role === "MEMBER" ? "/espace" : "/admin");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const found = await getAnySession({ request, context });
  if (!found || found.session.mfaVerified) throw redirect("/connexion?info=expiree");
  const form = await readForm(request);
  const submission = parseForm(form, totpSchema);
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const outcome = await completeTotpStep(db(), {
    pendingSessionId: found.session.id,
    code: submission.value.code,
    client: { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") },
  });
  switch (outcome.kind) {
    case "expired":
      throw redirectClearingSession("/connexion?info=expiree");
    case "throttled":
      return data(
        { result: submission.reply({ formErrors: ["Trop de codes erronés. Par sécurité, reconnectez-vous dans 15 minutes."] }) },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    case "invalid":
      return data(
        { result: submission.reply({ fieldErrors: { code: ["Ce code n’est pas valide ou a déjà été utilisé. Saisissez le code affiché actuellement par votre application."] } }) },
        { status: 400 },
      );
    case "signed-in": {
      const fallback = outcome.role === "MEMBER" ? "/espace" : "/admin";
      throw redirectWithSession(safeRedirect(submission.value.redirectTo, fallback), outcome.token, outcome.expiresAt);
    }
  }
}

export default function Verification({ actionData }: Route.ComponentProps) {
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: totpSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader
        title="Vérification en deux étapes"
        lead="Saisissez le code à 6 chiffres affiché par votre application d’authentification (par exemple FreeOTP, Aegis ou Google Authenticator)."
      />
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <TextField meta={fields.code} label="Code de vérification" autoComplete="one-time-code" inputMode="numeric" hint="6 chiffres, renouvelés toutes les 30 secondes." />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <SubmitButton pending={navigation.state === "submitting"}>Valider</SubmitButton>
      </Form>
    </div>
  );
}
