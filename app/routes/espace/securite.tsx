import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation } from "react-router";
import {
  changePassword,
  confirmTotpEnrolment,
  disableTotp,
  getAccountSecurity,
  resumeTotpEnrolment,
  startTotpEnrolment,
} from "~/features/accounts/account-security.server";
import { changePasswordSchema, disableTotpSchema, enableTotpSchema } from "~/features/accounts/schemas";
import { ipHashOf, requireMember } from "~/platform/auth/guards.server";
import { PASSWORD_MESSAGES } from "~/platform/auth/password-rules";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { FormErrors, SubmitButton, TextField } from "~/ui/form";
import { Alert, Card, PageHeader } from "~/ui/layout";
import { NewPasswordFields } from "~/ui/password-fields";
import type { Route } from "./+types/securite";
import { noticeFrom } from "~/platform/http/notice";

export const meta = () => [{ title: "Sécurité du compte — Bascule" }];

const NOTICES: Record<string, string> = {
  "mot-de-passe": "Votre mot de passe a été modifié. Vos autres sessions ont été fermées.",
  "2fa-active": "La vérification en deux étapes est activée.",
  "2fa-desactive": "La vérification en deux étapes est désactivée.",
};

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requireMember(args);
  const security = await getAccountSecurity(db(), user.id);
  return {
    totpEnabled: security.totpEnabled,
    enrolment: security.totpEnabled ? null : startTotpEnrolment(user.id, user.email),
    notice: noticeFrom(args.request, NOTICES),
  };
}

