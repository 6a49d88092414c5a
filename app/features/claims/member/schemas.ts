import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import type { CareCategory, ClaimLineInput } from "../engine/types";

/*
 * The online claim form, shared by the browser (instant feedback) and the server (the authority).
 * Every field arrives as text; amounts are French-style euros ("1 234,56") turned into cents here.
 * Category-specific fields are validated only for their category: without JavaScript the form
 * shows every category's fields, and what was typed in another category's block is ignored.
 */

export const MAX_AMOUNT_CENTS = 10_000_000; // 100 000 €: above that, a typing error or worse
const MIN_CARE_DATE = "1900-01-01";

export const CARE_CATEGORY_LABELS: Record<CareCategory, string> = {
  GP: "Consultation chez un médecin généraliste",
  SPECIALIST: "Consultation chez un médecin spécialiste",
  PHARMACY: "Pharmacie (médicaments)",
  DENTAL_CARE: "Soins dentaires",
  DENTAL_PROSTHESIS: "Prothèse dentaire (couronne, bridge…)",
  OPTICS: "Lunettes (verres et monture)",
  HEARING_AID: "Aide auditive",
  HOSPITAL: "Hospitalisation",
  ALTERNATIVE_MEDICINE: "Médecine douce (ostéopathie, chiropraxie, acupuncture)",
  OTHER: "Autres soins",
};

/** Categories where the doctor's OPTAM membership changes the cover. */
export const OPTAM_CATEGORIES: readonly CareCategory[] = ["GP", "SPECIALIST", "HOSPITAL"];

const CATEGORY_VALUES = Object.keys(CARE_CATEGORY_LABELS) as [CareCategory, ...CareCategory[]];

/** "1 234,56", "1234.5", "30" → cents; null when it is not an amount with at most 2 decimals. */
export function parseEuros(input: string): number | null {
  const compact = input.replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(compact)) return null;
  const [units, decimals = ""] = compact.replace("-", "").split(".");
  if (decimals.length > 2) return null;
  const cents = Number(units) * 100 + Number(decimals.padEnd(2, "0"));
  return compact.startsWith("-") ? -cents : cents;
}

type Ctx = z.RefinementCtx;

/** Validates an amount field; returns cents or undefined (an issue was added). */
function amount(ctx: Ctx, path: string, raw: string | undefined, what: string, options: { required: boolean; allowZero?: boolean }): number | undefined {
  if (raw === undefined || raw.trim() === "") {
    if (options.required) ctx.addIssue({ code: "custom", path: [path], message: `Indiquez ${what}.` });
    return undefined;
  }
  const compact = raw.replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
  if (/^-?\d+\.\d{3,}$/.test(compact)) {
    ctx.addIssue({ code: "custom", path: [path], message: `${capitalise(what)} : 2 chiffres après la virgule au plus (par exemple 30,50).` });
    return undefined;
  }
  const cents = parseEuros(raw);
  if (cents === null) {
    ctx.addIssue({ code: "custom", path: [path], message: `${capitalise(what)} : saisissez un montant en euros, par exemple 30,50.` });
    return undefined;
  }
  if (cents < 0) {
    ctx.addIssue({ code: "custom", path: [path], message: `${capitalise(what)} ne peut pas être négatif.` });
    return undefined;
  }
  if (cents === 0 && !options.allowZero) {
    ctx.addIssue({ code: "custom", path: [path], message: `${capitalise(what)} doit être supérieur à 0 €.` });
    return undefined;
  }
  if (cents > MAX_AMOUNT_CENTS) {
    ctx.addIssue({ code: "custom", path: [path], message: `${capitalise(what)} dépasse 100 000 € : vérifiez le montant saisi.` });
    return undefined;
  }
  return cents;
}

function integer(ctx: Ctx, path: string, raw: string | undefined, what: string, min: number, max: number, required: boolean): number | undefined {
  if (raw === undefined || raw.trim() === "") {
    if (required) ctx.addIssue({ code: "custom", path: [path], message: `Indiquez ${what}.` });
    return undefined;
  }
  const value = raw.trim();
  if (!/^\d{1,4}$/.test(value) || Number(value) < min || Number(value) > max) {
    ctx.addIssue({ code: "custom", path: [path], message: `${capitalise(what)} : un nombre entier entre ${min} et ${max}.` });
    return undefined;
  }
  return Number(value);
}

