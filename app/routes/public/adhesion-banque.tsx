import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation } from "react-router";
import { maskIbanHint } from "~/platform/identifiers/identifiers";
import { bankSchema } from "~/features/subscriptions/schemas";
import { MANDATE_TEXT } from "~/features/subscriptions/sepa-mandate";
import { config } from "~/platform/config/env.server";
import { loadStep } from "~/features/subscriptions/step-guard.server";
import { saveBank } from "~/features/subscriptions/subscription-draft.server";
import { Checkbox, ErrorSummary, StepActions } from "~/features/subscriptions/ui/fields";
import { StepProgress } from "~/features/subscriptions/ui/progress";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { Honeypot, TextField } from "~/ui/form";
import { INSURER } from "~/ui/insurer";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion-banque";

export const meta = () => [{ title: "Adhésion : compte bancaire et mandat — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { draft, progress } = await loadStep(args, "banque");
  const memberIndex = Math.max(0, draft.quote.persons.findIndex((p) => p.role === "MEMBER"));
  const member = draft.data.persons?.[memberIndex];
  return {
    progress,
    savedIban: draft.ibanHint ? maskIbanHint(draft.ibanHint) : null,
    mandateReference: draft.mandateReference,
    creditorIdentifier: config().sepaCreditorId,
    defaults: {
      accountHolder: draft.data.bank?.accountHolder ?? (member ? `${member.firstName} ${member.lastName}` : ""),
      bic: draft.data.bank?.bic ?? "",
      iban: "",
      mandate: draft.data.bank ? "on" : "",
    },
  };
}

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  rejectBots(form);
  const { draft } = await loadStep(args, "banque");
  const submission = parseForm(form, bankSchema(Boolean(draft.ibanEnc)));
  if (submission.status !== "success") return data({ result: submission.reply({ hideFields: ["iban"] }) }, { status: 400 });
  await saveBank(db(), draft, submission.value);
  throw redirect("/adhesion/documents");
}

export default function AdhesionBanque({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const schema = bankSchema(loaderData.savedIban !== null);
  const [form, fields] = useForm({
    id: "adhesion-banque",
    lastResult: actionData?.result,
    defaultValue: loaderData.defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Adhérer en ligne : compte bancaire et mandat" />
      <StepProgress progress={loaderData.progress} />
      <ErrorSummary errors={form.allErrors} />
      <Form method="post" {...getFormProps(form)} className="space-y-6">
        <fieldset className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <legend className="px-1 text-xl font-semibold text-brand-800">Compte à prélever</legend>
          <p className="mb-5 text-sm text-muted">Les cotisations sont prélevées chaque mois sur ce compte, et vos remboursements y sont versés. L’IBAN est chiffré dès son enregistrement.</p>
          <TextField
            meta={fields.iban}
            label="IBAN"
            autoComplete="off"
            hint={
              loaderData.savedIban
                ? `IBAN enregistré : ${loaderData.savedIban}. Laissez vide pour le conserver.`
                : "Il figure sur votre RIB, par exemple FR76 3000 6000 0112 3456 7890 189 ; les espaces sont acceptés."
            }
          />
          <TextField meta={fields.bic} label="BIC (facultatif)" autoComplete="off" hint="8 ou 11 caractères, par exemple BNPAFRPP." />
          <TextField meta={fields.accountHolder} label="Titulaire du compte" autoComplete="name" />
        </fieldset>
        <section aria-labelledby="mandat-titre" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h2 id="mandat-titre" className="mb-3 text-xl font-semibold text-brand-800">
            Mandat de prélèvement SEPA
          </h2>
          <dl className="mb-4 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-muted">Créancier</dt>
              <dd>
                {INSURER.legalName}, {INSURER.postalAddress}
              </dd>
            </div>
            <div>
              <dt className="text-muted">Identifiant créancier SEPA (ICS)</dt>
              <dd>{loaderData.creditorIdentifier}</dd>
            </div>
            <div>
              <dt className="text-muted">Référence unique du mandat (RUM)</dt>
              <dd>{loaderData.mandateReference ?? "attribuée à l’enregistrement de cette étape"}</dd>
            </div>
            <div>
              <dt className="text-muted">Type de paiement</dt>
              <dd>Récurrent (mensuel)</dd>
            </div>
          </dl>
          {MANDATE_TEXT.map((p) => (
            <p key={p} className="mb-3 text-sm">
              {p}
            </p>
          ))}
          {loaderData.mandateReference ? (
            <p className="mb-4 text-sm">
              <a href="/adhesion/mandat.pdf" download>
                Télécharger le mandat (PDF)
              </a>
            </p>
          ) : null}
          <Checkbox meta={fields.mandate} label="J’autorise Bascule à prélever mes cotisations sur ce compte selon les termes du mandat ci-dessus. Le mandat sera signé avec votre demande, à la dernière étape." />
        </section>
        <Honeypot />
        <StepActions back="/adhesion/adresse" submitLabel="Enregistrer et continuer" pending={navigation.state === "submitting"} />
      </Form>
    </div>
  );
}
