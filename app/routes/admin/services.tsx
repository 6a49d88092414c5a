import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import {
  awaitPropagation,
  changesOfCloseForm,
  changesOfProfile,
  closeConfirmation,
  type CloseFormInput,
  closeFormSchema,
  type Confirmation,
  expectedReturnOf,
  liveReopenRequests,
  loadServiceRows,
  previewChanges,
  PROFILE_CHOICES,
  profileConfirmation,
  type ProfileFormInput,
  profileFormSchema,
  propagationOf,
} from "~/features/switchboard/admin-view.server";
import { changeServices, changeServicesByProfile } from "~/features/switchboard/change-services.server";
import { isSwitchboardError } from "~/features/switchboard/errors";
import { ChoiceGroup, DateTimeField, TextAreaField } from "~/ui/form-controls";
import { ImpactPreview } from "~/features/switchboard/ui/impact-preview";
import { LaggardInstances, propagationSentence } from "~/features/switchboard/ui/propagation-summary";
import { STATE_LABELS, StateBadge } from "~/features/switchboard/ui/state-badge";
import type { ImpactPreviewView, ReopenSummaryView, ServiceRowView } from "~/features/switchboard/ui/view-types";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { FormErrors, SubmitButton } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/services";

export const meta = () => [{ title: "Services en ligne — Bascule" }];

const APPLIED_VERSION = /^\d{1,15}$/;

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "services:close");
  const appliedParam = new URL(args.request.url).searchParams.get("applique") ?? "";
  const { version, services } = await loadServiceRows(db());
  const [propagation, reopenRequests, applied] = await Promise.all([
    propagationOf(db(), version),
    liveReopenRequests(db()),
    APPLIED_VERSION.test(appliedParam) ? propagationOf(db(), Number(appliedParam)) : null,
  ]);
  return { services, propagation, reopenRequests, applied, profiles: PROFILE_CHOICES };
}

type Step = Confirmation & { preview: ImpactPreviewView; error: string | null };

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "services:close");
  const form = await readForm(args.request);
  const intent = form.get("intent");
  const change = form.get("change");
  if ((intent !== "preview" && intent !== "apply") || (change !== "services" && change !== "profile")) {
    throw data({ message: "Action inconnue." }, { status: 400 });
  }
  const actor = auditActorOf(user);
  const ipHash = ipHashOf(args.context);

  // Step 1 (`preview`) shows the impact; step 2 (`apply`) posts the same values again.
  async function previewOrApply(input: {
    result: SubmissionResult;
    changes: Parameters<typeof previewChanges>[1];
    confirmation: Confirmation;
    apply: () => Promise<{ version: number }>;
  }) {
    const preview = await previewChanges(db(), input.changes);
    const step = (error: string | null): Step => ({ ...input.confirmation, preview, error });
    if (intent === "preview") return data({ change, result: input.result, step: step(null) });
    let version: number;
    try {
      ({ version } = await input.apply());
    } catch (err) {
      if (!isSwitchboardError(err)) throw err;
      return data({ change, result: input.result, step: step(err.message) }, { status: err.code === "validation" ? 400 : 409 });
    }
    await awaitPropagation(db(), version);
    throw redirect(`/admin/services?applique=${version}`);
  }

  if (change === "services") {
    const submission = parseForm(form, closeFormSchema);
    if (submission.status !== "success") return data({ change, result: submission.reply(), step: null }, { status: 400 });
    const values = submission.value;
    return previewOrApply({
      result: submission.reply(),
      changes: changesOfCloseForm(values),
      confirmation: closeConfirmation(values),
      apply: () =>
        changeServices(db(), {
          actor,
          ipHash,
          changes: changesOfCloseForm(values),
          reason: values.reason,
          publicMessage: values.publicMessage,
          expectedReturnAt: expectedReturnOf(values),
        }),
    });
  }

  const submission = parseForm(form, profileFormSchema);
  if (submission.status !== "success") return data({ change, result: submission.reply(), step: null }, { status: 400 });
  const values = submission.value;
  return previewOrApply({
    result: submission.reply(),
    changes: changesOfProfile(values.profile),
    confirmation: profileConfirmation(values),
    apply: () =>
      changeServicesByProfile(db(), {
        actor,
        ipHash,
        profileKey: values.profile,
        reason: values.reason,
        publicMessage: values.publicMessage,
        expectedReturnAt: expectedReturnOf(values),
      }),
  });
}

