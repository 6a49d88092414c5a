import { SERVICE_KEYS, type ServiceDefinition, type ServiceKey } from "./types";
import { INSURER } from "~/ui/insurer";

/*
 * The eight online services the switchboard can close, as data: the URL paths each one owns,
 * what it needs, what people can do instead, and what must be checked by hand before it reopens.
 * `app/routes/route-ownership.test.ts` fails when a route of `app/routes.ts` is neither owned here nor
 * listed in `ALWAYS_ON_PATHS`.
 */

const PHONE = `par téléphone au ${INSURER.phone}, du lundi au vendredi de 8 h 30 à 18 h`;
const POST = `par courrier à ${INSURER.postalAddress}`;
const EMAIL = `par courriel à ${INSURER.email}`;

const AUDIT_CHECK = "Journal d’audit vérifié (npm run audit:verify)";
const SECURITY_FIX_CHECK = "Correctif de sécurité déployé et vérifié";
const HOSTILE_INPUT_CHECK = "Formulaire testé avec des saisies malveillantes (script, texte très long, caractères de contrôle)";
const BOT_PROTECTION_CHECK = "Protections contre les robots vérifiées (champ piège, limitation du nombre d’envois)";

const pathAndBelow = (path: string) => [{ path }, { path: `${path}/*` }] as const;

export const SERVICE_CATALOGUE: Readonly<Record<ServiceKey, ServiceDefinition>> = {
  "devis-en-ligne": {
    key: "devis-en-ligne",
    label: "Devis en ligne",
    description: "Obtenir en quelques minutes un devis de complémentaire santé, sans engagement.",
    routes: pathAndBelow("/devis"),
    dependsOn: [],
    hasFallback: false,
    alternativeChannel: `Vous pouvez demander un devis ${PHONE}, ou ${EMAIL}.`,
    dataNotice:
      "Ce que vous venez d’envoyer n’a pas été enregistré : les formulaires envoyés pendant la fermeture ne sont pas traités. Les devis enregistrés avant la fermeture sont conservés et restent valables 30 jours ; vous pourrez les retrouver avec leur référence et votre adresse e-mail à la réouverture.",
    failSafe: "fail-closed",
    checklist: [
      "Tarif en vigueur vérifié sur trois profils de référence (personne seule, couple, famille)",
      HOSTILE_INPUT_CHECK,
      BOT_PROTECTION_CHECK,
      SECURITY_FIX_CHECK,
    ],
  },
  "adhesion-en-ligne": {
    key: "adhesion-en-ligne",
    label: "Adhésion en ligne",
    description: "Adhérer en ligne à une formule de complémentaire santé à partir d’un devis.",
    routes: pathAndBelow("/adhesion"),
    dependsOn: ["devis-en-ligne"],
    hasFallback: false,
    alternativeChannel: `Vous pouvez adhérer ${PHONE}, avec votre devis si vous en avez un, ou ${POST}.`,
    dataNotice:
      "Ce que vous venez d’envoyer n’a pas été enregistré et aucune adhésion n’a été souscrite : vous n’êtes engagé à rien et aucun prélèvement ne sera effectué. Les étapes que vous aviez déjà validées sont conservées : à la réouverture, vous reprendrez votre adhésion là où vous l’aviez laissée.",
    failSafe: "fail-closed",
    checklist: [
      "Parcours d’adhésion testé jusqu’à la signature avec un compte de test",
      "Mandat de prélèvement SEPA généré et vérifié",
      "Courriel de confirmation d’adhésion reçu et relu",
      HOSTILE_INPUT_CHECK,
      AUDIT_CHECK,
    ],
  },
  "espace-adherent": {
    key: "espace-adherent",
    label: "Espace adhérent",
    description: "Consulter son contrat, ses remboursements et ses documents, et gérer son compte en ligne.",
    routes: [...pathAndBelow("/espace"), { path: "/espace/remboursements/envoi-par-courriel" }],
    dependsOn: [],
    hasFallback: false,
    alternativeChannel: `Nos conseillers répondent à vos questions ${PHONE}. Vous pouvez aussi nous écrire ${EMAIL} ou ${POST}.`,
    dataNotice:
      "Aucune modification n’a été enregistrée : ce que vous avez saisi pendant la fermeture n’a pas été transmis. Les informations enregistrées auparavant sont conservées.",
    failSafe: "last-known",
    checklist: [
      SECURITY_FIX_CHECK,
      "Sessions ouvertes avant l’incident révoquées",
      "Connexion avec double authentification testée sur un compte de test",
      AUDIT_CHECK,
    ],
  },
  "remboursements-en-ligne": {
    key: "remboursements-en-ligne",
    label: "Remboursements en ligne",
    description: "Envoyer une demande de remboursement et ses justificatifs, et suivre son traitement.",
    routes: pathAndBelow("/espace/remboursements"),
    dependsOn: ["espace-adherent"],
    hasFallback: true,
    alternativeChannel: `Envoyez votre demande de remboursement et vos justificatifs par courriel à l’adresse de notre service remboursements indiquée sur cette page, ou ${POST}.`,
    dataNotice:
      "Aucune demande de remboursement n’a été enregistrée pendant la fermeture : si vous veniez d’envoyer un formulaire, il n’a pas été reçu. Les demandes envoyées auparavant sont conservées.",
    failSafe: "last-known",
    checklist: [
      "Demande de remboursement de test envoyée et retrouvée dans le back-office",
      "Demandes reçues par courriel pendant la fermeture toutes enregistrées",
      "Envoi de justificatifs testé (types et tailles de fichiers interdits refusés)",
      AUDIT_CHECK,
    ],
  },
  "coordonnees-bancaires": {
    key: "coordonnees-bancaires",
    label: "Modification des coordonnées bancaires",
    description: "Changer en ligne le compte sur lequel sont versés vos remboursements.",
    routes: pathAndBelow("/espace/compte/coordonnees-bancaires"),
    dependsOn: ["espace-adherent"],
    hasFallback: false,
    alternativeChannel: `Envoyez un RIB à votre nom avec une demande signée ${POST}. Nous ne vous demanderons jamais vos coordonnées bancaires par courriel ni par téléphone.`,
    dataNotice:
      "Vos coordonnées bancaires n’ont pas été modifiées : ce que vous avez saisi n’a pas été enregistré. Vos remboursements restent versés sur le compte déjà enregistré.",
    failSafe: "fail-closed",
    checklist: [
      "Changements de coordonnées bancaires faits pendant l’incident contrôlés un par un",
      "Double authentification et courriel d’alerte vérifiés à chaque changement",
      "IBAN chiffré en base et masqué à l’écran comme dans les journaux",
      SECURITY_FIX_CHECK,
      AUDIT_CHECK,
    ],
  },
  documents: {
    key: "documents",
    label: "Documents en ligne",
    description: "Télécharger ses attestations, relevés de remboursement et carte de tiers payant.",
    routes: pathAndBelow("/espace/documents"),
    dependsOn: ["espace-adherent"],
    hasFallback: false,
    alternativeChannel: `Demandez l’envoi d’un document ${PHONE}, ou ${EMAIL} : nous vous l’enverrons par courrier.`,
    dataNotice:
      "Vos documents sont conservés : seul leur téléchargement en ligne est suspendu, et rien de ce que vous avez saisi n’a été enregistré.",
    failSafe: "last-known",
    checklist: [
      "Intégrité des documents stockés vérifiée (empreintes)",
      "Accès limité aux seuls documents de l’adhérent connecté, testé avec deux comptes",
      "Téléchargement testé sur une attestation et un relevé de remboursement",
    ],
  },
  "formulaire-contact": {
    key: "formulaire-contact",
    label: "Formulaire de contact",
    description: "Nous écrire en ligne pour une question ou une réclamation.",
    routes: pathAndBelow("/contact"),
    dependsOn: [],
    hasFallback: false,
    alternativeChannel: `Vous pouvez nous joindre ${PHONE}, nous écrire ${EMAIL} ou ${POST}.`,
    dataNotice:
      "Votre message n’a été ni envoyé ni enregistré. Revenez à la page précédente pour le copier, puis transmettez-le-nous par un autre moyen.",
    failSafe: "fail-closed",
    checklist: [
      HOSTILE_INPUT_CHECK,
      BOT_PROTECTION_CHECK,
      "Message de test reçu dans la bonne boîte de réception",
    ],
  },
  "activation-compte": {
    key: "activation-compte",
    label: "Activation de l’espace adhérent",
    description: "Créer l’accès en ligne à son espace adhérent avec son numéro d’adhérent.",
    routes: pathAndBelow("/activation"),
    dependsOn: [],
    hasFallback: false,
    alternativeChannel: `Nos conseillers peuvent vous aider ${PHONE}. Vous pouvez aussi nous écrire ${EMAIL}.`,
    dataNotice:
      "Votre espace n’a pas été activé et aucun mot de passe n’a été enregistré. Si le lien reçu par courriel a expiré entre-temps, vous pourrez en demander un nouveau à la réouverture.",
    failSafe: "fail-closed",
    checklist: [
      "Liens d’activation envoyés pendant l’incident vérifiés ou invalidés",
      "Activation testée de bout en bout avec un compte de test",
      "Règles de mot de passe vérifiées (12 caractères minimum, mots de passe courants refusés)",
      SECURITY_FIX_CHECK,
    ],
  },
};

