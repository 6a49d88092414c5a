import { Link, redirect } from "react-router";
import { findDraft, readDraftToken, submittedContractOf } from "~/features/subscriptions/subscription-draft.server";
import { db } from "~/platform/db/client.server";
import { INSURER } from "~/ui/insurer";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/adhesion-confirmation";
import { frenchDate } from "~/platform/time/civil-date";

export const meta = () => [{ title: "Adhésion : demande envoyée — Bascule" }];

export async function loader({ request }: Route.LoaderArgs) {
  const draft = await findDraft(db(), readDraftToken(request));
  if (!draft?.contractId) throw redirect("/adhesion");
  const row = await submittedContractOf(db(), draft.contractId);
  if (!row) throw redirect("/adhesion");
  return {
    status: draft.status,
    contractNumber: row.number,
    memberNumber: row.memberNumber ?? "",
    startDate: frenchDate(row.startDate),
    mandateReference: draft.mandateReference ?? "",
  };
}

export default function AdhesionConfirmation({ loaderData: d }: Route.ComponentProps) {
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title="Votre demande d’adhésion est envoyée" />
      {d.status === "REFUSED" ? (
        <Alert tone="warning" title="Demande non retenue">
          Nous n’avons pas pu donner suite à votre demande ; le motif vous a été envoyé par e-mail. Appelez-nous au {INSURER.phone} pour en parler.
        </Alert>
      ) : d.status === "VALIDATED" ? (
        <Alert tone="success" role="status" title="Adhésion validée">
          Un e-mail vous a été envoyé pour activer votre espace adhérent.
        </Alert>
      ) : (
        <Alert tone="success" role="status" title="Demande signée et reçue">
          Nos conseillers l’examinent, en général sous 2 jours ouvrés. Vous recevrez alors un e-mail pour activer votre espace adhérent. Un accusé de réception vient de vous être envoyé.
        </Alert>
      )}
      <dl className="mb-6 grid gap-y-2 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <div>
          <dt className="text-sm text-muted">Numéro de contrat</dt>
          <dd className="font-semibold">{d.contractNumber}</dd>
        </div>
        <div>
          <dt className="text-sm text-muted">Numéro d’adhérent</dt>
          <dd className="font-semibold">{d.memberNumber}</dd>
        </div>
        <div>
          <dt className="text-sm text-muted">Date d’effet demandée</dt>
          <dd>{d.startDate}</dd>
        </div>
        <div>
          <dt className="text-sm text-muted">Référence unique du mandat SEPA</dt>
          <dd>
            {d.mandateReference} (<a href="/adhesion/mandat.pdf" download>mandat signé en PDF</a>)
          </dd>
        </div>
      </dl>
      <p className="text-sm text-muted">
        Vous disposez de 14 jours pour renoncer à votre adhésion, sans motif ni pénalité, en écrivant à {INSURER.email} ou à {INSURER.postalAddress}. <Link to="/">Retour à l’accueil</Link>
      </p>
    </div>
  );
}
