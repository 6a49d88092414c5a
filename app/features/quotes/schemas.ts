import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import { NEEDS } from "./needs";
import { departementOfPostcode } from "./zones";
import { addDays, addMonths, frenchDate } from "~/platform/time/civil-date";

/* Form schemas of the quote pages, shared by the browser (instant feedback) and the server. */

/** Unambiguous alphabet for references: no 0/O, no 1/I. */
export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const REFERENCE_PATTERN = /^DV-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}$/;
export const MAX_CHILDREN = 8;
/** How far ahead a cover may start. */
export const MAX_START_MONTHS = 6;
const FORMULA_CODES = ["F1", "F2", "F3", "F4"] as const;

function birthDate(today: string, missing: string) {
  return z
    .iso.date({ error: missing })
    .refine((v) => v <= today, "La date de naissance ne peut pas être dans le futur.")
    .refine((v) => v >= "1900-01-01", "Vérifiez l’année de naissance.");
}

const email = safeText({ error: "Saisissez votre adresse e-mail." })
  .trim()
  .min(1, "Saisissez votre adresse e-mail.")
  .max(254, "Cette adresse e-mail est trop longue.")
  .pipe(z.email({ error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." }));

/**
 * Building a Zod schema costs far more than using it (milliseconds against microseconds), and these
 * depend only on the day: keep the latest one per factory.
 */
function perDay<T>(build: (today: string) => T): (today: string) => T {
  let last: { today: string; schema: T } | undefined;
  return (today) => {
    if (last?.today !== today) last = { today, schema: build(today) };
    return last.schema;
  };
}

/** The family and its needs. `today` is the Paris civil date of the request. */
export const quoteSchema = perDay(function quoteSchema(today: string) {
  const firstStart = addDays(today, 1);
  const lastStart = addMonths(today, MAX_START_MONTHS);
  return z.object({
    postcode: safeText({ error: "Saisissez votre code postal." })
      .trim()
      .regex(/^\d{5}$/, "Le code postal comporte 5 chiffres, par exemple 83000.")
      .refine(
        (v) => departementOfPostcode(v) !== null,
        "Nous ne proposons pas de devis en ligne pour ce code postal : appelez-nous, nous vous répondrons.",
      ),
    startDate: z
      .iso.date({ error: "Saisissez la date de début souhaitée (jj/mm/aaaa)." })
      .refine((v) => v >= firstStart, `La couverture peut commencer au plus tôt le ${frenchDate(firstStart)}.`)
      .refine((v) => v <= lastStart, `La couverture peut commencer au plus tard le ${frenchDate(lastStart)}.`),
    memberBirthDate: birthDate(today, "Saisissez votre date de naissance (jj/mm/aaaa)."),
    spouseBirthDate: birthDate(today, "Saisissez la date de naissance du conjoint (jj/mm/aaaa).").optional(),
    children: z
      .array(z.object({ birthDate: birthDate(today, "Saisissez la date de naissance de l’enfant (jj/mm/aaaa).") }))
      .max(MAX_CHILDREN, `Pour plus de ${MAX_CHILDREN} enfants, appelez-nous.`)
      .default([]),
    priorities: z.array(z.enum(NEEDS, { error: "Choix inconnu." })).max(NEEDS.length).default([]),
  });
});

export type QuoteForm = z.infer<ReturnType<typeof quoteSchema>>;

export const saveQuoteSchema = perDay((today: string) =>
  quoteSchema(today).extend({
    formula: z.enum(FORMULA_CODES, { error: "Choisissez une formule." }),
    email,
    sendByEmail: z.boolean().default(false),
  }),
);

export type SaveQuoteForm = z.infer<ReturnType<typeof saveQuoteSchema>>;

export const reopenQuoteSchema = z.object({
  reference: safeText({ error: "Saisissez la référence du devis." })
    .transform((v) => v.replace(/\s+/g, "").toUpperCase())
    .pipe(safeText().regex(REFERENCE_PATTERN, "La référence figure sur votre devis, par exemple DV-7KQ2-M9XH.")),
  email,
});
