// Over 400 lines: the action dispatches every reopen step of the service page (request, re-test, sign, approve, reject, cancel, rollout, testers).
import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import {
  advanceFormSchema,
  approveFormSchema,
  awaitPropagation,
  isRequestOfService,
  loadServiceDetail,
  propagationOf,
  rejectFormSchema,
  removeTesterFormSchema,
  requestIdFormSchema,
  type RequestReopenFormInput,
  requestReopenFormSchema,
  scheduledForOf,
  serviceKeyOrNull,
  signFormSchema,
  type TesterFormInput,
  testerFormSchema,
  userIdByEmail,
} from "~/features/switchboard/admin-view.server";
import { isSwitchboardError } from "~/features/switchboard/errors";
import { advanceRollout } from "~/features/switchboard/reopen/advance-rollout.server";
import { approveReopen } from "~/features/switchboard/reopen/approve-reopen.server";
import { cancelReopen } from "~/features/switchboard/reopen/cancel-reopen.server";
import { signChecklistItem } from "~/features/switchboard/reopen/record-evidence.server";
import { rejectReopen } from "~/features/switchboard/reopen/reject-reopen.server";
import { requestReopen } from "~/features/switchboard/reopen/request-reopen.server";
import { runRetest } from "~/features/switchboard/retest.server";
import { RETEST_PROBES } from "~/retest-probes.server";
import { addTester, removeTester } from "~/features/switchboard/store.server";
import { ChoiceGroup } from "~/ui/form-controls";
import { LaggardInstances, propagationSentence } from "~/features/switchboard/ui/propagation-summary";
import { REQUEST_STATUS_LABELS, ReopenRequestCard } from "~/features/switchboard/ui/reopen-request-card";
import { STATE_LABELS, StateBadge } from "~/features/switchboard/ui/state-badge";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { can, type Permission } from "~/platform/auth/permissions";
import { config } from "~/platform/config/env.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { FormErrors, SubmitButton, TextField } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/services-detail";
import { noticeFrom } from "~/platform/http/notice";

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.service.label ?? "Service"} — Services en ligne — Bascule` },
];

const NOTICES: Record<string, { text: string; tone: "success" | "warning" }> = {
  demande: {
    text: "Demande de réouverture enregistrée : le service est en recette, fermé au public et ouvert aux testeurs et au personnel.",
    tone: "success",
  },
  "recette-reussie": { text: "Recette automatique réussie : son rapport est joint à la demande.", tone: "success" },
  "recette-echouee": { text: "La recette automatique a échoué : son rapport est joint à la demande.", tone: "warning" },
  valide: { text: "Point de contrôle validé.", tone: "success" },
  approuvee: { text: "Réouverture approuvée et appliquée.", tone: "success" },
  programmee: { text: "Réouverture approuvée et programmée.", tone: "success" },
  rejetee: { text: "Demande de réouverture rejetée. Le service reste en recette, fermé au public.", tone: "success" },
  annulee: { text: "Demande de réouverture annulée. Le service reste en recette, fermé au public.", tone: "success" },
  etendue: { text: "Réouverture progressive étendue.", tone: "success" },
  "testeur-ajoute": { text: "Compte ajouté à la liste des testeurs.", tone: "success" },
  "testeur-deja": { text: "Ce compte était déjà dans la liste des testeurs.", tone: "success" },
  "testeur-retire": { text: "Compte retiré de la liste des testeurs.", tone: "success" },
};

const VERSION = /^\d{1,15}$/;

function requireServiceKey(params: { key?: string }) {
  const key = serviceKeyOrNull(params.key);
  if (!key) throw data({ message: "Ce service est inconnu." }, { status: 404 });
  return key;
}

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "services:close");
  const key = requireServiceKey(args.params);
  const url = new URL(args.request.url);
  const version = url.searchParams.get("version") ?? "";
  const [detail, applied] = await Promise.all([
    loadServiceDetail(db(), key, user.id),
    VERSION.test(version) ? propagationOf(db(), Number(version)) : null,
  ]);
  return {
    ...detail,
    notice: noticeFrom(url, NOTICES),
    applied,
    can: {
      request: can(user.role, "services:request-reopen"),
      approve: can(user.role, "services:approve-reopen"),
    },
  };
}

const INTENT_PERMISSIONS = {
  "request-reopen": "services:request-reopen",
  "run-retest": "services:request-reopen",
  sign: "services:request-reopen",
  cancel: "services:request-reopen",
  approve: "services:approve-reopen",
  reject: "services:approve-reopen",
  advance: "services:approve-reopen",
  "add-tester": "services:close",
  "remove-tester": "services:close",
} as const satisfies Record<string, Permission>;

type Intent = keyof typeof INTENT_PERMISSIONS;

const isIntent = (value: unknown): value is Intent => typeof value === "string" && Object.hasOwn(INTENT_PERMISSIONS, value);

export async function action(args: Route.ActionArgs) {
  await requirePermission(args, "services:close");
  const key = requireServiceKey(args.params);
  const form = await readForm(args.request);
  const intent = form.get("intent");
  if (!isIntent(intent)) throw data({ message: "Action inconnue." }, { status: 400 });
  const { user } = await requirePermission(args, INTENT_PERMISSIONS[intent]);
  const actor = auditActorOf(user);
  const ipHash = ipHashOf(args.context);
  const back = (notice: string, version?: number) =>
    redirect(`/admin/services/${key}?ok=${notice}${version === undefined ? "" : `&version=${version}`}`);
  const invalid = (result: SubmissionResult | null, error: string | null = null) =>
    data({ intent, result, error }, { status: 400 });

  /** Request ids come from hidden fields: a request of another service is refused like a missing one. */
  async function postedRequestId() {
    const submission = parseForm(form, requestIdFormSchema);
    if (submission.status !== "success") return null;
    return (await isRequestOfService(db(), submission.value.requestId, key)) ? submission.value.requestId : null;
  }
  const missingRequest = () => invalid(null, "Cette demande de réouverture est introuvable pour ce service.");

  try {
    switch (intent) {
      case "request-reopen": {
        const submission = parseForm(form, requestReopenFormSchema);
        if (submission.status !== "success") return invalid(submission.reply());
        await requestReopen(db(), { actor, ipHash, key, rolloutPercent: submission.value.rolloutPercent });
        return back("demande");
      }
      case "run-retest": {
        const requestId = await postedRequestId();
        if (!requestId) return missingRequest();
        // The server calls its own routes, signed in as the allow-listed tester.
        const request = await runRetest(db(), {
          requestId,
          actor,
          ipHash,
          baseUrl: `http://127.0.0.1:${config().port}`,
          probes: RETEST_PROBES,
          awaitVersion: (version) => awaitPropagation(db(), version),
        });
        return back(request.testsPassedAt ? "recette-reussie" : "recette-echouee");
      }
      case "sign": {
        const submission = parseForm(form, signFormSchema);
        if (submission.status !== "success" || !(await isRequestOfService(db(), submission.value.requestId, key))) return missingRequest();
        await signChecklistItem(db(), { requestId: submission.value.requestId, index: submission.value.index, actor, ipHash });
        return back("valide");
      }
      case "approve": {
        const submission = parseForm(form, approveFormSchema);
        if (submission.status !== "success") return invalid(submission.reply());
        if (!(await isRequestOfService(db(), submission.value.requestId, key))) return missingRequest();
        const { applied } = await approveReopen(db(), {
          requestId: submission.value.requestId,
          scheduledFor: scheduledForOf(submission.value),
          actor,
          ipHash,
        });
        if (!applied) return back("programmee");
        await awaitPropagation(db(), applied.version);
        return back("approuvee", applied.version);
      }
      case "reject": {
        const submission = parseForm(form, rejectFormSchema);
        if (submission.status !== "success") return invalid(submission.reply());
        if (!(await isRequestOfService(db(), submission.value.requestId, key))) return missingRequest();
        await rejectReopen(db(), { requestId: submission.value.requestId, reason: submission.value.reason, actor, ipHash });
        return back("rejetee");
      }
      case "cancel": {
        const requestId = await postedRequestId();
        if (!requestId) return missingRequest();
        await cancelReopen(db(), { requestId, actor, ipHash });
        return back("annulee");
      }
      case "advance": {
        const submission = parseForm(form, advanceFormSchema);
        if (submission.status !== "success") return invalid(null, "Choisissez le nouveau pourcentage d’ouverture.");
        const { version } = await advanceRollout(db(), { key, rolloutPercent: submission.value.rolloutPercent, actor, ipHash });
        await awaitPropagation(db(), version);
        return back("etendue", version);
      }
      case "add-tester": {
        const submission = parseForm(form, testerFormSchema);
        if (submission.status !== "success") return invalid(submission.reply());
        const userId = await userIdByEmail(db(), submission.value.email);
        if (!userId) return invalid(submission.reply({ fieldErrors: { email: ["Aucun compte n’existe avec cette adresse."] } }));
        return back((await addTester(db(), { actor, ipHash, userId })) ? "testeur-ajoute" : "testeur-deja");
      }
      case "remove-tester": {
        const submission = parseForm(form, removeTesterFormSchema);
        if (submission.status !== "success") return invalid(null, "Ce testeur est introuvable.");
        await removeTester(db(), { actor, ipHash, userId: submission.value.userId });
        return back("testeur-retire");
      }
    }
  } catch (err) {
    if (!isSwitchboardError(err)) throw err;
    return data({ intent, result: null, error: err.message }, { status: err.code === "validation" ? 400 : 409 });
  }
}

