// Over 400 lines: the form schemas of every subscription step, shared by browser and server, with the NIR, IBAN and date rules they share.
import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import { departementOfPostcode } from "~/features/quotes";
import {
  IBAN_LENGTHS,
  isValidNir,
  isValidIban,
  normalizeIban,
  normalizeNir,
  nirKey,
} from "~/platform/identifiers/identifiers";
import { addDays, addMonths } from "~/platform/time/civil-date";

/*
 * Form schemas of the online subscription, shared by the browser (instant feedback) and the
 * server (the authority). Messages are French and say what to fix; none of them repeats a NIR or
 * an IBAN (error messages end up in logs and screenshots).
 */

// ---------------------------------------------------------------------------------------------
// Identifiers: a precise reason for each way a NIR or an IBAN can be wrong

/** Why a NIR cannot be accepted for someone born on `birthDate` (YYYY-MM-DD), or null. */
export function nirProblem(
  input: string,
  birthDate: string | null,
): string | null {
  const nir = normalizeNir(input);
  if (nir.length === 0)
    return "Saisissez le numéro de sécurité sociale (15 caractères, sur la carte Vitale).";
  if (nir.length !== 15) {
    return `Le numéro de sécurité sociale compte 15 caractères (13 chiffres et une clé de 2 chiffres) ; vous en avez saisi ${nir.length}.`;
  }
  if (!/^\d{5}(?:\d{2}|2[AB])\d{8}$/.test(nir)) {
    return "Le numéro ne contient que des chiffres, sauf 2A ou 2B (naissance en Corse) en 6e et 7e position.";
  }
  if (nir[0] !== "1" && nir[0] !== "2")
    return "Le numéro de sécurité sociale commence par 1 ou 2.";
  const month = Number(nir.slice(3, 5));
  if (birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    if (nir.slice(1, 3) !== birthDate.slice(2, 4)) {
      return `Les 2e et 3e chiffres du numéro (année de naissance) ne correspondent pas à la date de naissance indiquée (${birthDate.slice(0, 4)}).`;
    }
    // 20–42 and 50+ stand for an unknown birth month: nothing to compare then.
    if (month >= 1 && month <= 12 && month !== Number(birthDate.slice(5, 7))) {
      return "Les 4e et 5e chiffres du numéro (mois de naissance) ne correspondent pas à la date de naissance indiquée.";
    }
  }
  if (nirKey(nir.slice(0, 13)) !== nir.slice(13)) {
    return "La clé (les 2 derniers chiffres) ne correspond pas au reste du numéro : une faute de frappe s’est glissée, vérifiez chaque chiffre sur votre carte Vitale.";
  }
  if (!isValidNir(nir))
    return "Ce numéro de sécurité sociale n’existe pas (mois, département ou commune impossible) : vérifiez-le sur votre carte Vitale.";
  return null;
}

