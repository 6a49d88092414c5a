import { z } from "zod";
import { isValidMemberNumber, normalizeMemberNumber } from "~/platform/identifiers/identifiers";
import { safeText } from "~/platform/validation/safe-text";

/* The contact form's rules, shared by the browser (instant feedback) and the server (the authority). */

export const CONTACT_CATEGORIES = [
  "MEMBERSHIP_QUOTE",
  "REIMBURSEMENT",
  "CONTRIBUTIONS",
  "MEMBER_SPACE",
  "PERSONAL_DATA",
  "COMPLAINT",
  "OTHER",
] as const;
export type ContactCategory = (typeof CONTACT_CATEGORIES)[number];

export const CATEGORY_LABELS: Readonly<Record<ContactCategory, string>> = {
  MEMBERSHIP_QUOTE: "Adhésion ou devis",
  REIMBURSEMENT: "Remboursement",
  CONTRIBUTIONS: "Cotisations",
  MEMBER_SPACE: "Espace adhérent",
  PERSONAL_DATA: "Données personnelles (RGPD)",
  COMPLAINT: "Réclamation",
  OTHER: "Autre question",
};

export const CONTACT_STATUSES = ["NEW", "IN_PROGRESS", "ANSWERED", "CLOSED"] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<ContactStatus, string>> = {
  NEW: "Nouveau",
  IN_PROGRESS: "En cours",
  ANSWERED: "Répondu",
  CLOSED: "Clos",
};

export const MESSAGE_MIN_LENGTH = 20;
export const MESSAGE_MAX_LENGTH = 3000;
/** The encoded proof of work is a few hundred characters; anything much longer is not ours. */
const POW_FIELD_MAX_LENGTH = 2000;
export const POW_FIELD = "altcha";

/** Line endings as the server stores them: \n only; Unicode in its composed form. */
export function normalizeMessage(raw: string): string {
  return raw.replace(/\r\n?/g, "\n").normalize("NFC").trim();
}

/** Length as a person counts it: code points, not UTF-16 units (an emoji is one character). */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

const message = safeText({ error: "Écrivez votre message." })
  .transform(normalizeMessage)
  .pipe(
    safeText()
      .min(1, "Écrivez votre message.")
      .refine((v) => characterCount(v) >= MESSAGE_MIN_LENGTH, `Votre message doit compter au moins ${MESSAGE_MIN_LENGTH} caractères, pour que nous puissions vous répondre utilement.`)
      .refine((v) => characterCount(v) <= MESSAGE_MAX_LENGTH, `Votre message doit compter au plus ${MESSAGE_MAX_LENGTH} caractères. Pour une demande plus longue, écrivez-nous par courrier.`),
  );

const email = safeText({ error: "Saisissez votre adresse e-mail." })
  .trim()
  .min(1, "Saisissez votre adresse e-mail.")
  .max(254, "Cette adresse e-mail est trop longue.")
  .pipe(z.email({ error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." }))
  .transform((v) => v.toLowerCase());

const memberNumber = safeText()
  .max(40, "Le numéro d’adhérent comporte 9 caractères, par exemple A00000018.")
  .optional()
  .transform((v) => (v ? normalizeMemberNumber(v) : undefined))
  .refine((v) => v === undefined || v === "" || isValidMemberNumber(v), "Ce numéro d’adhérent n’est pas valide : il commence par A et compte 9 caractères, comme sur votre carte de tiers payant.")
  .transform((v) => (v ? v : undefined));

export const contactSchema = z.object({
  category: z.enum(CONTACT_CATEGORIES, { error: "Choisissez le sujet de votre message." }),
  message,
  email,
  memberNumber,
  [POW_FIELD]: safeText().max(POW_FIELD_MAX_LENGTH, "La vérification anti-robot est illisible : rechargez la page.").optional(),
});

export const changeStatusSchema = z.object({
  status: z.enum(CONTACT_STATUSES, { error: "Choisissez un statut." }),
});
