/**
 * The insurer's contact details, written once: pages, the static shutter, e-mails and PDF
 * documents all read them from here.
 */
export const INSURER = {
  name: "Bascule",
  legalName: "Bascule, mutuelle santé",
  tagline: "Bascule, votre mutuelle santé",
  legalMention:
    "Bascule, mutuelle régie par le livre II du Code de la mutualité, immatriculée au répertoire SIRENE sous le numéro 732 829 320.",
  phone: "04 94 00 00 00",
  phoneHref: "tel:+33494000000",
  phoneHours: "du lundi au vendredi, 8 h 30 – 18 h, appel non surtaxé",
  email: "contact@bascule.example",
  postalAddress: "Bascule, 12 avenue de la République, 83000 Toulon",
  agencyHours: "du lundi au vendredi, 9 h – 17 h",
} as const;