/**
 * Paths that no service owns and that are never switched off: what people need to learn that
 * something is closed (home, status page), to sign in and out, the back office that reopens
 * services, the operations endpoints, and the 404 page (`*`).
 */
export const ALWAYS_ON_PATHS: readonly string[] = [
  "/",
  "/statut",
  "/statut.atom",
  "/connexion",
  "/connexion/*",
  "/deconnexion",
  "/mot-de-passe-oublie",
  "/mot-de-passe-oublie/*",
  "/admin",
  "/admin/*",
  "/healthz",
  "/readyz",
  "/metrics",
  "/api/ofrep/*",
  "*",
];

const DIRECT_DEPENDENTS: ReadonlyMap<ServiceKey, readonly ServiceKey[]> = new Map(
  SERVICE_KEYS.map((key) => [key, SERVICE_KEYS.filter((other) => SERVICE_CATALOGUE[other].dependsOn.includes(key))]),
);

/** Every service that must close when `key` closes (transitively), in catalogue order, without `key`. */
export function dependentsOf(key: ServiceKey): ServiceKey[] {
  return servicesToClose([key]).filter((other) => other !== key);
}

/** `keys` and everything that depends on them, transitively, once each, in catalogue order. */
export function servicesToClose(keys: readonly ServiceKey[]): ServiceKey[] {
  const closing = new Set<ServiceKey>();
  const pending = [...keys];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    if (closing.has(key)) continue;
    closing.add(key);
    pending.push(...(DIRECT_DEPENDENTS.get(key) ?? []));
  }
  return SERVICE_KEYS.filter((key) => closing.has(key));
}
