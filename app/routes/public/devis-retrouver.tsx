import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Link, data, Form, redirect, useNavigation } from "react-router";
import { reopenQuote } from "~/features/quotes/create-quote.server";
import { quoteAccessCookie } from "~/features/quotes/quote-access.server";
import { REFERENCE_PATTERN, reopenQuoteSchema } from "~/features/quotes/schemas";
import { ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { INSURER } from "~/ui/insurer";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/devis-retrouver";
import { formatParisDate } from "~/platform/time/paris";

export const meta = () => [{ title: "Retrouver mon devis — Bascule" }];

export function loader({ request }: Route.LoaderArgs) {
  const given = (new URL(request.url).searchParams.get("reference") ?? "").toUpperCase();
  return { reference: REFERENCE_PATTERN.test(given) ? given : "" };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  rejectBots(form);
  const submission = parseForm(form, reopenQuoteSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), expired: null }, { status: 400 });
  const outcome = await reopenQuote(db(), submission.value, { ipHash: ipHashOf(context) });
  switch (outcome.kind) {
    case "ok":
      return redirect(`/devis/${outcome.quote.reference}`, { headers: { "Set-Cookie": quoteAccessCookie(outcome.quote.reference) } });
    case "expired":
      return data({ result: submission.reply(), expired: { reference: outcome.reference, expiresAt: outcome.expiresAt } }, { status: 410 });
    case "no-match":
      return data(
        {
          result: submission.reply({
            formErrors: ["Aucun devis en cours ne correspond à cette référence et cette adresse e-mail. Vérifiez la référence (elle figure sur votre devis) et l’adresse utilisée pour l’enregistrer."],
          }),
          expired: null,
        },
        { status: 404 },
      );
    case "throttled":
      return data(
        { result: submission.reply({ formErrors: [`Trop d’essais depuis votre connexion. Réessayez dans un quart d’heure, ou appelez-nous au ${INSURER.phone}.`] }), expired: null },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
  }
}

export default function DevisRetrouver({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    defaultValue: { reference: loaderData.reference },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: reopenQuoteSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const expired = actionData?.expired;
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Retrouver mon devis" lead="Saisissez la référence de votre devis et l’adresse e-mail avec laquelle vous l’avez enregistré." />
      {expired ? (
        <Alert tone="warning" role="alert" title="Ce devis a expiré">
          Le devis {expired.reference} était valable jusqu’au {formatParisDate(new Date(expired.expiresAt))}. Les tarifs ont pu changer :{" "}
          <Link to="/devis">faites un nouveau devis</Link>, c’est immédiat.
        </Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-5 text-sm text-muted">Tous les champs sont obligatoires.</p>
        <TextField meta={fields.reference} label="Référence du devis" autoComplete="off" hint="Par exemple DV-7KQ2-M9XH." required />
        <TextField meta={fields.email} label="Adresse e-mail" type="email" autoComplete="email" required />
        <Honeypot />
        <SubmitButton pending={navigation.state === "submitting"}>Ouvrir mon devis</SubmitButton>
      </Form>
      <p className="mt-6 text-sm text-muted">
        Pas encore de devis ? <Link to="/devis">Obtenir un devis</Link> en une minute.
      </p>
    </div>
  );
}
