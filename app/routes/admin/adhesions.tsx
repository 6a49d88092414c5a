import { NIR_REVIEW_LABEL } from "~/features/subscriptions/format";
import { Link } from "react-router";
import { listPendingSubscriptions } from "~/features/subscriptions/review-subscriptions.server";
import { requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { Alert, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesions";
import { frenchDate } from "~/platform/time/civil-date";
import { formatParisDateTimeShort } from "~/platform/time/paris";

export const meta = () => [{ title: "Adhésions à valider — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "subscriptions:review");
  const rows = await listPendingSubscriptions(db());
  return {
    rows: rows.map((r) => ({
      id: r.id,
      signedAt: r.signedAt ? formatParisDateTimeShort(r.signedAt) : "",
      contractNumber: r.contractNumber,
      subscriber: r.subscriber,
      formulaName: r.formulaName,
      departement: r.departement,
      startDate: frenchDate(r.startDate),
      personCount: r.personCount,
      nirReview: r.nirReview,
    })),
  };
}

export default function Adhesions({ loaderData }: Route.ComponentProps) {
  const { rows } = loaderData;
  return (
    <>
      <PageHeader title="Adhésions à valider" lead="Demandes signées en ligne, dans l’ordre d’arrivée. Chaque contrat reste « en attente » jusqu’à votre décision." />
      {rows.length === 0 ? (
        <Alert tone="info">Aucune adhésion n’attend de validation.</Alert>
      ) : (
        <DataTable
          caption={`${rows.length} adhésion${rows.length > 1 ? "s" : ""} en attente`}
          headers={["Signée le", "Contrat", "Adhérent(e)", "Formule", "Département", "Date d’effet", "Personnes", "À vérifier"]}
          rows={rows.map((r) => [
            r.signedAt,
            <Link key="link" to={`/admin/adhesions/${r.id}`}>
              {r.contractNumber}
            </Link>,
            r.subscriber,
            r.formulaName,
            r.departement,
            r.startDate,
            String(r.personCount),
            r.nirReview ? (
              <strong key="review" className="text-danger">
                {NIR_REVIEW_LABEL}
              </strong>
            ) : (
              ""
            ),
          ])}
        />
      )}
    </>
  );
}
