import type { SubmissionResult } from "@conform-to/react";
import type { ReactNode } from "react";
import { data, Link, redirect } from "react-router";
import { CLAIM_STATUS_LABELS } from "~/features/claims/member/claim-mail";
import { isClaimNumber } from "~/features/claims/member/claim-number";
import { loadClaimReview } from "~/features/claims/review/claim-review.server";
import { adjustClaimLine, approveClaim, keyInClaimLine, rejectClaim, returnClaim } from "~/features/claims/review/decide-claim.server";
import { isReviewError } from "~/features/claims/review/review-status";
import { CARE_CATEGORY_LABELS, claimFormSchema } from "~/features/claims/member/schemas";
import {
  adjustLineSchema,
  approveClaimSchema,
  rejectClaimSchema,
  returnClaimSchema,
} from "~/features/claims/review/staff-schemas";
import { StatusBadge } from "~/features/claims/ui/member-claim-ui";
import {
  AdjustForm,
  ApproveForm,
  KeyInForm,
  RejectForm,
  REVIEW_INTENTS,
  ReturnForm,
  type ReviewIntent,
} from "~/features/claims/ui/review-forms";
import { CHANNEL_LABELS, DOCUMENT_KIND_LABELS, fileSizeLabel, reasonLabel } from "~/features/claims/ui/staff-labels";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm } from "~/platform/http/form.server";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-detail";
import { formatEuros } from "~/platform/format/euros";
import { formatParisDateTimeShort, parisDateOf } from "~/platform/time/paris";
import { formatCivilDate } from "~/platform/time/civil-date";
import { noticeFrom } from "~/platform/http/notice";

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
  return { claim, notice: noticeFrom(args.request, NOTICES), today: parisDateOf(new Date()) };
}

const isIntent = (v: unknown): v is ReviewIntent => typeof v === "string" && (REVIEW_INTENTS as readonly string[]).includes(v);

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "claims:process");
  const number = requireNumber(args.params);
  const form = await readForm(args.request);
  const intent = form.get("intent");
  if (!isIntent(intent)) throw data({ message: "Action inconnue." }, { status: 400 });
  const claim = await loadClaimReview(db(), number);
  if (!claim) throw data({ message: "Cette demande de remboursement est introuvable." }, { status: 404 });
  const ctx = { actor: auditActorOf(user), ipHash: ipHashOf(args.context), now: new Date() };
  const toQueue = (notice: string) => redirect(`/admin/remboursements?ok=${notice}&n=${claim.number}`);

  if (intent === "key-in") {
    const submission = parseForm(form, claimFormSchema(parisDateOf(ctx.now)));
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
  const submission = parseForm(form, schema);
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

type ActionData = { intent: ReviewIntent; result: SubmissionResult } | undefined;
const resultFor = (actionData: ActionData, intent: ReviewIntent) => (actionData?.intent === intent ? actionData.result : undefined);


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
          Reçue le <time dateTime={claim.receivedAt.toISOString()}>{formatParisDateTimeShort(claim.receivedAt)}</time> · canal{" "}
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
                      <span className="text-muted"> (modifié le {formatParisDateTimeShort(claim.contract.ibanChangedAt)})</span>
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
                            {formatParisDateTimeShort(l.adjustment.at)} : {l.adjustment.reason}
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
                <time dateTime={e.at.toISOString()}>{formatParisDateTimeShort(e.at)}</time> — {e.actorLabel}
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