const REQUEST_STATUS: Record<ReopenSummaryView["status"], string> = {
  PENDING: "En attente",
  APPROVED: "Approuvée",
  REJECTED: "Rejetée",
  APPLIED: "Appliquée",
  CANCELLED: "Annulée",
};

const TESTS: Record<ReopenSummaryView["tests"], string> = {
  missing: "Pas encore lancée",
  passed: "Réussie",
  failed: "Échouée",
};

/** Who can use the service, in the overview's last column. */
const OPENING: Record<ServiceRowView["state"], (percent: number | null) => string> = {
  OPEN: () => "Tout le monde",
  REOPENING: (percent) => `${percent ?? 0} % des adhérents`,
  RETESTING: () => "Testeurs et personnel",
  FALLBACK: () => "Par e-mail",
  CLOSED: () => "Personne",
};

const EXPECTED_RETURN_HINT =
  "Heure de Paris ; laissez vide si elle n’est pas connue. Rien ne rouvre seul à cette heure : une demande de réouverture sera proposée.";

export default function Services({ loaderData, actionData }: Route.ComponentProps) {
  const { services, propagation, reopenRequests, applied, profiles } = loaderData;
  const navigation = useNavigation();
  const previewing = navigation.state !== "idle" && navigation.formData?.get("intent") === "preview";
  const step = actionData?.step ?? null;
  // A fresh set of forms after each applied change.
  const formsKey = applied ? `applique-${applied.version}` : "formulaires";

  const [closeForm, cf] = useForm<CloseFormInput>({
    id: "fermeture",
    lastResult: actionData?.change === "services" ? actionData.result : undefined,
    defaultValue: { mode: "CLOSED" },
    shouldValidate: "onSubmit",
  });
  const [profileForm, pf] = useForm<ProfileFormInput>({
    id: "profil",
    lastResult: actionData?.change === "profile" ? actionData.result : undefined,
    shouldValidate: "onSubmit",
  });
  const fallbackLabels = services.filter((s) => s.hasFallback).map((s) => s.label);

  return (
    <>
      <PageHeader
        title="Services en ligne"
        lead="Fermer, passer en mode de secours et rouvrir chaque service en ligne. Les fermetures prennent effet immédiatement ; les réouvertures exigent une recette et un second administrateur."
      />

      {applied ? (
        <Alert tone={applied.laggards.length === 0 ? "success" : "warning"} role="status" title="Changement enregistré">
          <p>{propagationSentence(applied)}</p>
          {applied.laggards.length > 0 ? (
            <LaggardInstances propagation={applied} caption="Instances qui n’ont pas encore confirmé ce changement" />
          ) : null}
        </Alert>
      ) : null}

      {step ? (
        <ImpactPreview
          title={actionData?.change === "profile" ? "Aperçu : application du profil d’incident" : "Aperçu de l’impact avant confirmation"}
          preview={step.preview}
          summary={step.summary}
          hidden={step.hidden}
          error={step.error}
          confirmLabel={
            actionData?.change === "profile"
              ? "Confirmer et appliquer le profil"
              : step.preview.changes.every((c) => c.to === "FALLBACK")
                ? "Confirmer le mode de secours"
                : "Confirmer la fermeture"
          }
        />
      ) : null}

      <div className="space-y-8">
        <section aria-labelledby="etat-services">
          <h2 id="etat-services" className="mb-2 text-xl font-semibold text-brand-800">
            État des services
          </h2>
          <p className="mb-4 text-muted">{propagationSentence(propagation)}</p>
          <LaggardInstances propagation={propagation} caption="Instances en retard sur la version courante" />
          <DataTable
            caption="État de chaque service en ligne"
            captionHidden
            headers={["Service", "État", "Depuis", "Message au public", "Retour prévu", "Ouvert à"]}
            rows={services.map((s) => [
              <Link key="label" to={`/admin/services/${s.key}`} className="font-medium">
                {s.label}
              </Link>,
              <StateBadge key="state" state={s.state} rolloutPercent={s.rolloutPercent} />,
              <time key="since" dateTime={s.since.iso} className="whitespace-nowrap">
                {s.since.label}
              </time>,
              s.publicMessage ?? "—",
              s.expectedReturn ? (
                <time key="return" dateTime={s.expectedReturn.iso} className="whitespace-nowrap">
                  {s.expectedReturn.label}
                </time>
              ) : (
                "—"
              ),
              OPENING[s.state](s.rolloutPercent),
            ])}
          />
        </section>

        <section aria-labelledby="demandes-reouverture">
          <h2 id="demandes-reouverture" className="mb-4 text-xl font-semibold text-brand-800">
            Demandes de réouverture en cours
          </h2>
          {reopenRequests.length === 0 ? (
            <p>Aucune demande de réouverture en cours.</p>
          ) : (
            <DataTable
              caption="Demandes de réouverture en attente ou approuvées"
              captionHidden
              headers={["Service", "Statut", "Demandée par", "Objectif", "Recette automatique", "Points de contrôle", "Programmée le"]}
              rows={reopenRequests.map((r) => [
                <Link key="service" to={`/admin/services/${r.serviceKey}`} className="font-medium">
                  {r.serviceLabel}
                </Link>,
                REQUEST_STATUS[r.status],
                <span key="by">
                  <span className="break-all">{r.requestedBy}</span>
                  <br />
                  <time dateTime={r.requestedAt.iso}>{r.requestedAt.label}</time>
                </span>,
                `${r.rolloutPercent} %`,
                TESTS[r.tests],
                `${r.checklistSigned} / ${r.checklistTotal}`,
                r.scheduledFor ? (
                  <time key="at" dateTime={r.scheduledFor.iso}>
                    {r.scheduledFor.label}
                  </time>
                ) : (
                  "—"
                ),
              ])}
            />
          )}
        </section>

        <Card title="Fermer des services ou passer en mode de secours">
          <p className="mb-4 text-muted">
            Les services qui dépendent d’un service fermé ferment avec lui. Un aperçu de l’impact est affiché avant toute confirmation.
          </p>
          <FormErrors id={closeForm.errorId} errors={closeForm.errors} />
          <Form method="post" {...getFormProps(closeForm)} key={`fermeture-${formsKey}`}>
            <input type="hidden" name="change" value="services" />
            <input type="hidden" name="intent" value="preview" />
            <ChoiceGroup
              meta={cf.services}
              type="checkbox"
              legend="Services concernés"
              hint="Cochez un ou plusieurs services."
              required
              choices={services.map((s) => ({
                value: s.key,
                label: s.label,
                description: `État actuel : ${STATE_LABELS[s.state]}${s.dependsOn.length > 0 ? ` — dépend de ${s.dependsOn.join(", ")}` : ""}`,
              }))}
            />
            <ChoiceGroup
              meta={cf.mode}
              type="radio"
              legend="Action"
              required
              choices={[
                { value: "CLOSED", label: "Fermer", description: "Le public voit une page « service indisponible » avec le canal de remplacement." },
                {
                  value: "FALLBACK",
                  label: "Passer en mode de secours",
                  description: `Le service continue par un autre canal. Seuls ces services en ont un : ${fallbackLabels.join(", ")}.`,
                },
              ]}
            />
            <TextAreaField meta={cf.reason} label="Motif (interne)" hint="Visible du personnel et du journal d’audit uniquement." required />
            <TextAreaField meta={cf.publicMessage} label="Message au public" hint="Affiché sur la page de fermeture, la page de statut et le bandeau du site." required />
            <DateTimeField meta={cf.expectedReturnAt} label="Retour prévu (facultatif)" hint={EXPECTED_RETURN_HINT} />
            <SubmitButton pending={previewing}>Prévisualiser l’impact</SubmitButton>
          </Form>
        </Card>

        <Card title="Appliquer un profil d’incident">
          <p className="mb-4 text-muted">Un profil change plusieurs services en une seule action, enregistrée sous un même identifiant de groupe.</p>
          <FormErrors id={profileForm.errorId} errors={profileForm.errors} />
          <Form method="post" {...getFormProps(profileForm)} key={`profil-${formsKey}`}>
            <input type="hidden" name="change" value="profile" />
            <input type="hidden" name="intent" value="preview" />
            <ChoiceGroup
              meta={pf.profile}
              type="radio"
              legend="Profil d’incident"
              required
              choices={profiles.map((p) => ({ value: p.key, label: p.label, description: p.description }))}
            />
            <TextAreaField meta={pf.reason} label="Motif (interne)" hint="Visible du personnel et du journal d’audit uniquement." required />
            <TextAreaField meta={pf.publicMessage} label="Message au public" hint="Affiché sur la page de fermeture, la page de statut et le bandeau du site." required />
            <DateTimeField meta={pf.expectedReturnAt} label="Retour prévu (facultatif)" hint={EXPECTED_RETURN_HINT} />
            <SubmitButton pending={previewing}>Prévisualiser l’impact</SubmitButton>
          </Form>
        </Card>
      </div>
    </>
  );
}
