import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import type { ReactNode } from "react";
import { Form, useNavigation } from "react-router";
import { FormErrors, SubmitButton } from "~/ui/form";
import { DataTable } from "~/ui/layout";
import { DateTimeField, TextAreaField } from "~/ui/form-controls";
import type { ReopenRequestView } from "./view-types";

/*
 * One reopen request, step by step: the automated re-test and its report, the manual checklist
 * signed by name, then the decision — approval by a second administrator (explained when not yet
 * possible), rejection with a reason, cancellation.
 */

export const REQUEST_STATUS_LABELS: Record<ReopenRequestView["status"], string> = {
  PENDING: "En attente",
  APPROVED: "Approuvée",
  REJECTED: "Rejetée",
  APPLIED: "Appliquée",
  CANCELLED: "Annulée",
};

const secondaryButton =
  "inline-flex items-center rounded-md border border-brand-700 bg-white px-4 py-2 font-semibold text-brand-800 hover:bg-brand-50 disabled:cursor-not-allowed disabled:opacity-60";

function useBusy(intent: string): boolean {
  const navigation = useNavigation();
  return navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
}

function Step({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="border-t border-slate-200 pt-5">
      <h3 id={id} className="mb-3 text-lg font-semibold text-brand-800">
        {title}
      </h3>
      {children}
    </section>
  );
}

function RetestStep({ request, canAct }: { request: ReopenRequestView; canAct: boolean }) {
  const running = useBusy("run-retest");
  const report = request.testReport;
  return (
    <Step id="etape-recette" title="1. Recette automatique">
      <p className="mb-3 text-muted">
        Des sondes exercent le service de bout en bout par ses propres pages, connectées avec le compte de test autorisé, comme le
        feront les adhérents.
      </p>
      {report ? (
        <>
          <p className="mb-3">
            <strong className={report.passed ? "text-success" : "text-danger"}>
              {report.passed ? "✔ Recette réussie" : "✘ Recette échouée"}
            </strong>
            {report.ranAt ? (
              <>
                {" "}
                — lancée le <time dateTime={report.ranAt.iso}>{report.ranAt.label}</time> par <span className="break-all">{report.attachedBy}</span>,{" "}
                en {report.durationMs} ms.
              </>
            ) : null}
          </p>
          <DataTable
            caption="Rapport de la recette automatique"
            headers={["Sonde", "Résultat", "Détail"]}
            rows={report.probes.map((p) => [
              p.name,
              <span key="result" className={`font-semibold ${p.passed ? "text-success" : "text-danger"}`}>
                {p.passed ? "Réussie" : "Échouée"}
              </span>,
              <span key="detail" className="break-words">
                {p.detail}
              </span>,
            ])}
          />
        </>
      ) : (
        <p className="mb-3">La recette automatique n’a pas encore été lancée.</p>
      )}
      {canAct && request.status === "PENDING" ? (
        <Form method="post" className="mt-4">
          <input type="hidden" name="intent" value="run-retest" />
          <input type="hidden" name="requestId" value={request.id} />
          <SubmitButton pending={running}>
            {running ? "Recette en cours…" : report ? "Relancer la recette automatique" : "Lancer la recette automatique"}
          </SubmitButton>
        </Form>
      ) : null}
    </Step>
  );
}

