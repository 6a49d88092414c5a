import { getFormProps, getInputProps, getTextareaProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import {
  attachInboundEmail,
  beneficiariesOfMemberNumber,
  dismissInboundEmail,
  INBOUND_STATUS_LABELS,
  readInboundEmail,
  TriageError,
  triageReasonLabel,
} from "~/features/claims/email/triage.server";
import { normalizeMemberNumber } from "~/platform/identifiers/identifiers";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { FieldError, FormErrors, SubmitButton } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-courriels-detail";
import { formatParisDateTime } from "~/platform/time/paris";

export const meta = ({ data: loaderData }: Route.MetaArgs) => [
  { title: loaderData ? `Message « ${loaderData.email.subject.slice(0, 60) || "sans objet"} » — Bascule` : "Message reçu par e-mail — Bascule" },
];

const MEMBER_NUMBER = /^A\d{8}$/;
const memberNumberField = safeText({ error: "Saisissez le numéro d’adhérent." })
  .transform(normalizeMemberNumber)
  .pipe(safeText().regex(MEMBER_NUMBER, "Le numéro d’adhérent commence par A suivi de 8 chiffres, par exemple A00000018."));

const attachSchema = z.object({
  intent: z.literal("attach"),
  memberNumber: memberNumberField,
  beneficiaryId: z.uuid({ error: "Choisissez le bénéficiaire des soins." }),
});

const dismissSchema = z.object({
  intent: z.literal("dismiss"),
  reason: safeText({ error: "Indiquez pourquoi ce message est classé sans suite." })
    .trim()
    .min(3, "Indiquez pourquoi ce message est classé sans suite (au moins 3 caractères).")
    .max(500, "500 caractères au plus."),
});

const when = (d: Date) => ({ iso: d.toISOString(), label: formatParisDateTime(d) });

function notFound(): never {
  throw data({ message: "Ce message est introuvable." }, { status: 404 });
}

function emailId(params: { id?: string }): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) notFound();
  return parsed.data;
}

const ROLE_LABELS = { MEMBER: "adhérent", SPOUSE: "conjoint", CHILD: "enfant" } as const;

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const id = emailId(args.params);
  const email = await readInboundEmail(db(), id, { actor: auditActorOf(user), ipHash: ipHashOf(args.context) });
  if (!email) notFound();
  const url = new URL(args.request.url);
  // Step 1 of "attach": the handler looks the member up; the beneficiaries are listed for step 2.
  const asked = url.searchParams.get("adherent");
  let lookup: { memberNumber: string; error: string | null; persons: { id: string; label: string }[] } | null = null;
  if (asked !== null) {
    const parsed = memberNumberField.safeParse(asked.slice(0, 40));
    if (!parsed.success) {
      lookup = { memberNumber: asked.slice(0, 40), error: parsed.error.issues[0]!.message, persons: [] };
    } else {
      const contract = await beneficiariesOfMemberNumber(db(), parsed.data);
      lookup = contract
        ? {
            memberNumber: parsed.data,
            error: null,
            persons: contract.persons.map((p) => ({ id: p.id, label: `${p.firstName} ${p.lastName} (${ROLE_LABELS[p.role]}, né·e le ${p.birthDate.split("-").reverse().join("/")})` })),
          }
        : { memberNumber: parsed.data, error: "Aucun adhérent ne porte ce numéro.", persons: [] };
    }
  }
  return {
    email: {
      ...email,
      receivedAt: when(email.receivedAt),
      handledAt: email.handledAt ? when(email.handledAt) : null,
      headerDate: email.headers.date ? when(new Date(email.headers.date)) : null,
      reason: triageReasonLabel(email.triageReason),
      statusLabel: INBOUND_STATUS_LABELS[email.status],
    },
    lookup,
    attached: url.searchParams.get("rattache"),
  };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const id = emailId(args.params);
  const form = await readForm(args.request, 8 * 1024);
  const actor = auditActorOf(user);
  const ipHash = ipHashOf(args.context);
  const intent = form.get("intent");
  if (intent === "dismiss") {
    const submission = parseForm(form, dismissSchema);
    if (submission.status !== "success") return data({ intent: "dismiss" as const, result: submission.reply() }, { status: 400 });
    try {
      await dismissInboundEmail(db(), { id, reason: submission.value.reason, actor, ipHash });
    } catch (err) {
      if (err instanceof TriageError) return triageFailure("dismiss", submission.reply({ formErrors: [err.message] }), err);
      throw err;
    }
    return redirect(`/admin/remboursements/courriels/${id}`);
  }
  const submission = parseForm(form, attachSchema);
  if (submission.status !== "success") return data({ intent: "attach" as const, result: submission.reply() }, { status: 400 });
  try {
    const outcome = await attachInboundEmail(db(), { id, ...submission.value, actor, ipHash });
    return redirect(`/admin/remboursements/courriels/${id}?rattache=${encodeURIComponent(outcome.claimNumber)}`);
  } catch (err) {
    if (err instanceof TriageError) return triageFailure("attach", submission.reply({ formErrors: [err.message] }), err);
    throw err;
  }
}

