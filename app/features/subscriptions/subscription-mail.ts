import type { OutgoingMail } from "~/platform/mail/outbox.server";
import { INSURER } from "~/ui/insurer";
import { frenchDate } from "~/platform/time/civil-date";

/*
 * The e-mails of the online subscription, as plain text. Pure: the caller passes every value.
 * They never carry a NIR, an IBAN or anything the prospect typed besides their first name.
 */

const SIGN_OFF = `\n\n${INSURER.tagline}\n${INSURER.phone} (${INSURER.phoneHours})`;

export function signatureCodeMail(input: { to: string; firstName: string; code: string; validMinutes: number }): OutgoingMail {
  return {
    to: input.to,
    template: "subscription.signature-code",
    subject: `Votre code de signature Bascule : ${input.code}`,
    text:
      `Bonjour ${input.firstName},\n\nVoici le code qui confirme la signature de votre demande d’adhésion : ${input.code}\n\n` +
      `Il est valable ${input.validMinutes} minutes. Ne le communiquez à personne : nos conseillers ne vous le demanderont jamais.\n` +
      `Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne sera signé.${SIGN_OFF}`,
  };
}

export function requestReceivedMail(input: {
  to: string;
  firstName: string;
  contractNumber: string;
  memberNumber: string;
  mandateReference: string;
  startDate: string;
}): OutgoingMail {
  return {
    to: input.to,
    template: "subscription.received",
    subject: "Nous avons bien reçu votre demande d’adhésion",
    text:
      `Bonjour ${input.firstName},\n\nVotre demande d’adhésion est signée et nous l’avons bien reçue. Nos conseillers l’examinent, en général sous 2 jours ouvrés ; vous recevrez alors un e-mail pour activer votre espace adhérent.\n\n` +
      `Numéro de contrat : ${input.contractNumber}\nNuméro d’adhérent : ${input.memberNumber}\nDate d’effet demandée : ${frenchDate(input.startDate)}\nRéférence unique du mandat de prélèvement SEPA : ${input.mandateReference}\n\n` +
      `Vous disposez d’un délai de 14 jours pour renoncer à votre adhésion, sans motif ni pénalité, en écrivant à ${INSURER.email} ou à ${INSURER.postalAddress}.${SIGN_OFF}`,
  };
}

export function subscriptionValidatedMail(input: {
  to: string;
  firstName: string;
  contractNumber: string;
  memberNumber: string;
  activationUrl: string;
  startDate: string;
}): OutgoingMail {
  return {
    to: input.to,
    template: "subscription.validated",
    subject: "Bienvenue chez Bascule : activez votre espace adhérent",
    text:
      `Bonjour ${input.firstName},\n\nBonne nouvelle : votre adhésion est validée. Votre contrat ${input.contractNumber} prend effet le ${frenchDate(input.startDate)}.\n` +
      `Votre numéro d’adhérent : ${input.memberNumber}\n\n` +
      `Pour activer votre espace adhérent, choisissez votre mot de passe en suivant ce lien (valable 24 heures, utilisable une seule fois) :\n${input.activationUrl}\n\n` +
      `Passé ce délai, demandez un nouveau lien sur la page « Activer mon espace adhérent » avec votre numéro d’adhérent et votre date de naissance.${SIGN_OFF}`,
  };
}

export function subscriptionRefusedMail(input: { to: string; firstName: string; reason: string }): OutgoingMail {
  return {
    to: input.to,
    template: "subscription.refused",
    subject: "Votre demande d’adhésion Bascule",
    text:
      `Bonjour ${input.firstName},\n\nNous ne pouvons pas donner suite à votre demande d’adhésion, pour la raison suivante :\n\n${input.reason}\n\n` +
      `Aucune cotisation ne sera prélevée et le mandat de prélèvement est annulé. Nos conseillers restent à votre disposition pour en parler.${SIGN_OFF}`,
  };
}
