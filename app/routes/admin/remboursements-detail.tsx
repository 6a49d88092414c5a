import {
  type FieldMetadata,
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  type SubmissionResult,
  useForm,
} from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ReactNode } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { CLAIM_STATUS_LABELS } from "~/features/claims/member/claim-mail";
import { isClaimNumber } from "~/features/claims/member/claim-number";
import { parisToday } from "~/features/claims/member/member-claims.server";
import {
  adjustClaimLine,
  approveClaim,
  isReviewError,
  keyInClaimLine,
  loadClaimReview,
  rejectClaim,
  returnClaim,
} from "~/features/claims/review/review-claims.server";
import { CARE_CATEGORY_LABELS, claimFormSchema, type RawClaimForm } from "~/features/claims/member/schemas";
import {
  type AdjustLineInput,
  adjustLineSchema,
  approveClaimSchema,
  MISSING_DOCUMENTS,
  type RejectClaimInput,
  rejectClaimSchema,
  type ReturnClaimInput,
  returnClaimSchema,
} from "~/features/claims/review/staff-schemas";
import { formatCivilDate, formatInstantWithTime, StatusBadge } from "~/features/claims/ui/member-claim-ui";
import { CHANNEL_LABELS, DOCUMENT_KIND_LABELS, fileSizeLabel, reasonLabel } from "~/features/claims/ui/staff-labels";
import { ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { FieldError, FormErrors, SubmitButton, TextField } from "~/ui/form";
import { SelectField } from "~/ui/form-controls";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-detail";
import { formatEuros } from "~/platform/format/euros";

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.claim.number ?? "Demande"} — Demandes à examiner — Bascule` },
];

const NOTICES: Record<string, string> = {
  ajustee: "La ligne a été ajustée et les totaux recalculés ; l’adhérent a été prévenu par e-mail.",
  saisie: "Les montants ont été saisis et valorisés : vérifiez le calcul et les signaux, puis décidez.",
};

const ROLE_LABELS = { MEMBER: "Adhérent", SPOUSE: "Conjoint", CHILD: "Enfant" } as const;

function requireNumber(params: { number?: string }): string {
  const number = params.number ?? "";
  if (!isClaimNumber(number)) throw data({ message: "Cette demande de remboursement est introuvable." }, { status: 404 });
  return number;
}

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "claims:process");
  const number = requireNumber(args.params);
  const claim = await loadClaimReview(db(), number);
  if (!claim) throw data({ message: "Cette demande de remboursement est introuvable." }, { status: 404 });
  const ok = new URL(args.request.url).searchParams.get("ok") ?? "";
  return { claim, notice: Object.hasOwn(NOTICES, ok) ? NOTICES[ok]! : null, today: parisToday(new Date()) };
}

const INTENTS = ["key-in", "approve", "adjust", "return", "reject"] as const;
type Intent = (typeof INTENTS)[number];
const isIntent = (v: unknown): v is Intent => typeof v === "string" && (INTENTS as readonly string[]).includes(v);

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const number = requireNumber(args.params);
  const form = await readForm(args.request);
  const intent = form.get("intent");
  if (!isIntent(intent)) throw data({ message: "Action inconnue." }, { status: 400 });
  const claim = await loadClaimReview(db(), number);
  if (!claim) throw data({ message: "Cette demande de remboursement est introuvable." }, { status: 404 });
  const ctx = { actor: { userId: user.id, label: user.email }, ipHash: ipHashOf(args.context), now: new Date() };
  const toQueue = (notice: string) => redirect(`/admin/remboursements?ok=${notice}&n=${claim.number}`);

  if (intent === "key-in") {
    const submission = parseWithZod(form, { schema: claimFormSchema(parisToday(ctx.now)) });
    if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
    if (submission.value.beneficiaryId !== claim.beneficiary.id) {
      return data(
        { intent, result: submission.reply({ formErrors: ["Le bénéficiaire ne correspond pas à cette demande."] }) },
        { status: 400 },
      );
    }
    try {
      await keyInClaimLine(db(), { claimId: claim.id, line: submission.value.line, invoiceNumber: submission.value.invoiceNumber }, ctx);
    } catch (err) {
      if (!isReviewError(err)) throw err;
      return data({ intent, result: submission.reply({ formErrors: [err.message] }) }, { status: err.code === "not-found" ? 404 : 409 });
    }
    return redirect(`/admin/remboursements/${claim.number}?ok=saisie`);
  }

  const schema = { approve: approveClaimSchema, adjust: adjustLineSchema, return: returnClaimSchema, reject: rejectClaimSchema }[intent];
  const submission = parseWithZod(form, { schema });
  if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
  try {
    switch (submission.value.intent) {
      case "approve":
        await approveClaim(db(), claim.id, ctx);
        return toQueue("acceptee");
      case "adjust": {
        const { lineNo, amount, reason } = submission.value;
        await adjustClaimLine(db(), { claimId: claim.id, lineNo, amcCents: amount, reason }, ctx);
        return redirect(`/admin/remboursements/${claim.number}?ok=ajustee`);
      }
      case "return":
        await returnClaim(db(), { claimId: claim.id, missing: submission.value.missing, message: submission.value.message }, ctx);
        return toQueue("renvoyee");
      case "reject":
        await rejectClaim(db(), { claimId: claim.id, reason: submission.value.reason }, ctx);
        return toQueue("refusee");
    }
  } catch (err) {
    if (!isReviewError(err)) throw err;
    const result =
      err.code === "invalid" && intent === "adjust"
        ? submission.reply({ fieldErrors: { amount: [err.message] } })
        : submission.reply({ formErrors: [err.message] });
    return data({ intent, result }, { status: err.code === "invalid" ? 400 : err.code === "not-found" ? 404 : 409 });
  }
}

const fieldClass =
  "mt-2 block w-full max-w-md rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger";

function Field({ meta, label, hint, children }: { meta: FieldMetadata<unknown>; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block font-medium text-ink">
        {label}
      </label>
      {hint ? (
        <p id={`${meta.id}-hint`} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

const describedBy = (meta: FieldMetadata<unknown>, hint: boolean) =>
  [hint ? `${meta.id}-hint` : null, meta.errors?.length ? meta.errorId : null].filter(Boolean).join(" ") || undefined;

type ActionData = { intent: Intent; result: SubmissionResult } | undefined;
const resultFor = (actionData: ActionData, intent: Intent) => (actionData?.intent === intent ? actionData.result : undefined);

function usePending(intent: Intent) {
  const navigation = useNavigation();
  return navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
}

function ApproveForm({ lastResult, amount }: { lastResult: SubmissionResult | undefined; amount: string }) {
  const [form] = useForm({ id: "accepter", lastResult });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="approve" />
        <p className="mb-4">Bascule remboursera {amount} à l’adhérent, par virement dans le prochain lot de paiement.</p>
        <SubmitButton pending={usePending("approve")}>Accepter la demande</SubmitButton>
      </Form>
    </>
  );
}

function AdjustForm({
  lastResult,
  lines,
}: {
  lastResult: SubmissionResult | undefined;
  lines: { lineNo: number; label: string; max: string }[];
}) {
  const [form, fields] = useForm<AdjustLineInput>({ id: "ajuster", lastResult, shouldValidate: "onSubmit" });
  const pending = usePending("adjust");
  const { key: lineKey, ...lineProps } = getSelectProps(fields.lineNo, { ariaAttributes: true });
  const { key: amountKey, ...amountProps } = getInputProps(fields.amount, { type: "text", ariaAttributes: true });
  const { key: reasonKey, ...reasonProps } = getTextareaProps(fields.reason, { ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="adjust" />
        <Field meta={fields.lineNo} label="Ligne de soins">
          <select
            key={lineKey}
            {...lineProps}
            defaultValue={String(lines[0]?.lineNo ?? "")}
            className={fieldClass}
            aria-describedby={describedBy(fields.lineNo, false)}
          >
            {lines.map((l) => (
              <option key={l.lineNo} value={l.lineNo}>
                {`Ligne ${l.lineNo} — ${l.label} (au plus ${l.max})`}
              </option>
            ))}
          </select>
        </Field>
        <Field
          meta={fields.amount}
          label="Nouveau montant Bascule (€)"
          hint="Entre 0 et le coût réel moins la part Sécu, par exemple 24,50."
        >
          <input
            key={amountKey}
            {...amountProps}
            inputMode="decimal"
            autoComplete="off"
            className={fieldClass}
            aria-describedby={describedBy(fields.amount, true)}
          />
        </Field>
        <Field meta={fields.reason} label="Motif de l’ajustement" hint="Communiqué à l’adhérent et conservé dans l’historique.">
          <textarea key={reasonKey} {...reasonProps} rows={3} className={fieldClass} aria-describedby={describedBy(fields.reason, true)} />
        </Field>
        <SubmitButton pending={pending}>Ajuster la ligne</SubmitButton>
      </Form>
    </>
  );
}

function ReturnForm({ lastResult }: { lastResult: SubmissionResult | undefined }) {
  const [form, fields] = useForm<ReturnClaimInput>({ id: "renvoyer", lastResult, shouldValidate: "onSubmit" });
  const { key: missingKey, ...missingProps } = getSelectProps(fields.missing, { ariaAttributes: true });
  const { key: messageKey, ...messageProps } = getTextareaProps(fields.message, { ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="return" />
        <Field meta={fields.missing} label="Document manquant">
          <select
            key={missingKey}
            {...missingProps}
            defaultValue=""
            className={fieldClass}
            aria-describedby={describedBy(fields.missing, false)}
          >
            <option value="" disabled>
              Choisir…
            </option>
            {Object.entries(MISSING_DOCUMENTS).map(([k, label]) => (
              <option key={k} value={k}>
                {label[0]!.toUpperCase() + label.slice(1)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          meta={fields.message}
          label="Précision pour l’adhérent (facultatif)"
          hint="Par exemple : le décompte doit montrer la date des soins."
        >
          <textarea
            key={messageKey}
            {...messageProps}
            rows={2}
            className={fieldClass}
            aria-describedby={describedBy(fields.message, true)}
          />
        </Field>
        <SubmitButton pending={usePending("return")}>Renvoyer à l’adhérent</SubmitButton>
      </Form>
    </>
  );
}

function RejectForm({ lastResult }: { lastResult: SubmissionResult | undefined }) {
  const [form, fields] = useForm<RejectClaimInput>({ id: "refuser", lastResult, shouldValidate: "onSubmit" });
  const { key: reasonKey, ...reasonProps } = getTextareaProps(fields.reason, { ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="reject" />
        <Field meta={fields.reason} label="Motif du refus" hint="Communiqué à l’adhérent par e-mail.">
          <textarea key={reasonKey} {...reasonProps} rows={3} className={fieldClass} aria-describedby={describedBy(fields.reason, true)} />
        </Field>
        <button
          type="submit"
          disabled={usePending("reject")}
          className="inline-flex items-center rounded-md bg-danger px-5 py-2.5 font-semibold text-white hover:opacity-90 disabled:opacity-70"
        >
          Refuser la demande
        </button>
      </Form>
    </>
  );
}

/** A select of the key-in form: an empty first choice, then the options. */
function Choice({
  meta,
  label,
  hint,
  options,
}: {
  meta: FieldMetadata<string | undefined>;
  label: string;
  hint?: string;
  options: readonly (readonly [string, string])[];
}) {
  return (
    <SelectField meta={meta} label={label} hint={hint}>
      <option value="">—</option>
      {options.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </SelectField>
  );
}

const YES_NO = [
  ["oui", "Oui"],
  ["non", "Non"],
] as const;

/**
 * The figures of a claim received by e-mail, keyed in from its documents: the same fields and
 * checks as the member's online form. Every category's details are shown; only the chosen
 * category's are read.
 */
function KeyInForm({
  lastResult,
  beneficiaryId,
  today,
}: {
  lastResult: SubmissionResult | undefined;
  beneficiaryId: string;
  today: string;
}) {
  const [form, fields] = useForm<RawClaimForm>({ id: "saisie", lastResult, shouldValidate: "onSubmit" });
  const { key: dateKey, ...dateProps } = getInputProps(fields.careDate, { type: "date", ariaAttributes: true });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="key-in" />
        <input type="hidden" name="beneficiaryId" value={beneficiaryId} />
        <Choice meta={fields.category} label="Type de soins" options={Object.entries(CARE_CATEGORY_LABELS)} />
        <Field meta={fields.careDate} label="Date des soins">
          <input key={dateKey} {...dateProps} max={today} className={fieldClass} aria-describedby={describedBy(fields.careDate, false)} />
        </Field>
        <TextField autoComplete="off" meta={fields.providerName} label="Professionnel ou établissement" />
        <Choice
          meta={fields.providerOptam}
          label="Médecin adhérent à l’OPTAM"
          hint="Généraliste, spécialiste, hospitalisation."
          options={YES_NO}
        />
        <TextField autoComplete="off" meta={fields.realCost} label="Montant payé (€)" inputMode="decimal" />
        <TextField autoComplete="off" meta={fields.invoiceNumber} label="Numéro de facture (facultatif)" />
        <fieldset className="mb-4 rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-medium">Sécurité sociale</legend>
          <Choice meta={fields.secuCovered} label="Remboursé par la Sécurité sociale" options={YES_NO} />
          <TextField autoComplete="off" meta={fields.secuBase} label="Base de remboursement (€)" inputMode="decimal" />
          <TextField autoComplete="off" meta={fields.secuRate} label="Taux (%)" inputMode="numeric" />
          <TextField autoComplete="off" meta={fields.secuPaid} label="Montant payé par la Sécurité sociale (€)" inputMode="decimal" />
        </fieldset>
        <fieldset className="mb-4 rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-medium">Précisions selon le type de soins</legend>
          <Choice
            meta={fields.pharmacyRate}
            label="Pharmacie : taux des médicaments"
            options={[
              ["100", "100 %"],
              ["65", "65 %"],
              ["30", "30 %"],
              ["15", "15 %"],
            ]}
          />
          <Choice
            meta={fields.dentalBasket}
            label="Prothèse dentaire : panier"
            options={[
              ["100_SANTE", "100 % Santé"],
              ["MAITRISE", "Tarifs maîtrisés"],
              ["LIBRE", "Tarifs libres"],
            ]}
          />
          <TextField autoComplete="off" meta={fields.toothNumber} label="Dentaire : numéro de la dent" inputMode="numeric" />
          <Choice
            meta={fields.opticsClass}
            label="Optique : classe"
            options={[
              ["A", "A (100 % Santé)"],
              ["B", "B (tarifs libres)"],
            ]}
          />
          <TextField autoComplete="off" meta={fields.lensComplexity} label="Optique : complexité des verres (1 à 6)" inputMode="numeric" />
          <TextField autoComplete="off" meta={fields.frameCost} label="Optique : prix de la monture (€)" inputMode="decimal" />
          <Choice meta={fields.prescriptionChanged} label="Optique : changement de correction" options={YES_NO} />
          <Choice
            meta={fields.hearingClass}
            label="Aide auditive : classe"
            options={[
              ["I", "I (100 % Santé)"],
              ["II", "II (tarifs libres)"],
            ]}
          />
          <Choice
            meta={fields.ear}
            label="Aide auditive : oreille"
            options={[
              ["LEFT", "Gauche"],
              ["RIGHT", "Droite"],
            ]}
          />
          <TextField autoComplete="off" meta={fields.hospitalDays} label="Hospitalisation : nombre de jours" inputMode="numeric" />
          <TextField autoComplete="off" meta={fields.privateRoomDays} label="Hospitalisation : jours en chambre particulière" inputMode="numeric" />
          <Choice meta={fields.psychiatry} label="Hospitalisation : psychiatrie" options={YES_NO} />
          <TextField autoComplete="off" meta={fields.sessions} label="Médecine douce : nombre de séances" inputMode="numeric" />
        </fieldset>
        <SubmitButton pending={usePending("key-in")}>Valoriser la demande</SubmitButton>
      </Form>
    </>
  );
}

function Dl({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
      {items.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="font-medium">{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function ClaimReviewPage({ loaderData, actionData }: Route.ComponentProps) {
  const { claim } = loaderData;
  const b = claim.beneficiary;
  const lastResult = actionData as ActionData;
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/remboursements">← Demandes à examiner</Link>
      </p>
      <PageHeader title={`Demande ${claim.number}`} />
      <div className="mb-6 flex flex-wrap items-center gap-4">
        <StatusBadge status={claim.status} />
        <span>
          Reçue le <time dateTime={claim.receivedAt.toISOString()}>{formatInstantWithTime(claim.receivedAt)}</time> · canal{" "}
          {CHANNEL_LABELS[claim.channel].toLowerCase()} · score de risque {claim.fraudScore}
        </span>
      </div>
      {loaderData.notice ? (
        <Alert tone="success" role="status">
          {loaderData.notice}
        </Alert>
      ) : null}
      {claim.returnReason && claim.status === "RETURNED" ? (
        <Alert tone="warning" title="Renvoyée à l’adhérent">
          {claim.returnReason}
        </Alert>
      ) : null}
      {claim.rejectReason && claim.status === "REJECTED" ? (
        <Alert tone="danger" title="Refusée">
          {claim.rejectReason}
        </Alert>
      ) : null}

      <div className="grid gap-6">
        <Card title="Motifs d’examen et signaux de fraude">
          {claim.reasons.length === 0 ? (
            <p>Aucun motif enregistré.</p>
          ) : (
            <DataTable
              caption="Motifs ayant conduit à l’examen"
              captionHidden
              headers={["Motif", "Détail", "Ligne", "Poids"]}
              rows={claim.reasons.map((r) => [reasonLabel(r.code), r.message, r.lineIndex === undefined ? "—" : r.lineIndex + 1, r.weight])}
            />
          )}
        </Card>

        <Card title="Bénéficiaire et contrat">
          <Dl
            items={[
              ["Bénéficiaire", `${b.name} (${ROLE_LABELS[b.role].toLowerCase()})`],
              ["Date de naissance", formatCivilDate(b.birthDate)],
              [
                "NIR",
                <span key="nir" className="font-mono">
                  {b.nir}
                </span>,
              ],
              ["Couvert", `depuis le ${formatCivilDate(b.coveredFrom)}${b.coveredTo ? ` jusqu’au ${formatCivilDate(b.coveredTo)}` : ""}`],
              ["C2S", b.c2s ? "Oui" : "Non"],
              [
                "Contrat",
                `${claim.contract.number}, formule ${claim.contract.formula}, depuis le ${formatCivilDate(claim.contract.startDate)}`,
              ],
              [
                "IBAN",
                claim.contract.iban ? (
                  <span key="iban">
                    <span className="font-mono">{claim.contract.iban}</span>
                    {claim.contract.ibanChangedAt ? (
                      <span className="text-muted"> (modifié le {formatInstantWithTime(claim.contract.ibanChangedAt)})</span>
                    ) : null}
                  </span>
                ) : (
                  "Aucun : la demande ne pourra pas être payée tant que l’adhérent n’en a pas fourni."
                ),
              ],
              ["N° de facture", claim.invoiceNumber ?? "—"],
            ]}
          />
        </Card>

        <Card title="Lignes de soins et calcul">
          {claim.lines.length === 0 ? (
            <p>Aucune ligne valorisée : les montants de cette demande reçue par courriel restent à saisir.</p>
          ) : (
            <div className="space-y-8">
              {claim.lines.map((l) => (
                <section key={l.lineNo} aria-labelledby={`ligne-${l.lineNo}`}>
                  <h3 id={`ligne-${l.lineNo}`} className="mb-2 text-lg font-semibold text-brand-800">
                    Ligne {l.lineNo} — {CARE_CATEGORY_LABELS[l.input.category]}
                  </h3>
                  <Dl
                    items={[
                      ["Soins du", formatCivilDate(l.input.careDate)],
                      ["Professionnel", l.input.providerName],
                      ["Payé par l’adhérent", formatEuros(l.input.realCostCents)],
                      [
                        "Sécurité sociale",
                        l.input.secu.covered
                          ? `base ${formatEuros(l.input.secu.baseCents)}, taux ${l.input.secu.ratePct} %, payé ${formatEuros(l.input.secu.paidCents)}`
                          : "Non remboursé par la Sécurité sociale",
                      ],
                      ["Part Bascule calculée", formatEuros(l.engineAmcCents)],
                      [
                        "Part Bascule retenue",
                        l.adjustment ? (
                          <span key="adj">
                            <strong>{formatEuros(l.adjustment.amcCents)}</strong> — ajustée par {l.adjustment.by ?? "un gestionnaire"} le{" "}
                            {formatInstantWithTime(l.adjustment.at)} : {l.adjustment.reason}
                          </span>
                        ) : (
                          formatEuros(l.amcCents)
                        ),
                      ],
                      ["Statut de la ligne", l.status === "COVERED" ? "Couverte" : l.status === "REJECTED" ? "Refusée" : "Non couverte"],
                    ]}
                  />
                  <div className="mt-4">
                    <DataTable
                      caption={`Trace du calcul, ligne ${l.lineNo}`}
                      headers={["Étape", "Montant", "Détail"]}
                      rows={l.valuation.trace.map((step) => [
                        step.label,
                        step.amountCents === undefined ? (
                          "—"
                        ) : (
                          <span key="a" className="whitespace-nowrap tabular-nums">
                            {formatEuros(step.amountCents)}
                          </span>
                        ),
                        step.detail ?? "—",
                      ])}
                    />
                  </div>
                  <p className="mt-3 text-muted">{l.valuation.explanation}</p>
                </section>
              ))}
            </div>
          )}
          <h3 className="mt-8 mb-2 text-lg font-semibold text-brand-800">Totaux</h3>
          <Dl
            items={[
              ["Payé par l’adhérent", formatEuros(claim.totals.realCostCents)],
              ["Payé par la Sécurité sociale", formatEuros(claim.totals.amoPaidCents)],
              ["Part Bascule", formatEuros(claim.totals.amcCents)],
              ["Reste à charge", formatEuros(claim.totals.resteAChargeCents)],
            ]}
          />
        </Card>

        <Card title="Justificatifs">
          {claim.documents.length === 0 ? (
            <p>Aucun justificatif.</p>
          ) : (
            <ul className="space-y-2">
              {claim.documents.map((d) => (
                <li key={d.id}>
                  <a href={`/admin/remboursements/${claim.number}/documents/${d.id}`} download>
                    Télécharger {DOCUMENT_KIND_LABELS[d.kind].toLowerCase()} « {d.fileName} »
                  </a>{" "}
                  <span className="text-muted">
                    ({d.mimeType}, {fileSizeLabel(d.sizeBytes)}) — chaque téléchargement est journalisé
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Historique">
          <ol aria-label={`Historique de la demande ${claim.number}`} className="space-y-2 border-l-2 border-brand-600 pl-4">
            {claim.events.map((e, i) => (
              <li key={i}>
                <span className="font-medium">{CLAIM_STATUS_LABELS[e.status]}</span> —{" "}
                <time dateTime={e.at.toISOString()}>{formatInstantWithTime(e.at)}</time> — {e.actorLabel}
                {e.note ? <span className="block text-muted">{e.note}</span> : null}
              </li>
            ))}
          </ol>
        </Card>

        {claim.decidable ? (
          <section aria-labelledby="decision" className="grid gap-6">
            <h2 id="decision" className="text-2xl font-semibold text-brand-800">
              Décision
            </h2>
            {claim.lines.length === 0 ? (
              <Card title="Saisir les montants" headingLevel={3}>
                <KeyInForm lastResult={resultFor(lastResult, "key-in")} beneficiaryId={claim.beneficiary.id} today={loaderData.today} />
              </Card>
            ) : null}
            {claim.lines.length > 0 ? (
              <Card title="Accepter" headingLevel={3}>
                <ApproveForm lastResult={resultFor(lastResult, "approve")} amount={formatEuros(claim.totals.amcCents)} />
              </Card>
            ) : null}
            {claim.lines.length > 0 ? (
              <Card title="Ajuster une ligne" headingLevel={3}>
                <AdjustForm
                  lastResult={resultFor(lastResult, "adjust")}
                  lines={claim.lines.map((l) => ({
                    lineNo: l.lineNo,
                    label: CARE_CATEGORY_LABELS[l.input.category],
                    max: formatEuros(l.maxAmcCents),
                  }))}
                />
              </Card>
            ) : null}
            {claim.status === "REVIEW" ? (
              <Card title="Renvoyer pour un justificatif manquant" headingLevel={3}>
                <ReturnForm lastResult={resultFor(lastResult, "return")} />
              </Card>
            ) : null}
            <Card title="Refuser" headingLevel={3}>
              <RejectForm lastResult={resultFor(lastResult, "reject")} />
            </Card>
          </section>
        ) : (
          <Alert>Cette demande est « {CLAIM_STATUS_LABELS[claim.status]} » : elle n’attend plus de décision.</Alert>
        )}
      </div>
    </>
  );
}