function ChecklistStep({ request, canAct }: { request: ReopenRequestView; canAct: boolean }) {
  const navigation = useNavigation();
  const signing = navigation.state !== "idle" && navigation.formData?.get("intent") === "sign" ? navigation.formData.get("index") : null;
  return (
    <Step id="etape-controles" title="2. Points de contrôle">
      <p className="mb-3 text-muted">Chaque point est vérifié à la main puis validé par la personne qui l’a vérifié, à son nom.</p>
      <ol className="space-y-3">
        {request.checklist.map((c) => (
          <li key={c.index} className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-slate-200 p-3">
            <span className="min-w-0 flex-1">
              <span className="font-medium">{c.item}</span>
              <br />
              {c.signedAt ? (
                <span className="text-sm text-success">
                  ✔ Validé par <span className="break-all">{c.signedBy}</span> le <time dateTime={c.signedAt.iso}>{c.signedAt.label}</time>
                </span>
              ) : (
                <span className="text-sm text-muted">À valider</span>
              )}
            </span>
            {!c.signedAt && canAct && request.status === "PENDING" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="sign" />
                <input type="hidden" name="requestId" value={request.id} />
                <input type="hidden" name="index" value={c.index} />
                <button type="submit" className={secondaryButton} disabled={signing === String(c.index)}>
                  Je valide<span className="sr-only"> : {c.item}</span>
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ol>
    </Step>
  );
}

function DecisionStep({
  request,
  canApprove,
  canCancel,
  approveResult,
  rejectResult,
}: {
  request: ReopenRequestView;
  canApprove: boolean;
  canCancel: boolean;
  approveResult: SubmissionResult | undefined;
  rejectResult: SubmissionResult | undefined;
}) {
  const approving = useBusy("approve");
  const rejecting = useBusy("reject");
  const cancelling = useBusy("cancel");
  const [approveForm, af] = useForm<{ requestId: string; scheduledFor?: string }>({
    id: "approbation",
    lastResult: approveResult,
    shouldValidate: "onSubmit",
  });
  const [rejectForm, rf] = useForm<{ requestId: string; reason: string }>({
    id: "rejet",
    lastResult: rejectResult,
    shouldValidate: "onSubmit",
  });
  const blocked = request.approvalBlockers.length > 0;

  return (
    <Step id="etape-decision" title="3. Décision d’un second administrateur">
      {request.status === "APPROVED" ? (
        <p className="mb-4">
          Approuvée par <span className="break-all">{request.decidedBy}</span>
          {request.decidedAt ? (
            <>
              {" "}
              le <time dateTime={request.decidedAt.iso}>{request.decidedAt.label}</time>
            </>
          ) : null}
          {request.scheduledFor ? (
            <>
              , réouverture programmée le <time dateTime={request.scheduledFor.iso}>{request.scheduledFor.label}</time> (heure de Paris). Elle
              peut être annulée jusque-là.
            </>
          ) : (
            "."
          )}
        </p>
      ) : null}

      {request.status === "PENDING" && canApprove ? (
        <div className="mb-6">
          <FormErrors id={approveForm.errorId} errors={approveForm.errors} />
          <Form method="post" {...getFormProps(approveForm)}>
            <input type="hidden" name="intent" value="approve" />
            <input type="hidden" name="requestId" value={request.id} />
            <DateTimeField
              meta={af.scheduledFor}
              label="Programmer la réouverture (facultatif)"
              hint="Heure de Paris. Laissez vide pour rouvrir dès l’approbation."
            />
            {blocked ? (
              <div id="approbation-impossible" className="mb-4 rounded-md border-l-4 border-warning bg-warning-bg p-4">
                <p className="font-semibold">Vous ne pouvez pas encore approuver cette demande :</p>
                <ul className="mt-1 list-disc pl-5">
                  {request.approvalBlockers.map((b) => (
                    <li key={b}>{b}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            <button
              type="submit"
              disabled={blocked || approving}
              aria-describedby={blocked ? "approbation-impossible" : undefined}
              className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:cursor-not-allowed disabled:opacity-60"
            >
              Approuver
            </button>
          </Form>
        </div>
      ) : null}

      {request.status === "PENDING" && canApprove && !request.viewerIsRequester ? (
        <div className="mb-6">
          <FormErrors id={rejectForm.errorId} errors={rejectForm.errors} />
          <Form method="post" {...getFormProps(rejectForm)}>
            <input type="hidden" name="intent" value="reject" />
            <input type="hidden" name="requestId" value={request.id} />
            <TextAreaField meta={rf.reason} label="Motif du rejet" hint="Obligatoire pour rejeter ; transmis à tous les administrateurs." required />
            <button type="submit" disabled={rejecting} className={secondaryButton}>
              Rejeter
            </button>
          </Form>
        </div>
      ) : null}

      {request.status === "PENDING" && request.viewerIsRequester ? (
        <p className="mb-4 text-muted">Vous avez demandé cette réouverture : vous pouvez l’annuler, pas la rejeter.</p>
      ) : null}

      {canCancel && (request.status === "PENDING" || request.status === "APPROVED") ? (
        <Form method="post">
          <input type="hidden" name="intent" value="cancel" />
          <input type="hidden" name="requestId" value={request.id} />
          <button type="submit" disabled={cancelling} className={secondaryButton}>
            {request.status === "APPROVED" ? "Annuler la réouverture programmée" : "Annuler la demande"}
          </button>
        </Form>
      ) : null}
    </Step>
  );
}

export function ReopenRequestCard({
  request,
  serviceLabel,
  canRequest,
  canApprove,
  approveResult,
  rejectResult,
}: {
  request: ReopenRequestView;
  serviceLabel: string;
  canRequest: boolean;
  canApprove: boolean;
  approveResult: SubmissionResult | undefined;
  rejectResult: SubmissionResult | undefined;
}) {
  return (
    <section aria-labelledby="demande-titre" className="space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <div>
        <h2 id="demande-titre" className="text-xl font-semibold text-brand-800">
          Demande de réouverture — {REQUEST_STATUS_LABELS[request.status]}
        </h2>
        <p className="mt-2">
          {request.origin === "expected-return" ? "Proposée automatiquement à l’heure de retour prévue" : "Demandée"} par{" "}
          <span className="break-all">{request.requestedBy}</span> le <time dateTime={request.requestedAt.iso}>{request.requestedAt.label}</time>.
          Objectif : {serviceLabel} ouvert à {request.rolloutPercent === 100 ? "tous (100 %)" : `${request.rolloutPercent} % des adhérents, puis davantage par étapes`}.
        </p>
      </div>
      <RetestStep request={request} canAct={canRequest} />
      <ChecklistStep request={request} canAct={canRequest} />
      <DecisionStep request={request} canApprove={canApprove} canCancel={canRequest} approveResult={approveResult} rejectResult={rejectResult} />
    </section>
  );
}
