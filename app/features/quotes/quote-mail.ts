import type { OutgoingMail } from "~/platform/mail/outbox.server";
import type { SavedQuote } from "./saved-quote";
import { ROLE_LABELS } from "./format";
import { formatEuros } from "~/platform/format/euros";
import { formatCivilDate } from "~/platform/time/civil-date";
import { formatParisDate } from "~/platform/time/paris";

/*
 * The e-mail sent on request when a quote is saved. It carries the quote and nothing else: no
 * birth date (ages only), no address beyond the postcode, no link that opens the quote without
 * the e-mail address (the reference alone never gives access).
 */
export function quoteMail(quote: SavedQuote, origin: string): Omit<OutgoingMail, "to"> {
  const people = quote.chosen.persons
    .map((p) => `- ${ROLE_LABELS[p.role]}, ${p.age} ans : ${p.free ? "gratuit (à partir du 3e enfant)" : `${formatEuros(p.monthlyCents)} par mois`}`)
    .join("\n");
  const comparison = quote.formulas
    .map((f) => `- ${f.code} ${f.name} : ${formatEuros(f.monthlyCents)} par mois, soit ${formatEuros(f.yearlyCents)} par an`)
    .join("\n");
  const text = [
    "Bonjour,",
    "",
    `Voici votre devis de complémentaire santé Bascule, référence ${quote.reference}.`,
    `Il est valable jusqu’au ${formatParisDate(quote.expiresAt)}, pour une couverture à partir du ${formatCivilDate(quote.startDate)} (code postal ${quote.postcode}).`,
    "",
    `Formule choisie : ${quote.chosen.code} ${quote.chosen.name}, ${formatEuros(quote.chosen.monthlyCents)} par mois.`,
    people,
    "",
    "Les quatre formules pour votre famille :",
    comparison,
    "",
    `Pour le revoir, le télécharger en PDF ou adhérer en ligne : ${origin}/devis/retrouver`,
    "Munissez-vous de la référence du devis et de cette adresse e-mail.",
    "",
    "Contrat responsable, sans questionnaire de santé. Vous disposez d’un délai de rétractation de 14 jours après une adhésion à distance.",
    "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.",
    "",
    "Bascule, votre mutuelle santé",
  ].join("\n");
  return { template: "quotes.saved", subject: `Votre devis Bascule ${quote.reference}`, text };
}
