import { type FieldMetadata, type SubmissionResult, getCollectionProps, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useEffect, useRef } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { type ComputedQuote, computeQuote, saveQuote } from "~/features/quotes/create-quote.server";
import { ROLE_LABELS } from "~/features/quotes/format";
import { type ComparisonFormula, KEY_CATEGORIES, type QuoteView, quoteView } from "~/features/quotes/comparison";
import { comparisonCatalogue } from "~/features/quotes/guarantees.server";
import { NEEDS, NEED_LABELS } from "~/features/quotes/needs";
import { quoteAccessCookie } from "~/features/quotes/quote-access.server";
import { MAX_CHILDREN, MAX_START_MONTHS, quoteSchema, saveQuoteSchema } from "~/features/quotes/schemas";
import { getSignedIn, ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { HONEYPOT_FIELD } from "~/platform/http/honeypot";
import { FieldError, FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { INSURER } from "~/ui/insurer";
import { PageHeader } from "~/ui/layout";
import type { Route } from "./+types/devis";
import { formatEuros } from "~/platform/format/euros";
import { addDays, addMonths, formatCivilDate } from "~/platform/time/civil-date";
import { parisDateOf } from "~/platform/time/paris";

export const meta = () => [
  { title: "Obtenir un devis de complémentaire santé — Bascule" },
  { name: "description", content: "Comparez en une minute les quatre formules Bascule pour vous et votre famille, sans questionnaire de santé." },
];

const ACTION_FIELD = "_action";

export async function loader() {
  const today = parisDateOf(new Date());
  return { today, formulas: await comparisonCatalogue(db()) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  rejectBots(form);
  const today = parisDateOf(new Date());
  const family = parseForm(form, quoteSchema(today));
  if (family.status !== "success") {
    // A Conform intent (add or remove a child) without JavaScript comes back here with no status.
    return data({ family: family.reply(), save: null, quote: null }, { status: family.status === "error" ? 400 : 200 });
  }
  const computed = await computeQuote(db(), family.value);
  if (computed.kind === "invalid") {
    return data({ family: family.reply({ fieldErrors: computed.fieldErrors, formErrors: computed.formErrors }), save: null, quote: null }, { status: 400 });
  }
  const quote = quoteView(computed.quote);
  if (form.get(ACTION_FIELD) !== "save") return { family: family.reply(), save: null, quote };

  const save = parseForm(form, saveQuoteSchema(today));
  if (save.status !== "success") return data({ family: family.reply(), save: save.reply(), quote }, { status: 400 });
  const signedIn = await getSignedIn({ request, context });
  const outcome = await saveQuote(db(), save.value, { ipHash: ipHashOf(context), userId: signedIn?.user.id ?? null });
  switch (outcome.kind) {
    case "saved":
      return redirect(`/devis/${outcome.reference}?enregistre=1`, { headers: { "Set-Cookie": quoteAccessCookie(outcome.reference) } });
    case "throttled":
      return data(
        {
          family: family.reply(),
          save: save.reply({
            formErrors: [`Vous avez enregistré beaucoup de devis depuis votre connexion. Réessayez dans une heure, ou appelez-nous au ${INSURER.phone}.`],
          }),
          quote,
        },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    case "invalid":
      return data({ family: family.reply({ fieldErrors: outcome.fieldErrors }), save: null, quote: null }, { status: 400 });
  }
}

const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export default function Devis({ loaderData, actionData }: Route.ComponentProps) {
  const { today, formulas } = loaderData;
  const navigation = useNavigation();
  const pending = navigation.state === "submitting";
  const [form, fields] = useForm({
    id: "famille",
    lastResult: actionData?.family,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: quoteSchema(today) }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const children = fields.children.getFieldList();
  const quote = actionData?.quote ?? null;
  const resultsRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (quote) resultsRef.current?.focus();
  }, [quote]);

  return (
    <div>
      <PageHeader
        title="Obtenir un devis"
        lead="Quatre formules, un prix clair pour chaque personne. Pas de questionnaire de santé : le tarif dépend de l’âge, du lieu de résidence et de la formule."
      />
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-5 text-sm text-muted">Les champs marqués d’un astérisque (*) sont obligatoires.</p>
        <div className="grid gap-x-8 md:grid-cols-2">
          <TextField meta={fields.postcode} label="Code postal de votre domicile" inputMode="numeric" autoComplete="postal-code" required hint="Par exemple 83000." />
          <TextField
            meta={fields.startDate}
            label="Date de début souhaitée"
            type="date"
            required
            hint={`Entre le ${frDate(addDays(today, 1))} et le ${frDate(addMonths(today, MAX_START_MONTHS))}.`}
          />
        </div>

        <fieldset className="mb-6 rounded-md border border-slate-300 p-4">
          <legend className="px-1 text-lg font-semibold text-brand-800">Personnes à couvrir</legend>
          <div className="grid gap-x-8 md:grid-cols-2">
            <TextField meta={fields.memberBirthDate} label="Votre date de naissance" type="date" autoComplete="bday" required />
            <TextField meta={fields.spouseBirthDate} label="Date de naissance de votre conjoint" type="date" hint="Facultatif : laissez vide si vous adhérez sans conjoint." />
          </div>
          {children.length > 0 ? (
            <ol className="mb-2">
              {children.map((child, index) => {
                const birthDate = child.getFieldset().birthDate;
                return (
                  <li key={child.key} className="flex flex-wrap items-end gap-4">
                    <TextField meta={birthDate} label={`Date de naissance de l’enfant ${index + 1}`} type="date" required />
                    <button
                      {...form.remove.getButtonProps({ name: fields.children.name, index })}
                      className="mb-5 rounded-md border border-slate-500 px-3 py-2 text-sm font-medium text-ink hover:bg-slate-100"
                    >
                      Retirer l’enfant {index + 1}
                    </button>
                  </li>
                );
              })}
            </ol>
          ) : null}
          <FieldError id={fields.children.errorId} errors={fields.children.errors} />
          {children.length < MAX_CHILDREN ? (
            <button
              {...form.insert.getButtonProps({ name: fields.children.name })}
              className="rounded-md border border-brand-700 px-4 py-2 font-medium text-brand-800 hover:bg-brand-50"
            >
              Ajouter un enfant
            </button>
          ) : null}
          <p className="mt-3 text-sm text-muted">
            Un enfant est couvert au tarif enfant jusqu’à 25 ans (étudiant ou à charge). À partir du troisième enfant, c’est gratuit.
          </p>
        </fieldset>

        <NeedsField meta={fields.priorities} />

        <input type="hidden" name={ACTION_FIELD} value="compute" />
        <Honeypot />
        <SubmitButton pending={pending}>Voir les tarifs</SubmitButton>
      </Form>

      {quote ? (
        <section aria-labelledby="resultats" className="mt-10">
          <h2 id="resultats" ref={resultsRef} tabIndex={-1} className="text-2xl font-bold text-brand-800">
            Vos tarifs
          </h2>
          <p className="mt-2 text-muted">
            À partir du {formatCivilDate(quote.startDate)}, code postal {quote.postcode} (zone {quote.zone}
            {quote.scheme === "ALSACE_MOSELLE" ? ", régime local d’Alsace-Moselle" : ""}). Montants en euros, toutes taxes comprises.
          </p>
          <Comparison quote={quote} formulas={formulas} />
          <SaveQuote quote={quote} lastResult={actionData?.save ?? undefined} today={today} pending={pending} />
        </section>
      ) : null}

      <p className="mt-8 text-sm text-muted">
        Vous avez déjà un devis ? <Link to="/devis/retrouver">Retrouver mon devis</Link> avec sa référence et votre adresse e-mail.
      </p>
    </div>
  );
}

function NeedsField({ meta }: { meta: FieldMetadata<string[] | undefined> }) {
  return (
    <fieldset className="mb-6 rounded-md border border-slate-300 p-4" aria-describedby="besoins-aide">
      <legend className="px-1 text-lg font-semibold text-brand-800">Ce qui compte pour vous</legend>
      <p id="besoins-aide" className="mb-3 text-sm text-muted">
        Facultatif : nous mettrons en avant la formule la mieux adaptée.
      </p>
      <ul className="grid gap-2 sm:grid-cols-2">
        {getCollectionProps(meta, { type: "checkbox", options: [...NEEDS] }).map(({ key, ...props }) => (
          <li key={key} className="flex items-center gap-2">
            <input {...props} className="h-5 w-5" />
            <label htmlFor={props.id}>{NEED_LABELS[props.value as (typeof NEEDS)[number]]}</label>
          </li>
        ))}
      </ul>
      <FieldError id={meta.errorId} errors={meta.errors} />
    </fieldset>
  );
}

function personLabel(role: keyof typeof ROLE_LABELS, age: number, childRank: number | null): string {
  return `${childRank ? `${ROLE_LABELS[role]} ${childRank}` : ROLE_LABELS[role]}, ${age} ans`;
}

type ShownQuote = QuoteView<ComputedQuote>;

function Comparison({ quote, formulas }: { quote: ShownQuote; formulas: ComparisonFormula[] }) {
  const byCode = new Map(formulas.map((f) => [f.code, f]));
  const recommended = quote.recommendedFormula;
  const cell = (code: string) => (code === recommended ? "bg-brand-50 border-x-2 border-brand-700" : "");
  const first = quote.formulas[0]!;
  const guaranteeRows = KEY_CATEGORIES.map((category, index) => {
    const label = byCode.get(first.code)?.keyLines[index]?.label ?? category;
    return { category, index, label };
  });
  return (
    <div className="mt-6 overflow-x-auto" role="region" aria-label="Comparaison des quatre formules" tabIndex={0}>
      <table className="w-full min-w-[48rem] border-collapse text-left text-sm">
        <caption className="mb-3 text-left text-base font-semibold">
          Les quatre formules côte à côte : cotisation par personne et par mois, totaux, et principales garanties. La formule recommandée
          pour vous est {recommended} {byCode.get(recommended)?.name ?? ""}.
        </caption>
        <thead>
          <tr className="border-b-2 border-slate-300">
            <td className="px-3 py-2" />
            {quote.formulas.map((f) => (
              <th key={f.code} scope="col" className={`px-3 py-2 align-bottom ${cell(f.code)}`}>
                {f.code === recommended ? (
                  <span className="mb-1 inline-block rounded bg-brand-700 px-2 py-0.5 text-xs font-semibold uppercase text-white">Recommandée</span>
                ) : null}
                <span className="block text-base">
                  {f.code} {byCode.get(f.code)?.name ?? ""}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {quote.persons.map((p, i) => (
            <tr key={i} className="border-b border-slate-200">
              <th scope="row" className="px-3 py-2 font-medium">
                {personLabel(p.role, p.age, p.childRank)}
              </th>
              {quote.formulas.map((f) => {
                const line = f.persons[i]!;
                return (
                  <td key={f.code} className={`px-3 py-2 ${cell(f.code)}`}>
                    {line.free ? "Gratuit" : `${formatEuros(line.monthlyCents)} / mois`}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr className="border-b border-slate-300 bg-slate-50">
            <th scope="row" className="px-3 py-2 font-semibold">
              Total par mois
            </th>
            {quote.formulas.map((f) => (
              <td key={f.code} className={`px-3 py-2 text-lg font-bold ${cell(f.code)}`}>
                {formatEuros(f.monthlyCents)}
              </td>
            ))}
          </tr>
          <tr className="border-b-2 border-slate-300 bg-slate-50">
            <th scope="row" className="px-3 py-2 font-semibold">
              Total par an
            </th>
            {quote.formulas.map((f) => (
              <td key={f.code} className={`px-3 py-2 font-semibold ${cell(f.code)}`}>
                {formatEuros(f.yearlyCents)}
              </td>
            ))}
          </tr>
          {guaranteeRows.map((row) => (
            <tr key={row.category} className="border-b border-slate-200 align-top">
              <th scope="row" className="px-3 py-2 font-medium">
                {row.label}
              </th>
              {quote.formulas.map((f) => (
                <td key={f.code} className={`px-3 py-2 ${cell(f.code)}`}>
                  {byCode.get(f.code)?.keyLines[row.index]?.summary ?? "—"}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SaveQuote({
  quote,
  lastResult,
  today,
  pending,
}: {
  quote: ShownQuote;
  lastResult: SubmissionResult<string[]> | undefined;
  today: string;
  pending: boolean;
}) {
  const [form, fields] = useForm({
    id: "enregistrer",
    lastResult,
    defaultValue: { formula: quote.recommendedFormula },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: saveQuoteSchema(today) }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const spouse = quote.persons.find((p) => p.role === "SPOUSE");
  const children = quote.persons.filter((p) => p.role === "CHILD");
  return (
    <div className="mt-8 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h3 className="text-xl font-semibold text-brand-800">Enregistrer mon devis</h3>
      <p className="mt-2 text-muted">
        Votre devis est conservé 30 jours avec une référence. Vous pourrez le télécharger en PDF, le retrouver avec votre adresse e-mail et
        adhérer en ligne.
      </p>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="mt-4">
        <input type="hidden" name="postcode" value={quote.postcode} />
        <input type="hidden" name="startDate" value={quote.startDate} />
        <input type="hidden" name="memberBirthDate" value={quote.persons[0]!.birthDate} />
        {spouse ? <input type="hidden" name="spouseBirthDate" value={spouse.birthDate} /> : null}
        {children.map((c, i) => (
          <input key={i} type="hidden" name={`children[${i}].birthDate`} value={c.birthDate} />
        ))}
        {quote.priorities.map((p) => (
          <input key={p} type="hidden" name="priorities" value={p} />
        ))}
        <fieldset className="mb-5" aria-describedby={fields.formula.errors?.length ? fields.formula.errorId : undefined}>
          <legend className="font-medium text-ink">Formule à retenir</legend>
          <ul className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {getCollectionProps(fields.formula, { type: "radio", options: quote.formulas.map((f) => f.code) }).map(({ key, ...props }) => {
              const f = quote.formulas.find((x) => x.code === props.value)!;
              return (
                <li key={key} className="flex items-center gap-2">
                  <input {...props} className="h-5 w-5" />
                  <label htmlFor={props.id}>
                    {f.code} — {formatEuros(f.monthlyCents)} / mois{f.code === quote.recommendedFormula ? " (recommandée)" : ""}
                  </label>
                </li>
              );
            })}
          </ul>
          <FieldError id={fields.formula.errorId} errors={fields.formula.errors} />
        </fieldset>
        <TextField
          meta={fields.email}
          label="Votre adresse e-mail"
          type="email"
          autoComplete="email"
          required
          hint="Elle sert uniquement à retrouver ce devis (avec sa référence) et, si vous le demandez, à vous l’envoyer."
        />
        <div className="mb-5 flex items-start gap-2">
          <input {...getInputProps(fields.sendByEmail, { type: "checkbox" })} className="mt-1 h-5 w-5" />
          <label htmlFor={fields.sendByEmail.id}>M’envoyer ce devis par e-mail</label>
        </div>
        <input type="hidden" name={ACTION_FIELD} value="save" />
        {/* Second honeypot of the page: same field name, its own id. */}
        <div className="hidden" aria-hidden="true">
          <label htmlFor={`${HONEYPOT_FIELD}-enregistrer`}>Ne pas remplir ce champ</label>
          <input id={`${HONEYPOT_FIELD}-enregistrer`} name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
        </div>
        <SubmitButton pending={pending}>Enregistrer mon devis</SubmitButton>
      </Form>
    </div>
  );
}
