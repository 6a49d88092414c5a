import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation } from "react-router";
import { maskNirHint } from "~/platform/identifiers/identifiers";
import { personsSchema } from "~/features/subscriptions/schemas";
import { ROLE_LABELS } from "~/features/subscriptions/format";
import { loadStep, quoteSummary } from "~/features/subscriptions/step-guard.server";
import { savePersons } from "~/features/subscriptions/subscription-draft.server";
import { ErrorSummary, StepActions } from "~/features/subscriptions/ui/fields";
import { ChoiceGroup } from "~/ui/form-controls";
import { StepProgress } from "~/features/subscriptions/ui/progress";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { Honeypot, TextField } from "~/ui/form";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion-personnes";

export const meta = () => [{ title: "Adhésion : personnes à protéger — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { draft, progress } = await loadStep(args, "personnes");
  const saved = draft.data.persons ?? [];
  const quotePersons = draft.quote.persons;
  return {
    progress,
    quote: quoteSummary(draft),
    persons: quotePersons.map((p, i) => ({
      role: p.role,
      label: ROLE_LABELS[p.role],
      quoteBirthDate: p.birthDate,
      savedNir: saved[i]?.nirHint ? maskNirHint(saved[i].nirHint) : null,
      // The hint (sex, birth year and month, key) is what the masked display shows anyway.
      savedHint: saved[i]?.nirHint ?? null,
    })),
    adults: quotePersons.flatMap((p, i) => (p.role === "CHILD" ? [] : [{ index: String(i), label: ROLE_LABELS[p.role] }])),
    defaults: quotePersons.map((p, i) => {
      const s = saved[i];
      return {
        civility: s?.civility ?? "",
        firstName: s?.firstName ?? "",
        lastName: s?.lastName ?? "",
        birthDate: s?.birthDate ?? p.birthDate,
        nirMode: p.role === "CHILD" ? (s ? (s.coveredByIndex !== null ? "parent" : "own") : "") : "",
        nir: "",
        coveredBy: s && s.coveredByIndex !== null ? String(s.coveredByIndex) : "",
      };
    }),
  };
}

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  rejectBots(form);
  const { draft } = await loadStep(args, "personnes");
  const schema = personsSchema(draft.quote.persons, (draft.data.persons ?? []).map((p) => p.nirHint));
  const submission = parseForm(form, schema);
  if (submission.status !== "success") return data({ result: submission.reply({ hideFields: personsNirFields(draft.quote.persons.length) }) }, { status: 400 });
  await savePersons(db(), draft, submission.value.persons);
  throw redirect("/adhesion/adresse");
}

/** A refused form is sent back without the NIRs typed: they never travel back in clear. */
function personsNirFields(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `persons[${i}].nir`);
}

export default function AdhesionPersonnes({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const schema = personsSchema(
    loaderData.persons.map((p) => ({ role: p.role, birthDate: p.quoteBirthDate })),
    loaderData.persons.map((p) => p.savedHint),
  );
  const [form, fields] = useForm({
    id: "adhesion-personnes",
    lastResult: actionData?.result,
    defaultValue: { persons: loaderData.defaults },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
  });
  const list = fields.persons.getFieldList();
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Adhérer en ligne : personnes à protéger" />
      <StepProgress progress={loaderData.progress} />
      <ErrorSummary errors={form.allErrors} />
      <Form method="post" {...getFormProps(form)} className="space-y-6">
        <p className="text-sm text-muted">
          Tous les champs sont obligatoires. Le numéro de sécurité sociale figure sur la carte Vitale et sur l’attestation de droits ; il est chiffré dès son enregistrement.
        </p>
        {list.map((item, i) => {
          const person = loaderData.persons[i]!;
          const f = item.getFieldset();
          const isChild = person.role === "CHILD";
          return (
            <fieldset key={item.key} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
              <legend className="px-1 text-xl font-semibold text-brand-800">
                Personne {i + 1} : {person.label}
              </legend>
              {!isChild ? (
                <ChoiceGroup
                  type="radio"
                  meta={f.civility}
                  legend="Civilité"
                  choices={[
                    { value: "Mme", label: "Madame" },
                    { value: "M.", label: "Monsieur" },
                  ]}
                />
              ) : null}
              <TextField meta={f.firstName} label="Prénom" autoComplete={i === 0 ? "given-name" : "off"} />
              <TextField meta={f.lastName} label="Nom" autoComplete={i === 0 ? "family-name" : "off"} />
              <TextField meta={f.birthDate} label="Date de naissance" type="date" hint={`Celle du devis : l’année de naissance (${person.quoteBirthDate.slice(0, 4)}) détermine le tarif.`} />
              {isChild ? (
                <ChoiceGroup
                  type="radio"
                  meta={f.nirMode}
                  legend="Numéro de sécurité sociale de l’enfant"
                  choices={[
                    { value: "parent", label: "Couvert sur le numéro d’un parent" },
                    { value: "own", label: "A son propre numéro" },
                  ]}
                />
              ) : null}
              {isChild ? (
                <ChoiceGroup
                  type="radio"
                  meta={f.coveredBy}
                  legend="Si l’enfant est couvert sur le numéro d’un parent : lequel ?"
                  choices={loaderData.adults.map((a) => ({ value: a.index, label: `${a.label} (personne ${Number(a.index) + 1})` }))}
                />
              ) : null}
              <TextField
                meta={f.nir}
                label={isChild ? "Numéro de sécurité sociale de l’enfant (s’il a le sien)" : "Numéro de sécurité sociale"}
                autoComplete="off"
                hint={
                  person.savedNir
                    ? `Numéro enregistré : ${person.savedNir}. Laissez vide pour le conserver.`
                    : "15 caractères, par exemple 2 95 10 99 126 111 93 ; les espaces sont acceptés."
                }
              />
            </fieldset>
          );
        })}
        <Honeypot />
        <StepActions back="/adhesion" submitLabel="Enregistrer et continuer" pending={navigation.state === "submitting"} />
      </Form>
    </div>
  );
}
