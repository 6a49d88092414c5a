import { z } from "zod";
import { safeText } from "~/platform/validation/safe-text";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/platform/auth/password-rules";

/* Form schemas shared by the browser (instant feedback) and the server (the authority). */

const email = safeText({ error: "Saisissez votre adresse e-mail." })
  .trim()
  .min(1, "Saisissez votre adresse e-mail.")
  .max(254, "Cette adresse e-mail est trop longue.")
  .pipe(z.email({ error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." }));

export const loginSchema = z.object({
  email,
  password: safeText({ error: "Saisissez votre mot de passe." })
    .min(1, "Saisissez votre mot de passe.")
    .max(PASSWORD_MAX_LENGTH, "Mot de passe trop long."),
  redirectTo: safeText().max(512).optional(),
});

export const totpSchema = z.object({
  code: safeText({ error: "Saisissez le code à 6 chiffres." })
    .trim()
    .regex(/^\d{3}\s?\d{3}$/, "Le code comporte 6 chiffres, par exemple 123456."),
  redirectTo: safeText().max(512).optional(),
});

export const activationRequestSchema = z.object({
  memberNumber: safeText({ error: "Saisissez votre numéro d’adhérent." })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{6,12}$/, "Le numéro d’adhérent figure sur votre carte de tiers payant, par exemple A12345678."),
  birthDate: z.iso.date({ error: "Saisissez votre date de naissance (jj/mm/aaaa)." }),
});

export const passwordRequestSchema = z.object({ email });

export const newPasswordSchema = z
  .object({
    password: safeText({ error: "Choisissez un mot de passe." })
      .min(PASSWORD_MIN_LENGTH, `Choisissez un mot de passe d’au moins ${PASSWORD_MIN_LENGTH} caractères.`)
      .max(PASSWORD_MAX_LENGTH, `Choisissez un mot de passe de ${PASSWORD_MAX_LENGTH} caractères au plus.`),
    confirmation: safeText({ error: "Confirmez le mot de passe." }),
  })
  .refine((v) => v.password === v.confirmation, {
    path: ["confirmation"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

export const changePasswordSchema = z
  .object({
    currentPassword: safeText({ error: "Saisissez votre mot de passe actuel." }).min(1, "Saisissez votre mot de passe actuel.").max(PASSWORD_MAX_LENGTH),
    password: safeText({ error: "Choisissez un mot de passe." })
      .min(PASSWORD_MIN_LENGTH, `Choisissez un mot de passe d’au moins ${PASSWORD_MIN_LENGTH} caractères.`)
      .max(PASSWORD_MAX_LENGTH, `Choisissez un mot de passe de ${PASSWORD_MAX_LENGTH} caractères au plus.`),
    confirmation: safeText({ error: "Confirmez le mot de passe." }),
  })
  .refine((v) => v.password === v.confirmation, {
    path: ["confirmation"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

export const enableTotpSchema = z.object({
  sealed: safeText({ error: "La clé a expiré : rechargez la page." }).min(20).max(500),
  code: totpSchema.shape.code,
});

export const disableTotpSchema = z.object({
  currentPassword: safeText({ error: "Saisissez votre mot de passe actuel." }).min(1, "Saisissez votre mot de passe actuel.").max(PASSWORD_MAX_LENGTH),
});
