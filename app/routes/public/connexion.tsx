import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect, useNavigation, useSearchParams } from "react-router";
import { loginWithPassword } from "~/features/accounts/login.server";
import { loginSchema } from "~/features/accounts/schemas";
import { redirectWithSession } from "~/platform/auth/cookies.server";
import { getSignedIn, ipHashOf } from "~/platform/auth/guards.server";
import { serializeSessionCookie } from "~/platform/auth/session.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { safeRedirect } from "~/platform/http/safe-redirect";
import { FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/connexion";
import { noticeFrom } from "~/platform/http/notice";

export const meta = () => [{ title: "Connexion — Bascule" }];

const NOTICES: Record<string, string> = {
  reinitialise: "Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de passe.",
  deconnecte: "Vous êtes déconnecté.",
  expiree: "Votre session a expiré. Merci de vous reconnecter.",
};

export async function loader({ request, context }: Route.LoaderArgs) {
  const signedIn = await getSignedIn({ request, context });
  if (signedIn) throw redirect(signedIn.user.role === "MEMBER" ? "/espace" : "/admin");
  return { notice: noticeFrom(request, NOTICES, "info") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  rejectBots(form);
  const submission = parseForm(form, loginSchema);
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const client = { ipHash: ipHashOf(context), userAgent: request.headers.get("user-agent") };
  const outcome = await loginWithPassword(db(), { ...submission.value, client });
  const redirectTo = safeRedirect(submission.value.redirectTo, "");
  switch (outcome.kind) {
    case "throttled": {
      const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
      return data(
        {
          result: submission.reply({
            formErrors: [`Trop de tentatives de connexion. Par sécurité, réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`],
            hideFields: ["password"],
          }),
        },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    }
    case "invalid":
      return data(
        {
          result: submission.reply({
            formErrors: ["Adresse e-mail ou mot de passe incorrect."],
            hideFields: ["password"],
          }),
        },
        { status: 400 },
      );
    case "mfa-required": {
      const next = `/connexion/verification${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ""}`;
      throw redirect(next, { headers: { "Set-Cookie": serializeSessionCookie(outcome.token, outcome.expiresAt) } });
    }
    case "signed-in":
      throw redirectWithSession(redirectTo || (outcome.role === "MEMBER" ? "/espace" : "/admin"), outcome.token, outcome.expiresAt);
  }
}

export default function Connexion({ loaderData, actionData }: Route.ComponentProps) {
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Connexion à votre espace" lead="Adhérents et personnel de Bascule." />
      {loaderData.notice ? (
        <Alert tone="success" role="status">
          {loaderData.notice}
        </Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-5 text-sm text-muted">Tous les champs sont obligatoires.</p>
        <TextField meta={fields.email} label="Adresse e-mail" type="email" autoComplete="username" hint="Par exemple : nom@exemple.fr" />
        <TextField meta={fields.password} label="Mot de passe" type="password" autoComplete="current-password" />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Honeypot />
        <SubmitButton pending={navigation.state === "submitting"}>Se connecter</SubmitButton>
      </Form>
      <ul className="mt-6 space-y-2">
        <li>
          <Link to="/mot-de-passe-oublie">Mot de passe oublié ?</Link>
        </li>
        <li>
          Première connexion ? <Link to="/activation">Activer mon espace adhérent</Link>
        </li>
      </ul>
    </div>
  );
}
