import { getFormProps, useForm } from "@conform-to/react";
import { data, Form, redirect, useNavigation } from "react-router";
import { maskIbanHint } from "~/platform/identifiers/identifiers";
import { signatureSchema } from "~/features/subscriptions/schemas";
import { CODE_LIFETIME_MS } from "~/features/subscriptions/signature-code";
import { sendSignatureCode, verifySignatureCode } from "~/features/subscriptions/signature.server";
import { loadStep, quoteSummary } from "~/features/subscriptions/step-guard.server";
import { ErrorSummary } from "~/features/subscriptions/ui/fields";
import { StepProgress } from "~/features/subscriptions/ui/progress";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { Honeypot, TextField } from "~/ui/form";
import { INSURER } from "~/ui/insurer";
import { Alert, Card, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion-signature";
import { frenchDate } from "~/platform/time/civil-date";

export const meta = () => [{ title: "Adhésion : signature — Bascule" }];

/** The address is shown as a reminder of where the code goes, partly hidden (the page may be seen by others). */
function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 2)}${"•".repeat(Math.max(1, local.length - 2))}@${domain}`;
}

export async function loader(args: Route.LoaderArgs) {
  const { draft, progress } = await loadStep(args, "signature");
  const d = draft.data;
  return {
    progress,
    quote: quoteSummary(draft),
    people: (d.persons ?? []).map((p, i) => `${p.firstName} ${p.lastName} (${i === 0 ? "adhérent(e)" : "bénéficiaire"})`),
    startDate: d.documents ? frenchDate(d.documents.startDate) : "",
    iban: draft.ibanHint ? maskIbanHint(draft.ibanHint) : "",
    mandateReference: draft.mandateReference ?? "",
    email: d.address ? maskEmail(d.address.email) : "",
    codeSent: draft.status === "SIGNING" && draft.signatureLockedAt === null,
    locked: draft.signatureLockedAt !== null,
    minutes: CODE_LIFETIME_MS / 60_000,
  };
}

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  rejectBots(form);
  const { draft, ipHash } = await loadStep(args, "signature");
  const submission = parseForm(form, signatureSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), notice: null }, { status: 400 });
  const client = { ipHash };
  if (submission.value.intent === "resend") {
    const sent = await sendSignatureCode(db(), draft, client);
    if (sent.kind === "throttled") {
      const minutes = Math.ceil(sent.retryAfterSeconds / 60);
      return data(
        { result: submission.reply({ formErrors: [`Vous avez demandé trop de codes. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}, ou appelez-nous au ${INSURER.phone}.`] }), notice: null },
        { status: 429, headers: { "Retry-After": String(sent.retryAfterSeconds) } },
      );
    }
    if (sent.kind === "not-ready") throw redirect("/adhesion/documents");
    return { result: submission.reply({ resetForm: true }), notice: "Un code vient de vous être envoyé par e-mail." };
  }
  if (!submission.value.code) {
    return data({ result: submission.reply({ fieldErrors: { code: ["Saisissez le code à 6 chiffres reçu par e-mail."] } }), notice: null }, { status: 400 });
  }
  const outcome = await verifySignatureCode(db(), draft.id, submission.value.code, client);
  const refuse = (message: string, field = true) =>
    data({ result: submission.reply(field ? { fieldErrors: { code: [message] } } : { formErrors: [message] }), notice: null }, { status: 400 });
  switch (outcome.kind) {
    case "signed":
      throw redirect("/adhesion/confirmation");
    case "wrong":
      return refuse(`Ce code n’est pas le bon. Il vous reste ${outcome.attemptsLeft} essai${outcome.attemptsLeft > 1 ? "s" : ""}.`);
    case "locked":
      return refuse("Trop d’essais : ce code est bloqué par sécurité. Demandez un nouveau code.");
    case "expired":
      return refuse(`Ce code a expiré (il est valable ${CODE_LIFETIME_MS / 60_000} minutes). Demandez un nouveau code.`);
    case "no-code":
      return refuse("Demandez d’abord un code : il vous sera envoyé par e-mail.");
    case "incomplete":
      throw redirect("/adhesion");
  }
}

export default function AdhesionSignature({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm<{ code: string; intent: string }>({ id: "adhesion-signature", lastResult: actionData?.result, shouldValidate: "onSubmit" });
  const pending = navigation.state === "submitting";
  const d = loaderData;
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Adhérer en ligne : signature" />
      <StepProgress progress={d.progress} />
      <ErrorSummary errors={form.allErrors} />
      {actionData?.notice ? (
        <Alert tone="success" role="status">
          {actionData.notice}
        </Alert>
      ) : null}
      <div className="mb-6">
        <Card title="Récapitulatif de votre demande">
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
            <div>
              <dt className="text-sm text-muted">Formule</dt>
              <dd>{d.quote.formula ? `${d.quote.formula.code} ${d.quote.formula.name}, ${d.quote.formula.monthly} par mois` : ""}</dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Date d’effet</dt>
              <dd>{d.startDate}</dd>
            </div>
            <div className="sm:col-span-2">
              <dt className="text-sm text-muted">Personnes protégées</dt>
              <dd>
                <ul className="list-disc pl-5">
                  {d.people.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Compte prélevé</dt>
              <dd>{d.iban}</dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Référence du mandat SEPA</dt>
              <dd>
                {d.mandateReference} (<a href="/adhesion/mandat.pdf" download>mandat en PDF</a>)
              </dd>
            </div>
          </dl>
        </Card>
      </div>
      <section aria-labelledby="signer" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="signer" className="mb-3 text-xl font-semibold text-brand-800">
          Signer avec un code reçu par e-mail
        </h2>
        <p className="mb-4 text-sm">
          En saisissant le code, vous signez votre demande d’adhésion et le mandat de prélèvement SEPA. Le code est envoyé à {d.email} ; il est valable {d.minutes} minutes et 5 essais sont permis.
        </p>
        {d.codeSent ? (
          <Form method="post" {...getFormProps(form)} className="mb-4">
            <TextField meta={fields.code} label="Code de signature" autoComplete="one-time-code" inputMode="numeric" hint="6 chiffres, par exemple 123456." />
            <input type="hidden" name="intent" value="sign" />
            <Honeypot />
            <button type="submit" disabled={pending} className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:opacity-70">
              Signer ma demande d’adhésion
            </button>
          </Form>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="resend" />
          <button
            type="submit"
            disabled={pending}
            className={
              d.codeSent
                ? "font-medium text-brand-700 underline"
                : "inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:opacity-70"
            }
          >
            {d.codeSent || d.locked ? "Recevoir un nouveau code" : "Recevoir mon code par e-mail"}
          </button>
        </Form>
        <p className="mt-6 text-sm">
          <a href="/adhesion/documents">Revenir à l’étape précédente</a>
        </p>
      </section>
    </div>
  );
}
