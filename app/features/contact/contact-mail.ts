import { INSURER } from "~/ui/insurer";
import { CATEGORY_LABELS, type ContactCategory } from "./schemas";

/**
 * The acknowledgement of a contact message. It carries the reference and the subject category
 * and nothing the sender typed: anyone can enter any address in the form, so an acknowledgement
 * that echoed the message would let the form relay arbitrary text to arbitrary people.
 */
export function acknowledgementMail(input: { reference: string; category: ContactCategory }): { subject: string; text: string } {
  return {
    subject: `Nous avons bien reçu votre message (référence ${input.reference})`,
    text: [
      "Bonjour,",
      "",
      `Nous avons bien reçu votre message sur le sujet « ${CATEGORY_LABELS[input.category]} ».`,
      `Sa référence est ${input.reference} : rappelez-la si vous nous recontactez à ce sujet.`,
      "Un conseiller vous répondra à cette adresse e-mail.",
      "",
      "Par sécurité, nous ne reprenons jamais le contenu de votre message dans nos e-mails.",
      "Si vous n’êtes pas à l’origine de ce message, ignorez cet e-mail : il n’a créé aucun compte et n’a rien modifié vous concernant.",
      "",
      `Pour toute question urgente : ${INSURER.phone} (${INSURER.phoneHours}).`,
      "",
      INSURER.tagline,
    ].join("\n"),
  };
}

/** References are read out on the phone: no 0/O, 1/I. 32 symbols, so one byte maps without bias. */
const REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const REFERENCE_FORMAT = /^MSG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

/** MSG-XXXX-XXXX from 8 random bytes (40 bits of entropy). */
export function formatReference(random: Uint8Array): string {
  if (random.length < 8) throw new RangeError("formatReference needs 8 random bytes");
  const chars = Array.from(random.subarray(0, 8), (b) => REFERENCE_ALPHABET[b & 31]).join("");
  return `MSG-${chars.slice(0, 4)}-${chars.slice(4)}`;
}
