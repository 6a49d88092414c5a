import { NIR_REVIEW_LABEL } from "~/features/subscriptions/format";
import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { getSubscriptionDetail, refuseSubscription, validateSubscription } from "~/features/subscriptions/review-subscriptions.server";
import { refusalSchema } from "~/features/subscriptions/schemas";
import { ROLE_LABELS } from "~/features/subscriptions/format";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { FieldError, FormErrors } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesions-detail";
import { frenchDate } from "~/platform/time/civil-date";
import { formatParisDateTime } from "~/platform/time/paris";

export const meta = () => [{ title: "Adhésion à valider — Bascule" }];

const STATUS_LABELS = { SUBMITTED: "En attente de validation", VALIDATED: "Validée", REFUSED: "Refusée" } as const;
const CONTRACT_STATUS = { PENDING: "En attente", ACTIVE: "Actif", REFUSED: "Refusé", SUSPENDED: "Suspendu", TERMINATED: "Résilié" } as const;

function notFound(): never {
  throw data({ message: "Cette adhésion est introuvable." }, { status: 404 });
}

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "subscriptions:review");
  const id = z.uuid().safeParse(args.params.id);
  if (!id.success) notFound();
  const detail = await getSubscriptionDetail(db(), id.data);
  if (!detail) notFound();
  const when = (d: Date | null) => (d ? formatParisDateTime(d) : "");
  return {
    ...detail,
    status: detail.status as keyof typeof STATUS_LABELS,
    signedAt: when(detail.signedAt),
    decidedAt: when(detail.decidedAt),
    contract: { ...detail.contract, startDate: frenchDate(detail.contract.startDate) },
    persons: detail.persons.map((p) => ({ ...p, birthDate: frenchDate(p.birthDate) })),
    mandate: detail.mandate ? { ...detail.mandate, signedAt: when(detail.mandate.signedAt) } : null,
    consents: detail.consents.map((c) => ({ ...c, acceptedAt: when(c.acceptedAt) })),
  };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "subscriptions:review");
  const id = z.uuid().safeParse(args.params.id);
  if (!id.success) notFound();
  const form = await readForm(args.request);
  const by = { actor: auditActorOf(user), ipHash: ipHashOf(args.context) };
  if (form.get("intent") === "validate") {
    const outcome = await validateSubscription(db(), id.data, { ...by, nirChecked: form.get("nirChecked") === "on" });
    if (outcome.kind === "nir-check-required") {
      return data(
        { result: undefined, error: "Un numéro de sécurité sociale de cette demande est déjà connu : confirmez l’avoir vérifié avant de valider." },
        { status: 400 },
      );
    }
    if (outcome.kind === "not-pending") return data({ result: undefined, error: "Cette adhésion n’est plus en attente : elle a déjà été traitée." }, { status: 409 });
    throw redirect(`/admin/adhesions/${id.data}`);
  }
  const submission = parseForm(form, refusalSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), error: null }, { status: 400 });
  const outcome = await refuseSubscription(db(), id.data, submission.value.reason, by);
  if (outcome.kind === "not-pending") return data({ result: submission.reply(), error: "Cette adhésion n’est plus en attente : elle a déjà été traitée." }, { status: 409 });
  throw redirect(`/admin/adhesions/${id.data}`);
}

