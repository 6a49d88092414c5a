import type { OutgoingMail } from "~/platform/mail/outbox.server";
import { INSURER } from "~/ui/insurer";
import { formatEuros } from "~/platform/format/euros";

/*
 * The e-mail a member receives when one of their claims changes status. Pure, so that every path
 * that changes a status (online filing, e-mail intake, staff decisions, payments) sends the same
 * words. It carries no health detail beyond the claim number, the beneficiary's first name and the
 * amounts: the member reads the rest in their space, behind their login.
 */

export type ClaimStatus = "SUBMITTED" | "CHECKED" | "REVIEW" | "VALUATED" | "PAID" | "REJECTED" | "RETURNED";

/** What members are told about a claim waiting for a handler. */
export const REVIEW_DELAY_LABEL = "sous 2 jours ouvrés";

export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  SUBMITTED: "Reçue",
  CHECKED: "Vérifiée",
  REVIEW: "En cours d’examen",
  VALUATED: "Acceptée",
  PAID: "Payée",
  REJECTED: "Refusée",
  RETURNED: "En attente d’un justificatif",
};

export type ClaimMailFacts = {
  to: string;
  claimNumber: string;
  status: ClaimStatus;
  beneficiaryFirstName: string;
  /** Bascule's share (after any staff adjustment). */
  amcCents: number;
  /** Why, for REJECTED and RETURNED (French, written by staff). */
  reason?: string | null;
  /** Public origin of the portal, for the link to the claim (e.g. https://www.bascule.example). */
  origin: string;
};


/** Mail sent for this status, or null when the status is an intermediate step members are not told about. */
export function claimStatusMail(facts: ClaimMailFacts): OutgoingMail | null {
  const link = `${facts.origin}/espace/remboursements/${facts.claimNumber}`;
  const who = facts.beneficiaryFirstName;
  const n = facts.claimNumber;
  let subject: string;
  let body: string;
  switch (facts.status) {
    case "SUBMITTED":
      subject = `Demande de remboursement ${n} reçue`;
      body = `Nous avons bien reçu votre demande de remboursement n° ${n} pour ${who}. Nous vous écrirons dès qu’elle sera traitée.`;
      break;
    case "CHECKED":
      return null;
    case "REVIEW":
      subject = `Demande de remboursement ${n} : examen par un gestionnaire`;
      body =
        `Votre demande de remboursement n° ${n} pour ${who} est examinée par un gestionnaire, ${REVIEW_DELAY_LABEL}. ` +
        "Vous n’avez rien à faire : nous vous écrirons dès qu’elle sera traitée.";
      break;
    case "VALUATED":
      subject = `Demande de remboursement ${n} acceptée`;
      body =
        facts.amcCents > 0
          ? `Votre demande de remboursement n° ${n} pour ${who} est acceptée : Bascule vous rembourse ${formatEuros(facts.amcCents)}, versés sur votre compte bancaire habituel sous 48 heures.`
          : `Votre demande de remboursement n° ${n} pour ${who} a été traitée : ces soins ne donnent pas lieu à un remboursement de Bascule. Le détail du calcul est dans votre espace.`;
      break;
    case "PAID":
      subject = `Remboursement ${n} versé`;
      body = `Le remboursement de ${formatEuros(facts.amcCents)} pour votre demande n° ${n} (${who}) vient d’être viré sur votre compte bancaire. Il apparaîtra sur votre relevé sous 1 à 2 jours ouvrés.`;
      break;
    case "REJECTED":
      subject = `Demande de remboursement ${n} refusée`;
      body = `Votre demande de remboursement n° ${n} pour ${who} n’a pas pu être acceptée.${facts.reason ? ` Motif : ${facts.reason}` : ""}`;
      break;
    case "RETURNED":
      subject = `Demande de remboursement ${n} : un justificatif manque`;
      body = `Pour traiter votre demande de remboursement n° ${n} pour ${who}, il nous manque un justificatif.${facts.reason ? ` ${facts.reason}` : ""} Vous pouvez l’envoyer depuis votre espace adhérent.`;
      break;
  }
  const text =
    `Bonjour,\n\n${body}\n\nLe détail de votre demande : ${link}\n\n` +
    `Une question ? Appelez-nous au ${INSURER.phone} (${INSURER.phoneHours}).\n` +
    "Bascule ne vous demandera jamais vos coordonnées bancaires ni votre mot de passe par e-mail.\n\n" +
    `${INSURER.tagline}`;
  return { to: facts.to, subject, text, template: `claims.${facts.status.toLowerCase()}` };
}
