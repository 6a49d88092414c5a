import { data, Form, Link, redirect, useNavigation } from "react-router";
import { createPaymentBatch, isPaymentError, listPayableClaims, listPaymentBatches } from "~/features/claims/payments/payments.server";
import { BATCH_STATUS_LABELS } from "~/features/claims/ui/staff-labels";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { config } from "~/platform/config/env.server";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { SubmitButton } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/paiements";
import { formatEuros } from "~/platform/format/euros";
import { formatParisDateTimeShort } from "~/platform/time/paris";

export const meta = () => [{ title: "Paiements — Bascule" }];

const PAGE_SIZE = 20;
const DEBTOR_MISSING =
  "Le compte bancaire de Bascule à débiter n’est pas configuré (PAYMENTS_DEBTOR_NAME, PAYMENTS_DEBTOR_IBAN, PAYMENTS_DEBTOR_BIC) : aucun fichier de virement ne peut être produit.";

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "payments:manage");
  const url = new URL(args.request.url);
  const page = Math.min(100_000, Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const [payable, batches] = await Promise.all([listPayableClaims(db()), listPaymentBatches(db(), page, PAGE_SIZE)]);
  return { payable, batches: batches.items, hasNextPage: batches.hasNextPage, page, debtorName: config().paymentsDebtor?.name ?? null };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "payments:manage");
  const form = await readForm(args.request);
  if (form.get("intent") !== "create-batch") throw data({ message: "Action inconnue." }, { status: 400 });
  const debtor = config().paymentsDebtor;
  if (!debtor) return data({ error: DEBTOR_MISSING }, { status: 409 });
  try {
    const batch = await createPaymentBatch(db(), {
      actor: auditActorOf(user),
      ipHash: ipHashOf(args.context),
      now: new Date(),
      debtor,
    });
    return redirect(`/admin/paiements/${batch.id}?ok=cree`);
  } catch (err) {
    if (!isPaymentError(err)) throw err;
    return data({ error: err.message }, { status: 409 });
  }
}

export default function Payments({ loaderData, actionData }: Route.ComponentProps) {
  const { payable, batches, page } = loaderData;
  const navigation = useNavigation();
  return (
    <>
      <PageHeader
        title="Paiements"
        lead={`Les demandes acceptées sont regroupées en lots de virement SEPA (pain.001.001.09) émis depuis le compte de ${loaderData.debtorName ?? "Bascule"}. Téléchargez le fichier pour la banque, puis marquez le lot comme payé : chaque adhérent est alors prévenu.`}
      />
      {loaderData.debtorName === null ? (
        <Alert tone="warning" title="Compte à débiter manquant">
          {DEBTOR_MISSING}
        </Alert>
      ) : null}
      {actionData?.error ? (
        <Alert tone="danger" role="alert">
          {actionData.error}
        </Alert>
      ) : null}

      <div className="grid gap-6">
        <Card title="Demandes acceptées à payer">
          {payable.ready.length === 0 ? (
            <p>Aucune demande acceptée n’attend de paiement.</p>
          ) : (
            <>
              <p className="mb-4 text-lg">
                <strong>{payable.ready.length.toLocaleString("fr-FR")}</strong> demande{payable.ready.length > 1 ? "s" : ""} pour un total
                de <strong>{formatEuros(payable.readyTotalCents)}</strong>.
              </p>
              <DataTable
                caption="Demandes acceptées à payer"
                captionHidden
                headers={["Demande", "Bénéficiaire", "Acceptée le", "Montant", "Compte crédité"]}
                rows={payable.ready.map((c) => [
                  <Link key="n" to={`/admin/remboursements/${c.number}`} className="whitespace-nowrap">
                    {c.number}
                  </Link>,
                  c.beneficiaryName,
                  c.decidedAt ? formatParisDateTimeShort(c.decidedAt) : "—",
                  <span key="a" className="whitespace-nowrap tabular-nums">
                    {formatEuros(c.amcCents)}
                  </span>,
                  <span key="i" className="font-mono whitespace-nowrap">
                    {c.iban}
                  </span>,
                ])}
              />
              <Form method="post" className="mt-6">
                <input type="hidden" name="intent" value="create-batch" />
                <SubmitButton pending={navigation.state !== "idle" && navigation.formData?.get("intent") === "create-batch"}>
                  Créer un lot de virement
                </SubmitButton>
              </Form>
            </>
          )}
        </Card>

        {payable.held.length > 0 ? (
          <Card title="Demandes retenues : coordonnées bancaires manquantes">
            <p className="mb-4">
              Ces demandes sont acceptées mais le contrat n’a pas d’IBAN : elles restent hors des lots jusqu’à ce que l’adhérent en
              fournisse un.
            </p>
            <DataTable
              caption="Demandes retenues faute d’IBAN"
              captionHidden
              headers={["Demande", "Bénéficiaire", "Montant"]}
              rows={payable.held.map((c) => [
                <Link key="n" to={`/admin/remboursements/${c.number}`}>
                  {c.number}
                </Link>,
                c.beneficiaryName,
                formatEuros(c.amcCents),
              ])}
            />
          </Card>
        ) : null}

        <Card title="Lots de virement">
          {batches.length === 0 ? (
            <p>Aucun lot de virement n’a encore été créé.</p>
          ) : (
            <DataTable
              caption={`Lots de virement, du plus récent au plus ancien — page ${page}`}
              captionHidden
              headers={["Lot", "Créé le", "Par", "Virements", "Montant total", "Statut"]}
              rows={batches.map((b) => [
                <Link key="n" to={`/admin/paiements/${b.id}`} className="font-semibold whitespace-nowrap">
                  {b.number}
                </Link>,
                formatParisDateTimeShort(b.createdAt),
                b.createdBy ?? "—",
                b.transactionCount,
                <span key="s" className="whitespace-nowrap tabular-nums">
                  {formatEuros(b.controlSumCents)}
                </span>,
                b.status === "PAID" && b.paidAt ? `Payé le ${formatParisDateTimeShort(b.paidAt)}` : BATCH_STATUS_LABELS[b.status],
              ])}
            />
          )}
          {page > 1 || loaderData.hasNextPage ? (
            <nav aria-label="Pagination des lots" className="mt-4 flex gap-6">
              {page > 1 ? <Link to={`/admin/paiements?page=${page - 1}`}>Page précédente</Link> : null}
              {loaderData.hasNextPage ? <Link to={`/admin/paiements?page=${page + 1}`}>Page suivante</Link> : null}
            </nav>
          ) : null}
        </Card>
      </div>
    </>
  );
}