export default function AdhesionDetail({ loaderData: d, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm<{ reason: string; intent: string }>({ id: "refus", lastResult: actionData?.result, shouldValidate: "onSubmit" });
  const pending = navigation.state === "submitting";
  const reasonError = fields.reason.errors?.length ? fields.reason.errorId : undefined;
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/adhesions">← Adhésions à valider</Link>
      </p>
      <PageHeader title={`Adhésion ${d.contract.number}`} lead={`${STATUS_LABELS[d.status]} · signée le ${d.signedAt} · devis ${d.quoteReference}`} />
      {actionData?.error ? (
        <Alert tone="warning" role="alert">
          {actionData.error}
        </Alert>
      ) : null}
      {d.status === "REFUSED" ? (
        <Alert tone="warning" title={`Refusée le ${d.decidedAt} par ${d.decidedBy ?? ""}`}>
          Motif : {d.refusalReason}
        </Alert>
      ) : null}
      {d.status === "VALIDATED" ? (
        <Alert tone="success" title={`Validée le ${d.decidedAt} par ${d.decidedBy ?? ""}`}>
          Le contrat est actif et le lien d’activation de l’espace adhérent a été envoyé.
        </Alert>
      ) : null}
      {d.nirReview ? (
        <Alert tone="warning" title={NIR_REVIEW_LABEL}>
          Le numéro de sécurité sociale d’au moins une personne de cette demande appartient déjà à une personne protégée par Bascule.
          Vérifiez auprès du demandeur (double adhésion, changement de contrat, erreur de saisie) avant de valider.
        </Alert>
      ) : null}
      <div className="grid gap-6">
        <Card title="Contrat">
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-3">
            <div>
              <dt className="text-sm text-muted">Statut du contrat</dt>
              <dd>{CONTRACT_STATUS[d.contract.status]}</dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Formule</dt>
              <dd>{d.contract.formula}</dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Date d’effet</dt>
              <dd>{d.contract.startDate}</dd>
            </div>
            <div>
              <dt className="text-sm text-muted">Département, régime</dt>
              <dd>
                {d.contract.departement}, {d.contract.scheme === "ALSACE_MOSELLE" ? "Alsace-Moselle" : "général"}
              </dd>
            </div>
            <div>
              <dt className="text-sm text-muted">IBAN (masqué)</dt>
              <dd>{d.contract.iban}</dd>
            </div>
            <div>
              <dt className="text-sm text-muted">BIC</dt>
              <dd>{d.contract.bic ?? "non indiqué"}</dd>
            </div>
          </dl>
        </Card>
        {d.contact ? (
          <Card title="Coordonnées">
            <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
              <div>
                <dt className="text-sm text-muted">Adresse</dt>
                <dd>
                  {d.contact.address}, {d.contact.postcode} {d.contact.city}
                </dd>
              </div>
              <div>
                <dt className="text-sm text-muted">E-mail, téléphone</dt>
                <dd>
                  {d.contact.email} · {d.contact.phone}
                </dd>
              </div>
            </dl>
          </Card>
        ) : null}
        <Card title="Personnes protégées">
          <DataTable
            caption="Personnes protégées par le contrat"
            captionHidden
            headers={["Rôle", "Nom", "Naissance", "N° de sécurité sociale (masqué)", "N° d’adhérent"]}
            rows={d.persons.map((p) => [
              ROLE_LABELS[p.role],
              `${p.civility ? `${p.civility} ` : ""}${p.name}`,
              p.birthDate,
              p.nir ? (p.nirAlreadyKnown ? `${p.nir} (déjà connu : à vérifier)` : p.nir) : p.coveredBy ? `sur le numéro de ${p.coveredBy}` : "",
              p.memberNumber ?? "",
            ])}
          />
        </Card>
        {d.mandate ? (
          <Card title="Mandat de prélèvement SEPA">
            <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
              <div>
                <dt className="text-sm text-muted">Référence unique (RUM)</dt>
                <dd>{d.mandate.reference}</dd>
              </div>
              <div>
                <dt className="text-sm text-muted">Identifiant créancier</dt>
                <dd>{d.mandate.creditorIdentifier}</dd>
              </div>
              <div>
                <dt className="text-sm text-muted">Débiteur</dt>
                <dd>
                  {d.mandate.debtorName}, {d.mandate.iban}
                </dd>
              </div>
              <div>
                <dt className="text-sm text-muted">Signé le</dt>
                <dd>
                  {d.mandate.signedAt} (texte {d.mandate.textVersion})
                </dd>
              </div>
            </dl>
          </Card>
        ) : null}
        <Card title="Consentements">
          <DataTable
            caption="Documents acceptés"
            captionHidden
            headers={["Document", "Version", "Accepté le"]}
            rows={d.consents.map((c) => [c.title, c.version, c.acceptedAt])}
          />
        </Card>
        {d.status === "SUBMITTED" ? (
          <Card title="Décision">
            <Form method="post" className="mb-8">
              <input type="hidden" name="intent" value="validate" />
              <p className="mb-3 text-sm">Valider active le contrat et envoie au nouvel adhérent le lien d’activation de son espace.</p>
              {d.nirReview ? (
                <p className="mb-3">
                  <input type="checkbox" id="nirChecked" name="nirChecked" required className="mr-2" />
                  <label htmlFor="nirChecked">J’ai vérifié le numéro de sécurité sociale déjà connu.</label>
                </p>
              ) : null}
              <button type="submit" disabled={pending} className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:opacity-70">
                Valider l’adhésion
              </button>
            </Form>
            <FormErrors id={form.errorId} errors={form.errors} />
            <Form method="post" {...getFormProps(form)}>
              <input type="hidden" name="intent" value="refuse" />
              <label htmlFor={fields.reason.id} className="block font-medium">
                Motif du refus
              </label>
              <p id={`${fields.reason.id}-hint`} className="mt-1 text-sm text-muted">
                Il est envoyé tel quel au demandeur par e-mail.
              </p>
              <textarea
                {...getTextareaProps(fields.reason)}
                key={fields.reason.key}
                rows={4}
                aria-describedby={[`${fields.reason.id}-hint`, reasonError].filter(Boolean).join(" ")}
                className="mt-2 block w-full max-w-xl rounded-md border border-slate-500 bg-white px-3 py-2"
              />
              <FieldError id={fields.reason.errorId} errors={fields.reason.errors} />
              <button type="submit" disabled={pending} className="mt-4 inline-flex items-center rounded-md border-2 border-danger px-5 py-2.5 font-semibold text-danger hover:bg-danger-bg disabled:opacity-70">
                Refuser l’adhésion
              </button>
            </Form>
          </Card>
        ) : null}
      </div>
    </>
  );
}