/** Why an IBAN cannot be accepted, or null. */
export function ibanProblem(input: string): string | null {
  const iban = normalizeIban(input);
  if (iban.length === 0)
    return "Saisissez l’IBAN du compte à prélever (il figure sur votre RIB).";
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return "Un IBAN commence par 2 lettres (le pays, FR en France) et 2 chiffres, suivis de lettres et de chiffres uniquement.";
  }
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected === undefined)
    return "Ce compte n’est pas dans la zone SEPA : nous ne pouvons prélever qu’un compte d’un pays SEPA.";
  if (iban.length !== expected) {
    return iban.startsWith("FR")
      ? `Un IBAN français compte 27 caractères ; vous en avez saisi ${iban.length}.`
      : `Un IBAN de ce pays compte ${expected} caractères ; vous en avez saisi ${iban.length}.`;
  }
  if (!isValidIban(iban)) {
    return "La clé de contrôle de cet IBAN ne correspond pas : une faute de frappe s’est glissée, comparez chaque caractère avec votre RIB.";
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const NAME = /^[\p{L}][\p{L}\p{M}' ’.-]*$/u;

const name = (what: string) =>
  safeText({ error: `Saisissez le ${what}.` })
    .trim()
    .min(1, `Saisissez le ${what}.`)
    .max(60, `Le ${what} ne peut pas dépasser 60 caractères.`)
    .regex(
      NAME,
      `Le ${what} ne peut contenir que des lettres, des espaces, des traits d’union et des apostrophes.`,
    );

const email = safeText({ error: "Saisissez votre adresse e-mail." })
  .trim()
  .min(1, "Saisissez votre adresse e-mail.")
  .max(254, "Cette adresse e-mail est trop longue.")
  .pipe(
    z.email({
      error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
    }),
  );

const accepted = (message: string) => z.literal("on", { error: message });

const isoDate = (message: string) => z.iso.date({ error: message });

// ---------------------------------------------------------------------------------------------
// Step 1: the saved quote

export const QUOTE_REFERENCE = /^[A-Z0-9-]{4,32}$/;

export const quoteLookupSchema = z.object({
  reference: safeText({ error: "Saisissez la référence de votre devis." })
    .trim()
    .toUpperCase()
    .min(1, "Saisissez la référence de votre devis.")
    .regex(
      QUOTE_REFERENCE,
      "La référence figure en haut de votre devis, par exemple DV-7KQ2-M9XH.",
    ),
  email,
});

export const formulaChoiceSchema = (codes: readonly string[]) =>
  z.object({
    formulaCode: z.enum(codes as [string, ...string[]], {
      error: "Choisissez une formule.",
    }),
  });

// ---------------------------------------------------------------------------------------------
// Step 2: the people to cover

export type QuotePersonForForm = {
  role: "MEMBER" | "SPOUSE" | "CHILD";
  birthDate: string;
};

/** Form of the identity step for the people of the quote (their roles and birth dates). */
export function personsSchema(
  quotePersons: readonly QuotePersonForForm[],
  savedNirHints: readonly (string | null)[] = [],
) {
  const adults = quotePersons.flatMap((p, i) =>
    p.role === "CHILD" ? [] : [String(i)],
  );
  const person = z.object({
    civility: z
      .enum(["Mme", "M."], { error: "Choisissez la civilité." })
      .optional(),
    firstName: name("prénom"),
    lastName: name("nom"),
    birthDate: isoDate("Saisissez la date de naissance (jj/mm/aaaa)."),
    nirMode: z
      .enum(["own", "parent"], {
        error: "Indiquez sur quel numéro cet enfant est couvert.",
      })
      .optional(),
    nir: safeText()
      .max(40, "Le numéro de sécurité sociale compte 15 caractères.")
      .optional(),
    coveredBy: safeText().max(3).optional(),
  });
  return z
    .object({
      persons: z
        .array(person)
        .length(
          quotePersons.length,
          "Le nombre de personnes ne correspond pas au devis.",
        ),
    })
    .superRefine((value, ctx) => {
      const seen = new Map<string, number>();
      value.persons.forEach((p, i) => {
        const expected = quotePersons[i]!;
        const path = (field: string) => ["persons", i, field];
        if (expected.role !== "CHILD" && !p.civility)
          ctx.addIssue({
            code: "custom",
            path: path("civility"),
            message: "Choisissez la civilité.",
          });
        if (p.birthDate.slice(0, 4) !== expected.birthDate.slice(0, 4)) {
          ctx.addIssue({
            code: "custom",
            path: path("birthDate"),
            message: `Le devis a été établi pour une personne née en ${expected.birthDate.slice(0, 4)} : le tarif dépend de l’année de naissance. Si elle est fausse, faites un nouveau devis.`,
          });
          return;
        }
        const onParent = expected.role === "CHILD" && p.nirMode === "parent";
        if (expected.role === "CHILD" && !p.nirMode) {
          ctx.addIssue({
            code: "custom",
            path: path("nirMode"),
            message: "Indiquez sur quel numéro cet enfant est couvert.",
          });
          return;
        }
        if (onParent) {
          if (!p.coveredBy || !adults.includes(p.coveredBy)) {
            ctx.addIssue({
              code: "custom",
              path: path("coveredBy"),
              message:
                "Choisissez le parent sur le numéro duquel l’enfant est couvert.",
            });
          }
          return;
        }
        const savedHint = savedNirHints[i];
        if (!p.nir?.trim() && savedHint) {
          // Left empty: the number saved earlier is kept, if it still fits the birth date.
          const month = Number(savedHint.slice(3, 5));
          if (
            savedHint.slice(1, 3) !== p.birthDate.slice(2, 4) ||
            (month >= 1 &&
              month <= 12 &&
              month !== Number(p.birthDate.slice(5, 7)))
          ) {
            ctx.addIssue({
              code: "custom",
              path: path("nir"),
              message:
                "Le numéro enregistré ne correspond plus à la date de naissance : saisissez-le de nouveau.",
            });
          }
          return;
        }
        const problem = nirProblem(p.nir ?? "", p.birthDate);
        if (problem) {
          ctx.addIssue({ code: "custom", path: path("nir"), message: problem });
          return;
        }
        const nir = normalizeNir(p.nir ?? "");
        const other = seen.get(nir);
        if (other !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: path("nir"),
            message: `Ce numéro est déjà celui de la personne ${other + 1} : chaque personne a le sien.`,
          });
        } else seen.set(nir, i);
      });
    });
}

// ---------------------------------------------------------------------------------------------
// Step 3: address and contact

const FRENCH_PHONE = /^(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}$/;

