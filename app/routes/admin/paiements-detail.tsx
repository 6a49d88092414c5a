import { data, Form, Link, redirect, useNavigation } from "react-router";
import { CLAIM_STATUS_LABELS, type ClaimStatus } from "~/features/claims/member/claim-mail";
import { isPaymentError, loadPaymentBatch, markBatchPaid } from "~/features/claims/payments/payments.server";
import { BATCH_STATUS_LABELS } from "~/features/claims/ui/staff-labels";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { SubmitButton } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/paiements-detail";
import { formatEuros } from "~/platform/format/euros";
import { formatParisDateTimeShort } from "~/platform/time/paris";
import { noticeFrom } from "~/platform/http/notice";

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: `Lot ${loaderData?.batch.number ?? ""} — Paiements — Bascule` }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOTICES: Record<string, string> = {
  cree: "Lot de virement créé. Téléchargez le fichier et transmettez-le à la banque, puis marquez le lot comme payé une fois les virements exécutés.",
  paye: "Lot marqué comme payé : les demandes sont payées et chaque adhérent a été prévenu par e-mail.",
  "deja-paye": "Ce lot était déjà marqué comme payé : rien n’a été modifié et aucun e-mail n’a été renvoyé.",
};

function notFound(): never {
  throw data({ message: "Ce lot de virement est introuvable." }, { status: 404 });
}

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "payments:manage");
  if (!UUID.test(args.params.batchId)) notFound();
  const batch = await loadPaymentBatch(db(), args.params.batchId);
  if (!batch) notFound();
  return { batch, notice: noticeFrom(args.request, NOTICES) };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "payments:manage");
  if (!UUID.test(args.params.batchId)) notFound();
  const form = await readForm(args.request);
  if (form.get("intent") !== "mark-paid") throw data({ message: "Action inconnue." }, { status: 400 });
  try {
    const result = await markBatchPaid(db(), args.params.batchId, {
      actor: auditActorOf(user),
      ipHash: ipHashOf(args.context),
      now: new Date(),
    });
    return redirect(`/admin/paiements/${args.params.batchId}?ok=${result.alreadyPaid ? "deja-paye" : "paye"}`);
  } catch (err) {
    if (isPaymentError(err) && err.code === "not-found") notFound();
    throw err;
  }
}

export default function PaymentBatch({ loaderData }: Route.ComponentProps) {
  const { batch } = loaderData;
  const navigation = useNavigation();
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/paiements">← Paiements</Link>
      </p>
      <PageHeader title={`Lot de virement ${batch.number}`} />
      {loaderData.notice ? (
        <Alert tone="success" role="status">
          {loaderData.notice}
        </Alert>
      ) : null}
      <div className="grid gap-6">
        <Card title="Lot">
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium">Statut</dt>
            <dd>{BATCH_STATUS_LABELS[batch.status]}</dd>
            <dt className="font-medium">Identifiant du message (MsgId)</dt>
            <dd className="font-mono">{batch.messageId}</dd>
            <dt className="font-medium">Virements</dt>
            <dd>{batch.transactionCount}</dd>
            <dt className="font-medium">Montant total (somme de contrôle)</dt>
            <dd>{formatEuros(batch.controlSumCents)}</dd>
            <dt className="font-medium">Créé</dt>
            <dd>
              le {formatParisDateTimeShort(batch.createdAt)} par {batch.createdBy ?? "—"}
            </dd>
            {batch.paidAt ? (
              <>
                <dt className="font-medium">Marqué payé</dt>
                <dd>
                  le {formatParisDateTimeShort(batch.paidAt)} par {batch.paidBy ?? "—"}
                </dd>
              </>
            ) : null}
          </dl>
          <div className="mt-6 flex flex-wrap items-center gap-6">
            <a href={`/admin/paiements/${batch.id}/fichier.xml`} download className="font-semibold">
              Télécharger le fichier de virement ({batch.number}.xml)
            </a>
            {batch.status === "GENERATED" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="mark-paid" />
                <SubmitButton pending={navigation.state !== "idle"}>Marquer comme payé</SubmitButton>
              </Form>
            ) : null}
          </div>
          <p className="mt-4 text-sm text-muted">
            Le fichier contient les IBAN des adhérents : il est conservé chiffré et chaque téléchargement est journalisé.
          </p>
        </Card>
        <Card title="Demandes du lot">
          <DataTable
            caption={`Demandes payées par le lot ${batch.number}`}
            captionHidden
            headers={["Demande (référence de bout en bout)", "Bénéficiaire", "Montant", "Compte crédité", "Statut"]}
            rows={batch.claims.map((c) => [
              <Link key="n" to={`/admin/remboursements/${c.number}`} className="whitespace-nowrap">
                {c.number}
              </Link>,
              c.beneficiaryName,
              <span key="a" className="whitespace-nowrap tabular-nums">
                {formatEuros(c.amcCents)}
              </span>,
              <span key="i" className="font-mono whitespace-nowrap">
                {c.iban ?? "—"}
              </span>,
              CLAIM_STATUS_LABELS[c.status as ClaimStatus],
            ])}
          />
        </Card>
      </div>
    </>
  );
}