/** The current password is checked under the login's throttle: too many wrong guesses lock it (429). */
function tooManyAttempts(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Trop de tentatives avec un mot de passe incorrect. Par sécurité, réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`;
}

export async function action(args: Route.ActionArgs) {
  const { user, session } = await requireMember(args);
  const form = await readForm(args.request);
  const ipHash = ipHashOf(args.context);
  const intent = form.get("intent");

  if (intent === "password") {
    const submission = parseForm(form, changePasswordSchema);
    const hidden = { hideFields: ["currentPassword", "password", "confirmation"] };
    if (submission.status !== "success") return data({ intent, result: submission.reply(hidden) }, { status: 400 });
    const outcome = await changePassword(db(), {
      userId: user.id,
      sessionId: session.id,
      currentPassword: submission.value.currentPassword,
      newPassword: submission.value.password,
      ipHash,
    });
    if (outcome.kind === "throttled") {
      return data(
        { intent, result: submission.reply({ fieldErrors: { currentPassword: [tooManyAttempts(outcome.retryAfterSeconds)] }, ...hidden }) },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    }
    if (outcome.kind === "bad-password") {
      return data({ intent, result: submission.reply({ fieldErrors: { currentPassword: ["Mot de passe actuel incorrect."] }, ...hidden }) }, { status: 400 });
    }
    if (outcome.kind === "weak-password") {
      return data({ intent, result: submission.reply({ fieldErrors: { password: [PASSWORD_MESSAGES[outcome.problem]] }, ...hidden }) }, { status: 400 });
    }
    throw redirect("/espace/securite?ok=mot-de-passe");
  }

  if (intent === "enable-totp") {
    const submission = parseForm(form, enableTotpSchema);
    if (submission.status !== "success") {
      const sealed = form.get("sealed");
      const enrolment = typeof sealed === "string" ? resumeTotpEnrolment(user.id, user.email, sealed) : null;
      return data({ intent, enrolment, result: submission.reply() }, { status: 400 });
    }
    const outcome = await confirmTotpEnrolment(db(), { userId: user.id, email: user.email, ...submission.value, ipHash });
    if (outcome !== "enabled") {
      const message = outcome === "invalid-code" ? "Ce code n’est pas valide. Vérifiez la clé saisie dans l’application et réessayez." : "La clé a expiré : rechargez la page.";
      const enrolment = resumeTotpEnrolment(user.id, user.email, submission.value.sealed);
      return data({ intent, enrolment, result: submission.reply({ fieldErrors: { code: [message] } }) }, { status: 400 });
    }
    throw redirect("/espace/securite?ok=2fa-active");
  }

  if (intent === "disable-totp") {
    const submission = parseForm(form, disableTotpSchema);
    if (submission.status !== "success") return data({ intent, result: submission.reply({ hideFields: ["currentPassword"] }) }, { status: 400 });
    const outcome = await disableTotp(db(), { userId: user.id, password: submission.value.currentPassword, ipHash });
    if (typeof outcome === "object") {
      return data(
        { intent, result: submission.reply({ fieldErrors: { currentPassword: [tooManyAttempts(outcome.throttled)] }, hideFields: ["currentPassword"] }) },
        { status: 429, headers: { "Retry-After": String(outcome.throttled) } },
      );
    }
    if (outcome !== "disabled") {
      return data(
        { intent, result: submission.reply({ fieldErrors: { currentPassword: ["Mot de passe actuel incorrect."] }, hideFields: ["currentPassword"] }) },
        { status: 400 },
      );
    }
    throw redirect("/espace/securite?ok=2fa-desactive");
  }

  throw data({ message: "Action inconnue." }, { status: 400 });
}

export default function Security({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const resumed = actionData && "enrolment" in actionData ? (actionData.enrolment as typeof loaderData.enrolment) : null;
  const enrolment = resumed ?? loaderData.enrolment;
  const [passwordForm, pf] = useForm({
    id: "password",
    lastResult: actionData?.intent === "password" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
    shouldValidate: "onSubmit",
  });
  const [enableForm, ef] = useForm({
    id: "enable-totp",
    lastResult: actionData?.intent === "enable-totp" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: enableTotpSchema }),
    shouldValidate: "onSubmit",
  });
  const [disableForm, df] = useForm({
    id: "disable-totp",
    lastResult: actionData?.intent === "disable-totp" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: disableTotpSchema }),
    shouldValidate: "onSubmit",
  });

  return (
    <>
      <PageHeader title="Sécurité du compte" lead="Votre mot de passe et la vérification en deux étapes." />
      {loaderData.notice ? (
        <Alert tone="success" role="status">
          {loaderData.notice}
        </Alert>
      ) : null}
      <div className="space-y-8">
        <Card title="Changer de mot de passe">
          <FormErrors id={passwordForm.errorId} errors={passwordForm.errors} />
          <Form method="post" {...getFormProps(passwordForm)}>
            <input type="hidden" name="intent" value="password" />
            <TextField meta={pf.currentPassword} label="Mot de passe actuel" type="password" autoComplete="current-password" />
            <NewPasswordFields password={pf.password} confirmation={pf.confirmation} />
            <SubmitButton pending={busy}>Changer de mot de passe</SubmitButton>
          </Form>
        </Card>

        <Card title="Vérification en deux étapes">
          {loaderData.totpEnabled ? (
            <>
              <p className="mb-4">
                <strong>Activée.</strong> Un code de votre application d’authentification vous est demandé à chaque connexion.
              </p>
              <FormErrors id={disableForm.errorId} errors={disableForm.errors} />
              <Form method="post" {...getFormProps(disableForm)}>
                <input type="hidden" name="intent" value="disable-totp" />
                <TextField meta={df.currentPassword} label="Mot de passe actuel" type="password" autoComplete="current-password" />
                <SubmitButton pending={busy}>Désactiver la vérification en deux étapes</SubmitButton>
              </Form>
            </>
          ) : enrolment ? (
            <>
              <p>Protégez votre compte : en plus du mot de passe, un code à 6 chiffres vous sera demandé à chaque connexion.</p>
              <ol className="mt-4 list-decimal space-y-2 pl-6">
                <li>Installez une application d’authentification (FreeOTP, Aegis, Google Authenticator…).</li>
                <li>
                  Ajoutez un compte en saisissant cette clé :{" "}
                  <code className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm">{enrolment.base32}</code>
                </li>
                <li>Saisissez ci-dessous le code affiché par l’application.</li>
              </ol>
              <FormErrors id={enableForm.errorId} errors={enableForm.errors} />
              <Form method="post" {...getFormProps(enableForm)} className="mt-4">
                <input type="hidden" name="intent" value="enable-totp" />
                <input type="hidden" name="sealed" value={enrolment.sealed} />
                <TextField meta={ef.code} label="Code affiché par l’application" autoComplete="one-time-code" inputMode="numeric" />
                <SubmitButton pending={busy}>Activer</SubmitButton>
              </Form>
            </>
          ) : null}
        </Card>
      </div>
    </>
  );
}
