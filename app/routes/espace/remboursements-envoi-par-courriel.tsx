import { data } from "react-router";
import { getClaimsByEmailInstructions } from "~/features/switchboard/claims-by-email.server";
import { requireMember } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { Alert, Card, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-envoi-par-courriel";
import { INSURER } from "~/ui/insurer";

export const meta = () => [{ title: "Envoyer une demande de remboursement par e-mail — Bascule" }];

export async function loader(args: Route.LoaderArgs) {
  const { personId } = await requireMember(args);
  const instructions = await getClaimsByEmailInstructions(db(), personId);
  if (!instructions) throw data({ message: "Dossier introuvable." }, { status: 404 });
  return instructions;
}

export default function ClaimsByEmail({ loaderData }: Route.ComponentProps) {
  const { mailbox, reference, onlineClaimsDown } = loaderData;
  const subject = reference ?? "votre numéro d’adhérent";
  return (
    <>
      <PageHeader
        title="Envoyer une demande de remboursement par e-mail"
        lead="Votre demande est traitée comme une demande faite en ligne, dans les mêmes délais."
      />
      {onlineClaimsDown ? (
        <Alert tone="warning" title="Les remboursements en ligne sont momentanément indisponibles">
          En attendant leur réouverture, envoyez vos demandes par e-mail comme indiqué ci-dessous.{" "}
          <a href="/statut">Consulter l’état de nos services</a>
        </Alert>
      ) : null}
      <ol className="space-y-6">
        <li>
          <Card title="1. Écrivez à notre service remboursements">
            <p className="text-lg">
              <a href={`mailto:${mailbox}?subject=${encodeURIComponent(subject)}`} className="font-semibold">
                {mailbox}
              </a>
            </p>
          </Card>
        </li>
        <li>
          <Card title="2. Indiquez votre référence dans l’objet">
            {reference ? (
              <>
                <p>
                  Objet à indiquer : <strong className="font-mono text-lg">{reference}</strong>
                </p>
                <p className="mt-2 text-muted">Elle nous permet de rattacher votre demande à votre contrat sans vous demander d’autres informations.</p>
              </>
            ) : (
              <p>Indiquez votre numéro d’adhérent dans l’objet ; vous le trouverez sur votre carte de tiers payant.</p>
            )}
          </Card>
        </li>
        <li>
          <Card title="3. Joignez vos justificatifs">
            <ul className="list-disc space-y-1 pl-6">
              <li>la facture acquittée (ou la note d’honoraires) ;</li>
              <li>le décompte de la Sécurité sociale, si vous en avez un ;</li>
              <li>en PDF, JPEG ou PNG, lisibles et complets.</li>
            </ul>
          </Card>
        </li>
      </ol>
      <div className="mt-6">
        <Alert tone="danger" title="N’envoyez jamais vos coordonnées bancaires par e-mail">
          Ni RIB ni IBAN : les remboursements sont versés sur le compte déjà enregistré. Pour en changer, envoyez un RIB avec une demande
          signée par courrier à {INSURER.postalAddress}. Bascule ne vous demandera jamais vos coordonnées
          bancaires ni votre mot de passe par e-mail.
        </Alert>
        <Card title="Et ensuite ?">
          <p>
            Vous recevez un accusé de réception par e-mail avec le numéro de votre demande. Gardez-le : il vous sera demandé si vous nous
            appelez au <a href={INSURER.phoneHref}>{INSURER.phone}</a>. Le remboursement est versé sur le compte déjà enregistré, comme
            pour une demande faite en ligne.
          </p>
        </Card>
      </div>
    </>
  );
}