function triageFailure<I extends "attach" | "dismiss">(intent: I, result: SubmissionResult<string[]>, err: TriageError) {
  if (err.code === "not-found") notFound();
  return data({ intent, result }, { status: err.code === "already-handled" ? 409 : 400 });
}

const nf = new Intl.NumberFormat("fr-FR");
const size = (bytes: number) => (bytes < 1024 ? `${nf.format(bytes)} o` : bytes < 1024 * 1024 ? `${nf.format(Math.round(bytes / 1024))} Ko` : `${nf.format(Math.round(bytes / 102.4 / 1024) / 10)} Mo`);

export default function InboundEmailDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { email, lookup, attached } = loaderData;
  const navigation = useNavigation();
  const submittingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const [attachForm, attachFields] = useForm({
    id: "rattacher",
    lastResult: actionData?.intent === "attach" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: attachSchema }),
    shouldValidate: "onSubmit",
  });
  const [dismissForm, dismissFields] = useForm({
    id: "classer",
    lastResult: actionData?.intent === "dismiss" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: dismissSchema }),
    shouldValidate: "onSubmit",
  });
  const waiting = email.status === "TRIAGE";
  const lookupErrorId = "adherent-erreur";

  return (
    <>
      <p className="mb-4">
        <Link to="/admin/remboursements/courriels">← Demandes reçues par e-mail</Link>
      </p>
      <PageHeader title={email.subject || "(sans objet)"} lead={`${email.statusLabel}${email.triageReason ? ` — ${email.reason}` : ""}`} />

      {attached ? (
        <Alert tone="success" role="status" title="Message rattaché">
          La demande <Link to={`/admin/remboursements/${attached}`}>{attached}</Link> a été créée ; ses montants sont à saisir.
        </Alert>
      ) : null}
      {email.status === "ATTACHED" || email.status === "CLAIM_CREATED" ? (
        email.claimNumber && !attached ? (
          <Alert tone="info" title="Demande créée">
            Ce message a donné la demande <Link to={`/admin/remboursements/${email.claimNumber}`}>{email.claimNumber}</Link>
            {email.handledAt ? ` (rattachée le ${email.handledAt.label})` : ""}.
          </Alert>
        ) : null
      ) : null}
      {email.status === "DISMISSED" ? (
        <Alert tone="info" title="Classé sans suite">
          {email.handledAt ? `Le ${email.handledAt.label}. ` : ""}Motif : {email.dismissReason}
        </Alert>
      ) : null}

      <div className="space-y-6">
        <Card title="En-têtes">
          <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
            <dt className="font-semibold">De</dt>
            <dd className="break-all">{email.fromAddress || "—"}</dd>
            <dt className="font-semibold">À</dt>
            <dd className="break-all">{email.headers.to || "—"}</dd>
            {email.headers.replyTo ? (
              <>
                <dt className="font-semibold">Répondre à</dt>
                <dd className="break-all">{email.headers.replyTo}</dd>
              </>
            ) : null}
            <dt className="font-semibold">Objet</dt>
            <dd className="break-words">{email.subject || "—"}</dd>
            <dt className="font-semibold">Date indiquée</dt>
            <dd>{email.headerDate ? <time dateTime={email.headerDate.iso}>{email.headerDate.label}</time> : "—"}</dd>
            <dt className="font-semibold">Reçu par Bascule</dt>
            <dd>
              <time dateTime={email.receivedAt.iso}>{email.receivedAt.label}</time>
            </dd>
            <dt className="font-semibold">Taille</dt>
            <dd>{size(email.sizeBytes)}</dd>
            <dt className="font-semibold">Message-ID</dt>
            <dd className="break-all font-mono text-sm">{email.messageId}</dd>
            {email.triageDetail ? (
              <>
                <dt className="font-semibold">Motif du tri</dt>
                <dd className="break-words">{email.triageDetail}</dd>
              </>
            ) : null}
          </dl>
        </Card>

        <Card title="Texte du message">
          {email.readable ? (
            email.text.trim() ? (
              <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 p-4 font-sans text-sm">{email.text}</pre>
            ) : (
              <p>Ce message ne contient pas de texte.</p>
            )
          ) : (
            <p>Ce message est illisible : son contenu n’a pas pu être décodé.</p>
          )}
        </Card>

        <Card title="Pièces jointes">
          {email.attachments.length === 0 ? (
            <p>Aucune pièce jointe.</p>
          ) : (
            <DataTable
              caption="Pièces jointes du message"
              captionHidden
              headers={["Nom", "Type déclaré", "Taille", "Vérification", "Fichier"]}
              rows={email.attachments.map((a, i) => [
                <span key="n" className="break-all">
                  {a.fileName}
                </span>,
                <span key="t" className="break-all">
                  {a.contentType || "—"}
                </span>,
                size(a.sizeBytes),
                <span key="v" className={a.accepted ? undefined : "font-medium text-danger"}>
                  {a.accepted ? "Acceptée : " : "Refusée : "}
                  {a.verdict}
                </span>,
                // Accepted attachments come first, in the order the download route counts them.
                a.accepted ? (
                  <a key="f" href={`/admin/remboursements/courriels/${email.id}/pieces/${i}`} download>
                    Télécharger<span className="sr-only"> {a.fileName}</span>
                  </a>
                ) : (
                  "—"
                ),
              ])}
            />
          )}
          <p className="mt-3 text-sm text-muted">Seules les pièces acceptées (PDF, JPEG ou PNG vérifiés) sont jointes à la demande créée.</p>
        </Card>

        {waiting ? (
          <>
            <Card title="Rattacher à un adhérent">
              <p className="mb-4">
                Une demande de remboursement est créée pour le bénéficiaire choisi, avec les pièces acceptées ; ses montants seront à saisir.
                L’adhérent est prévenu à l’adresse de son dossier.
              </p>
              <Form method="get" className="mb-6">
                <label htmlFor="adherent" className="block font-medium text-ink">
                  Numéro d’adhérent
                </label>
                <p id="adherent-aide" className="mt-1 text-sm text-muted">
                  {email.suggestedMemberNumber ? `La référence du message désigne ${email.suggestedMemberNumber}.` : "Par exemple A00000018."}
                </p>
                <div className="mt-2 flex flex-wrap gap-3">
                  <input
                    id="adherent"
                    name="adherent"
                    type="text"
                    autoComplete="off"
                    defaultValue={lookup?.memberNumber ?? email.suggestedMemberNumber ?? ""}
                    aria-invalid={lookup?.error ? true : undefined}
                    aria-describedby={["adherent-aide", lookup?.error ? lookupErrorId : null].filter(Boolean).join(" ")}
                    className="block w-full max-w-xs rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger"
                  />
                  <button type="submit" className="rounded-md border border-brand-700 px-4 py-2 font-semibold text-brand-800 hover:bg-brand-50">
                    Rechercher l’adhérent
                  </button>
                </div>
                {lookup?.error ? <FieldError id={lookupErrorId} errors={[lookup.error]} /> : null}
              </Form>

              {lookup && !lookup.error ? (
                <Form method="post" {...getFormProps(attachForm)}>
                  <FormErrors id={attachForm.errorId} errors={attachForm.errors} />
                  <input type="hidden" name="intent" value="attach" />
                  <input {...getInputProps(attachFields.memberNumber, { type: "hidden" })} key={attachFields.memberNumber.key} value={lookup.memberNumber} />
                  <FieldError id={attachFields.memberNumber.errorId} errors={attachFields.memberNumber.errors} />
                  <fieldset
                    className="mb-5"
                    aria-invalid={attachFields.beneficiaryId.errors?.length ? true : undefined}
                    aria-describedby={attachFields.beneficiaryId.errors?.length ? attachFields.beneficiaryId.errorId : undefined}
                  >
                    <legend className="font-medium text-ink">Bénéficiaire des soins (contrat de {lookup.memberNumber})</legend>
                    <ul className="mt-2 space-y-2">
                      {lookup.persons.map((p) => (
                        <li key={p.id} className="flex items-center gap-2">
                          <input type="radio" id={`beneficiaire-${p.id}`} name={attachFields.beneficiaryId.name} value={p.id} className="h-4 w-4" />
                          <label htmlFor={`beneficiaire-${p.id}`}>{p.label}</label>
                        </li>
                      ))}
                    </ul>
                    <FieldError id={attachFields.beneficiaryId.errorId} errors={attachFields.beneficiaryId.errors} />
                  </fieldset>
                  <SubmitButton pending={submittingIntent === "attach"}>Rattacher et créer la demande</SubmitButton>
                </Form>
              ) : null}
            </Card>

            <Card title="Classer sans suite">
              <Form method="post" {...getFormProps(dismissForm)}>
                <FormErrors id={dismissForm.errorId} errors={dismissForm.errors} />
                <input type="hidden" name="intent" value="dismiss" />
                <label htmlFor={dismissFields.reason.id} className="block font-medium text-ink">
                  Motif
                </label>
                <p id={`${dismissFields.reason.id}-aide`} className="mt-1 text-sm text-muted">
                  Par exemple : publicité, question sans justificatif (réponse faite par téléphone), doublon d’une demande en ligne.
                </p>
                <textarea
                  {...getTextareaProps(dismissFields.reason, { ariaAttributes: true, ariaDescribedBy: `${dismissFields.reason.id}-aide` })}
                  key={dismissFields.reason.key}
                  rows={3}
                  maxLength={500}
                  className="mt-2 mb-2 block w-full max-w-xl rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger"
                />
                <FieldError id={dismissFields.reason.errorId} errors={dismissFields.reason.errors} />
                <div className="mt-4">
                  <SubmitButton pending={submittingIntent === "dismiss"}>Classer sans suite</SubmitButton>
                </div>
              </Form>
            </Card>
          </>
        ) : null}
      </div>
    </>
  );
}