const ROLLOUT_CHOICES = [
  { value: "100", label: "Réouverture complète", description: "Le service rouvre pour tout le monde dès l’approbation." },
  { value: "5", label: "Réouverture progressive : 5 % des adhérents", description: "Puis 25 %, 50 % et 100 % par étapes." },
  { value: "25", label: "Réouverture progressive : 25 % des adhérents", description: "Puis 50 % et 100 % par étapes." },
  { value: "50", label: "Réouverture progressive : 50 % des adhérents", description: "Puis 100 %." },
];

function RequestReopenForm({ lastResult }: { lastResult: SubmissionResult | undefined }) {
  const navigation = useNavigation();
  const [form, fields] = useForm<RequestReopenFormInput>({
    id: "demande-reouverture",
    lastResult,
    defaultValue: { rolloutPercent: "100" },
    shouldValidate: "onSubmit",
  });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="request-reopen" />
        <ChoiceGroup meta={fields.rolloutPercent} type="radio" legend="Objectif de réouverture" required choices={ROLLOUT_CHOICES} />
        <SubmitButton pending={navigation.state !== "idle" && navigation.formData?.get("intent") === "request-reopen"}>
          Demander la réouverture
        </SubmitButton>
      </Form>
    </>
  );
}

function TesterForm({ lastResult }: { lastResult: SubmissionResult | undefined }) {
  const [form, fields] = useForm<TesterFormInput>({ id: "testeur", lastResult, shouldValidate: "onSubmit" });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="add-tester" />
        <TextField meta={fields.email} label="Adresse e-mail du compte" type="email" autoComplete="off" hint="Un compte adhérent actif rattaché à un dossier, pour la recette automatique." />
        <SubmitButton>Ajouter aux testeurs</SubmitButton>
      </Form>
    </>
  );
}