export function addressSchema(quoteDepartement: string) {
  return z
    .object({
      addressLine: safeText({ error: "Saisissez le numéro et la voie." })
        .trim()
        .min(3, "Saisissez le numéro et la voie, par exemple 12 rue des Lilas.")
        .max(120, "L’adresse ne peut pas dépasser 120 caractères.")
        .regex(
          /^[\p{L}\p{M}\p{N} ,'’./°-]+$/u,
          "L’adresse ne peut contenir que des lettres, des chiffres, des espaces et , ' . / - °.",
        ),
      addressLine2: safeText()
        .trim()
        .max(
          120,
          "Le complément d’adresse ne peut pas dépasser 120 caractères.",
        )
        .regex(
          /^[\p{L}\p{M}\p{N} ,'’./°-]*$/u,
          "Le complément ne peut contenir que des lettres, des chiffres, des espaces et , ' . / - °.",
        )
        .optional(),
      postcode: safeText({ error: "Saisissez le code postal." })
        .trim()
        .regex(
          /^\d{5}$/,
          "Le code postal compte 5 chiffres, par exemple 83000.",
        ),
      city: safeText({ error: "Saisissez la commune." })
        .trim()
        .min(1, "Saisissez la commune.")
        .max(80, "Le nom de la commune ne peut pas dépasser 80 caractères.")
        .regex(
          NAME,
          "Le nom de la commune ne peut contenir que des lettres, des espaces, des traits d’union et des apostrophes.",
        ),
      email,
      phone: safeText({ error: "Saisissez un numéro de téléphone." })
        .trim()
        .regex(
          FRENCH_PHONE,
          "Saisissez un numéro français à 10 chiffres, par exemple 06 12 34 56 78.",
        ),
    })
    .superRefine((value, ctx) => {
      if (departementOfPostcode(value.postcode) !== quoteDepartement) {
        ctx.addIssue({
          code: "custom",
          path: ["postcode"],
          message: `Votre devis a été établi pour le département ${quoteDepartement}, dont dépend le tarif. Pour une adresse dans un autre département, faites un nouveau devis.`,
        });
      }
    });
}

// ---------------------------------------------------------------------------------------------
// Step 4: bank account and SEPA mandate

/** With `hasSavedIban`, an empty IBAN field keeps the account saved earlier. */
export const bankSchema = (hasSavedIban = false) =>
  z
    .object({
      iban: safeText()
        .max(60, "Un IBAN compte au plus 34 caractères.")
        .default(""),
      bic: safeText()
        .trim()
        .toUpperCase()
        .regex(
          /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/,
          "Le BIC compte 8 ou 11 caractères, par exemple BNPAFRPP.",
        )
        .optional(),
      accountHolder: name("nom du titulaire du compte"),
      mandate: accepted(
        "Pour payer par prélèvement, acceptez le mandat de prélèvement SEPA.",
      ),
    })
    .superRefine((value, ctx) => {
      if (hasSavedIban && value.iban.trim() === "") return;
      const problem = ibanProblem(value.iban);
      if (problem)
        ctx.addIssue({ code: "custom", path: ["iban"], message: problem });
    });

// ---------------------------------------------------------------------------------------------
// Step 5: start date, documents and consents

const START_DATE_MAX_MONTHS = 6;

/** Earliest and latest start dates for a subscription made on `today` (Paris civil date). */
export function startDateBounds(today: string): { min: string; max: string } {
  return {
    min: addDays(today, 1),
    max: addMonths(today, START_DATE_MAX_MONTHS),
  };
}

export function documentsSchema(today: string, quoteStartYear: string) {
  const { min, max } = startDateBounds(today);
  return z
    .object({
      startDate: isoDate("Saisissez la date d’effet souhaitée (jj/mm/aaaa)."),
      conditions: accepted("Confirmez avoir lu les conditions générales."),
      privacy: accepted(
        "Confirmez avoir lu l’information sur vos données personnelles.",
      ),
      withdrawal: accepted(
        "Confirmez avoir lu l’information sur votre droit de rétractation.",
      ),
    })
    .superRefine((value, ctx) => {
      if (value.startDate < min)
        ctx.addIssue({
          code: "custom",
          path: ["startDate"],
          message: "La date d’effet est au plus tôt demain.",
        });
      else if (value.startDate > max) {
        ctx.addIssue({
          code: "custom",
          path: ["startDate"],
          message: `La date d’effet est au plus tard dans ${START_DATE_MAX_MONTHS} mois.`,
        });
      } else if (value.startDate.slice(0, 4) !== quoteStartYear) {
        ctx.addIssue({
          code: "custom",
          path: ["startDate"],
          message: `Le tarif de votre devis vaut pour une adhésion en ${quoteStartYear} : choisissez une date de cette année-là, ou faites un nouveau devis.`,
        });
      }
    });
}

// ---------------------------------------------------------------------------------------------
// Step 6: the e-signature

export const signatureSchema = z.object({
  intent: z.enum(["sign", "resend"]).default("sign"),
  code: safeText()
    .trim()
    .regex(
      /^\d{3}\s?\d{3}$/,
      "Le code comporte 6 chiffres, par exemple 123456.",
    )
    .optional(),
});

export const refusalSchema = z.object({
  intent: z.literal("refuse"),
  reason: safeText({
      error: "Indiquez le motif du refus : il est communiqué au demandeur.",
    })
    .trim()
    .min(
      5,
      "Indiquez le motif du refus (au moins 5 caractères) : il est communiqué au demandeur.",
    )
    .max(1000, "Le motif ne peut pas dépasser 1 000 caractères."),
});