function choice<T extends string>(ctx: Ctx, path: string, raw: string | undefined, allowed: readonly T[], message: string): T | undefined {
  if (raw !== undefined && (allowed as readonly string[]).includes(raw)) return raw as T;
  ctx.addIssue({ code: "custom", path: [path], message });
  return undefined;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const field = safeText({ error: "Cette valeur n’est pas valide." }).optional();
const MAX_FIELD_LENGTH = 400;

/**
 * The fields as posted (Conform turns empty fields into undefined). Everything is checked in one
 * pass below, so that a member sees every mistake at once, not the first half of them.
 */
const rawClaimForm = z.object({
  beneficiaryId: field,
  category: field,
  careDate: field,
  providerName: field,
  providerOptam: field,
  realCost: field,
  secuCovered: field,
  secuBase: field,
  secuRate: field,
  secuPaid: field,
  invoiceNumber: field,
  pharmacyRate: field,
  dentalBasket: field,
  toothNumber: field,
  opticsClass: field,
  lensComplexity: field,
  frameCost: field,
  prescriptionChanged: field,
  hearingClass: field,
  ear: field,
  hospitalDays: field,
  privateRoomDays: field,
  psychiatry: field,
  sessions: field,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isIsoDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

export type RawClaimForm = z.infer<typeof rawClaimForm>;
export type ClaimForm = { beneficiaryId: string; invoiceNumber: string | null; line: ClaimLineInput };

/**
 * The claim form's schema for a given Paris civil date (`today`, YYYY-MM-DD): care cannot be in
 * the future. The output is the beneficiary, the invoice number and the engine's line.
 */
export function claimFormSchema(today: string) {
  return rawClaimForm.transform((v, ctx): ClaimForm => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    for (const [name, value] of Object.entries(v)) {
      if (value !== undefined && value.length > MAX_FIELD_LENGTH) issue(name, `Ce champ est trop long (${MAX_FIELD_LENGTH} caractères au plus).`);
    }
    const beneficiaryId = v.beneficiaryId ?? "";
    if (!UUID.test(beneficiaryId)) issue("beneficiaryId", "Choisissez la personne qui a reçu les soins.");
    const category = (CATEGORY_VALUES as readonly string[]).includes(v.category ?? "") ? (v.category as CareCategory) : undefined;
    if (!category) issue("category", "Choisissez le type de soins.");
    const careDate = v.careDate ?? "";
    if (!isIsoDate(careDate)) issue("careDate", "Saisissez la date des soins (jj/mm/aaaa).");
    else if (careDate > today) issue("careDate", "La date des soins ne peut pas être dans le futur.");
    else if (careDate < MIN_CARE_DATE) issue("careDate", "La date des soins ne peut pas être antérieure à 1900.");
    const providerName = (v.providerName ?? "").trim();
    if (providerName.length < 2) issue("providerName", "Indiquez le nom du professionnel ou de l’établissement.");
    else if (providerName.length > 120) issue("providerName", "Le nom du professionnel est trop long (120 caractères au plus).");
    const secuCovered = v.secuCovered === "oui" || v.secuCovered === "non" ? v.secuCovered : undefined;
    if (!secuCovered) issue("secuCovered", "Indiquez si la Sécurité sociale a remboursé ces soins.");
    const invoiceNumber = (v.invoiceNumber ?? "").trim();
    if (invoiceNumber.length > 40) issue("invoiceNumber", "Le numéro de facture est trop long (40 caractères au plus).");
    else if (!/^[\p{L}\p{N} ./_-]*$/u.test(invoiceNumber)) issue("invoiceNumber", "Le numéro de facture ne peut contenir que des lettres, des chiffres, des espaces et . / _ -.");
    const realCostCents = amount(ctx, "realCost", v.realCost, "le montant payé", { required: true });
    const line: ClaimLineInput = {
      category: category ?? "OTHER",
      careDate,
      realCostCents: realCostCents ?? 0,
      secu: { covered: false },
      providerName,
    };
    if (secuCovered === "oui") {
      const baseCents = amount(ctx, "secuBase", v.secuBase, "la base de remboursement", { required: true });
      const ratePct = integer(ctx, "secuRate", v.secuRate, "le taux de remboursement", 1, 100, true);
      const paidCents = amount(ctx, "secuPaid", v.secuPaid, "le montant payé par la Sécurité sociale", { required: true, allowZero: true });
      if (baseCents !== undefined && ratePct !== undefined && paidCents !== undefined) {
        if (paidCents > Math.round((baseCents * ratePct) / 100)) {
          ctx.addIssue({
            code: "custom",
            path: ["secuPaid"],
            message: "Le montant payé par la Sécurité sociale ne peut pas dépasser la base de remboursement multipliée par le taux : vérifiez votre décompte.",
          });
        } else if (realCostCents !== undefined && paidCents > realCostCents) {
          ctx.addIssue({ code: "custom", path: ["secuPaid"], message: "Le montant payé par la Sécurité sociale ne peut pas dépasser le montant que vous avez payé." });
        }
        line.secu = { covered: true, baseCents, ratePct, paidCents };
      }
    }
    if (category && OPTAM_CATEGORIES.includes(category)) {
      line.providerOptam = choice(ctx, "providerOptam", v.providerOptam, ["oui", "non"], "Indiquez si le médecin adhère à l’OPTAM (en cas de doute, répondez « non »).") === "oui";
    }
    switch (category) {
      case "PHARMACY": {
        const rate = choice(ctx, "pharmacyRate", v.pharmacyRate, ["100", "65", "30", "15"], "Choisissez le taux de remboursement des médicaments (indiqué sur le décompte).");
        if (rate) line.pharmacyRatePct = Number(rate) as 100 | 65 | 30 | 15;
        break;
      }
      case "DENTAL_CARE":
      case "DENTAL_PROSTHESIS": {
        if (category === "DENTAL_PROSTHESIS") {
          line.dentalBasket = choice(ctx, "dentalBasket", v.dentalBasket, ["100_SANTE", "MAITRISE", "LIBRE"], "Choisissez le panier de la prothèse (indiqué sur le devis du dentiste).");
        }
        const tooth = integer(ctx, "toothNumber", v.toothNumber, "le numéro de la dent", 11, 85, false);
        if (tooth !== undefined) line.toothNumber = tooth;
        break;
      }
      case "OPTICS": {
        const opticsClass = choice(ctx, "opticsClass", v.opticsClass, ["A", "B"], "Choisissez la classe de l’équipement (A : 100 % Santé, B : tarifs libres).");
        line.opticsClass = opticsClass;
        const complexity = integer(ctx, "lensComplexity", v.lensComplexity, "la complexité des verres", 1, 6, opticsClass === "B");
        if (complexity !== undefined) line.lensComplexity = complexity as 1 | 2 | 3 | 4 | 5 | 6;
        const frame = amount(ctx, "frameCost", v.frameCost, "le prix de la monture", { required: false, allowZero: true });
        if (frame !== undefined) {
          if (realCostCents !== undefined && frame > realCostCents) {
            ctx.addIssue({ code: "custom", path: ["frameCost"], message: "Le prix de la monture ne peut pas dépasser le montant total payé." });
          }
          line.frameCents = frame;
        }
        line.prescriptionChanged = v.prescriptionChanged === "oui";
        break;
      }
      case "HEARING_AID":
        line.hearingClass = choice(ctx, "hearingClass", v.hearingClass, ["I", "II"], "Choisissez la classe de l’aide auditive (I : 100 % Santé, II : tarifs libres).");
        line.ear = choice(ctx, "ear", v.ear, ["LEFT", "RIGHT"], "Indiquez l’oreille appareillée.");
        break;
      case "HOSPITAL": {
        const days = integer(ctx, "hospitalDays", v.hospitalDays, "le nombre de jours d’hospitalisation", 0, 365, true);
        const room = integer(ctx, "privateRoomDays", v.privateRoomDays, "le nombre de jours en chambre particulière", 0, 365, false);
        if (days !== undefined) line.hospitalDays = days;
        if (room !== undefined) {
          if (days !== undefined && room > days + 1) {
            ctx.addIssue({ code: "custom", path: ["privateRoomDays"], message: "Le nombre de jours en chambre particulière dépasse la durée du séjour." });
          }
          line.privateRoomDays = room;
        }
        line.psychiatry = v.psychiatry === "oui";
        break;
      }
      case "ALTERNATIVE_MEDICINE": {
        const sessions = integer(ctx, "sessions", v.sessions, "le nombre de séances", 1, 20, false);
        line.sessions = sessions ?? 1;
        break;
      }
      default:
        break;
    }
    return { beneficiaryId, invoiceNumber: invoiceNumber === "" ? null : invoiceNumber, line };
  });
}

export const idempotencyKeySchema = safeText().regex(/^[A-Za-z0-9_-]{16,64}$/);