export default function ServiceDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { service, liveRequest, pastRequests, timeline, testers, notice, applied } = loaderData;
  const navigation = useNavigation();
  const resultFor = (intent: string) => (actionData?.intent === intent ? (actionData.result ?? undefined) : undefined);

  return (
    <>
      <p className="mb-4">
        <Link to="/admin/services">← Tous les services en ligne</Link>
      </p>
      <PageHeader title={service.label} lead={service.description} />

      {notice ? (
        <Alert tone={applied && applied.laggards.length > 0 ? "warning" : notice.tone} role="status">
          <p>{notice.text}</p>
          {applied ? (
            <>
              <p>{propagationSentence(applied)}</p>
              <LaggardInstances propagation={applied} caption="Instances qui n’ont pas encore confirmé ce changement" />
            </>
          ) : null}
        </Alert>
      ) : null}
      {actionData?.error ? (
        <Alert tone="danger" role="alert" title="Action refusée">
          {actionData.error}
        </Alert>
      ) : null}

      <div className="space-y-8">
        <Card title="État actuel">
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium">État</dt>
            <dd>
              <StateBadge state={service.state} rolloutPercent={service.rolloutPercent} />
            </dd>
            <dt className="font-medium">Depuis</dt>
            <dd>
              <time dateTime={service.since.iso}>{service.since.label}</time>
            </dd>
            <dt className="font-medium">Motif (interne)</dt>
            <dd className="break-words">{service.reason ?? "—"}</dd>
            <dt className="font-medium">Message au public</dt>
            <dd className="break-words">{service.publicMessage ?? "—"}</dd>
            <dt className="font-medium">Retour prévu</dt>
            <dd>{service.expectedReturn ? <time dateTime={service.expectedReturn.iso}>{service.expectedReturn.label}</time> : "—"}</dd>
            <dt className="font-medium">Dépend de</dt>
            <dd>{service.dependsOn.length > 0 ? service.dependsOn.join(", ") : "Aucun service"}</dd>
            <dt className="font-medium">Ferme aussi</dt>
            <dd>{service.dependents.length > 0 ? service.dependents.join(", ") : "Aucun service"}</dd>
            <dt className="font-medium">Canal de remplacement</dt>
            <dd>{service.alternativeChannel}</dd>
          </dl>
          {service.state === "OPEN" || service.state === "REOPENING" ? (
            <p className="mt-4">
              Pour fermer ce service, utilisez la <Link to="/admin/services">vue d’ensemble des services</Link> : l’impact est affiché avant
              confirmation.
            </p>
          ) : null}
        </Card>

        {loaderData.nextRolloutSteps.length > 0 && loaderData.can.approve ? (
          <Card title="Réouverture progressive">
            <p className="mb-4">
              Le service est ouvert à {service.rolloutPercent ?? 0} % des adhérents, toujours les mêmes. Élargissez par étapes une fois les
              premiers retours vérifiés.
            </p>
            <Form method="post" className="flex flex-wrap gap-3">
              <input type="hidden" name="intent" value="advance" />
              {loaderData.nextRolloutSteps.map((percent) => (
                <button
                  key={percent}
                  type="submit"
                  name="rolloutPercent"
                  value={String(percent)}
                  disabled={navigation.state !== "idle"}
                  className="inline-flex items-center rounded-md bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800 disabled:opacity-60"
                >
                  Passer à {percent} %
                </button>
              ))}
            </Form>
          </Card>
        ) : null}

        {liveRequest ? (
          <ReopenRequestCard
            request={liveRequest}
            serviceLabel={service.label}
            canRequest={loaderData.can.request}
            canApprove={loaderData.can.approve}
            approveResult={resultFor("approve")}
            rejectResult={resultFor("reject")}
          />
        ) : loaderData.canRequestReopen && loaderData.can.request ? (
          <Card title="Demander la réouverture">
            <p className="mb-4">
              Le service passe en recette : fermé au public, ouvert aux testeurs et au personnel. Il ne rouvrira qu’après une recette
              automatique réussie, la validation de chaque point de contrôle et l’approbation d’un second administrateur.
            </p>
            <RequestReopenForm lastResult={resultFor("request-reopen")} />
          </Card>
        ) : null}

        {pastRequests.length > 0 ? (
          <section aria-labelledby="demandes-passees">
            <h2 id="demandes-passees" className="mb-4 text-xl font-semibold text-brand-800">
              Demandes de réouverture précédentes
            </h2>
            <DataTable
              caption="Demandes de réouverture précédentes de ce service"
              captionHidden
              headers={["Demandée le", "Par", "Statut", "Décision", "Motif"]}
              rows={pastRequests.map((r) => [
                <time key="at" dateTime={r.requestedAt.iso} className="whitespace-nowrap">
                  {r.requestedAt.label}
                </time>,
                <span key="by" className="break-all">
                  {r.requestedBy}
                </span>,
                REQUEST_STATUS_LABELS[r.status],
                r.decidedBy ?? r.cancelledBy ?? "—",
                r.decisionReason ?? "—",
              ])}
            />
          </section>
        ) : null}

        <section aria-labelledby="historique">
          <h2 id="historique" className="mb-4 text-xl font-semibold text-brand-800">
            Historique
          </h2>
          {timeline.length === 0 ? (
            <p>Aucun changement d’état enregistré pour ce service.</p>
          ) : (
            <DataTable
              caption={`Changements d’état du service « ${service.label} », du plus récent au plus ancien`}
              captionHidden
              headers={["Date (Paris)", "Changement", "Par", "Motif", "Message au public", "Groupe et version"]}
              rows={timeline.map((e) => [
                <time key="at" dateTime={e.at.iso} className="whitespace-nowrap">
                  {e.at.label}
                </time>,
                <span key="change" className="whitespace-nowrap">
                  {e.from ? STATE_LABELS[e.from] : "—"} → {STATE_LABELS[e.to]}
                  {e.to === "REOPENING" && e.rolloutPercent !== null ? ` (${e.rolloutPercent} %)` : ""}
                </span>,
                <span key="actor" className="break-all">
                  {e.actor}
                </span>,
                e.reason ?? "—",
                e.publicMessage ?? "—",
                <span key="group" className="text-xs">
                  <code className="break-all">{e.groupId ?? "—"}</code>
                  <br />
                  version {e.version}
                </span>,
              ])}
            />
          )}
        </section>

        <Card title="Testeurs autorisés">
          <p className="mb-4 text-muted">
            Ces comptes peuvent utiliser les services en recette, fermés au public (la liste vaut pour tous les services). Le personnel le
            peut toujours. La recette automatique se connecte avec le premier compte adhérent de cette liste.
          </p>
          {testers.length === 0 ? (
            <p className="mb-4">Aucun testeur autorisé.</p>
          ) : (
            <div className="mb-6">
              <DataTable
                caption="Comptes autorisés à tester les services en recette"
                captionHidden
                headers={["Compte", "Type", "Ajouté par", "Action"]}
                rows={testers.map((t) => [
                  <span key="who">
                    {t.displayName}
                    <br />
                    <span className="break-all text-muted">{t.email}</span>
                  </span>,
                  t.kind,
                  <span key="by">
                    <span className="break-all">{t.addedBy}</span>
                    <br />
                    <time dateTime={t.addedAt.iso}>{t.addedAt.label}</time>
                  </span>,
                  <Form key="remove" method="post">
                    <input type="hidden" name="intent" value="remove-tester" />
                    <input type="hidden" name="userId" value={t.userId} />
                    <button type="submit" className="rounded-md border border-brand-700 px-3 py-1 font-semibold text-brand-800 hover:bg-brand-50">
                      Retirer<span className="sr-only"> {t.email} des testeurs</span>
                    </button>
                  </Form>,
                ])}
              />
            </div>
          )}
          <TesterForm lastResult={resultFor("add-tester")} />
        </Card>
      </div>
    </>
  );
}
