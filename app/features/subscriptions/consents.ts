import { INSURER } from "~/ui/insurer";

/*
 * The documents a prospect must read and accept before signing. Each has a version: the version
 * accepted is recorded with the time of acceptance, so that the insurer can show which text a
 * member agreed to. Changing a text means giving it a new version.
 */

export type ConsentKey = "conditions" | "privacy" | "withdrawal";

export type ConsentDocument = {
  key: ConsentKey;
  version: string;
  title: string;
  checkboxLabel: string;
  paragraphs: readonly string[];
};

export const CONSENT_DOCUMENTS: readonly ConsentDocument[] = [
  {
    key: "conditions",
    version: "cg-2026-01",
    title: "Conditions générales (extrait)",
    checkboxLabel: "J’ai lu et j’accepte les conditions générales et le tableau des garanties de la formule choisie.",
    paragraphs: [
      "Le contrat est un contrat santé individuel « responsable » : il ne rembourse ni la participation forfaitaire ni les franchises médicales, et il respecte les planchers et plafonds de prise en charge fixés par le Code de la sécurité sociale.",
      "Les garanties prennent effet à la date d’effet indiquée, après validation de la demande par nos services ; aucune question de santé n’est posée et le tarif ne dépend ni de l’état de santé ni du sexe.",
      "Les cotisations sont payables chaque mois d’avance par prélèvement. Le contrat est conclu pour un an et se renouvelle chaque 1er janvier ; il peut être résilié à tout moment après un an d’adhésion.",
    ],
  },
  {
    key: "privacy",
    version: "rgpd-2026-01",
    title: "Information sur vos données personnelles",
    checkboxLabel: "J’ai lu l’information sur le traitement de mes données personnelles.",
    paragraphs: [
      `${INSURER.legalName} traite vos données pour étudier votre demande, gérer votre contrat et vos remboursements, et respecter ses obligations légales. Le numéro de sécurité sociale est utilisé uniquement pour les échanges avec l’Assurance Maladie.`,
      "Vos numéros de sécurité sociale et votre IBAN sont chiffrés dès leur saisie. Les données sont conservées pendant la durée du contrat puis pendant les délais de prescription ; une demande non aboutie est effacée au bout de 30 jours.",
      `Vous pouvez accéder à vos données, les rectifier, les effacer ou vous opposer à leur traitement en écrivant à ${INSURER.email} ou à ${INSURER.postalAddress}, et saisir la CNIL (www.cnil.fr).`,
    ],
  },
  {
    key: "withdrawal",
    version: "retractation-2026-01",
    title: "Droit de rétractation (vente à distance)",
    checkboxLabel: "J’ai lu l’information sur mon droit de rétractation de 14 jours.",
    paragraphs: [
      "Vous adhérez à distance : vous disposez de 14 jours calendaires révolus pour renoncer à votre adhésion, sans avoir à donner de motif ni à payer de pénalité, à compter de la confirmation de votre adhésion.",
      `Pour renoncer, envoyez une lettre ou un e-mail à ${INSURER.postalAddress} ou ${INSURER.email} indiquant : « Je renonce à mon adhésion au contrat santé Bascule », avec vos nom, adresse et numéro d’adhérent. Les cotisations déjà versées vous sont remboursées dans les 30 jours, déduction faite de la part correspondant à la période couverte si vous avez demandé que le contrat commence avant la fin de ce délai.`,
    ],
  },
];
