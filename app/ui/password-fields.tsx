import type { FieldMetadata } from "@conform-to/react";
import { PASSWORD_MIN_LENGTH } from "~/platform/auth/password-rules";
import { TextField } from "./form";

/** New password + confirmation, with the rule stated up front (no composition rules). */
export function NewPasswordFields({
  password,
  confirmation,
}: {
  password: FieldMetadata<string>;
  confirmation: FieldMetadata<string>;
}) {
  return (
    <>
      <TextField
        meta={password}
        label="Nouveau mot de passe"
        type="password"
        autoComplete="new-password"
        hint={`Au moins ${PASSWORD_MIN_LENGTH} caractères. Une phrase de plusieurs mots est à la fois facile à retenir et difficile à deviner. Les mots de passe trop courants sont refusés.`}
      />
      <TextField meta={confirmation} label="Confirmez le mot de passe" type="password" autoComplete="new-password" />
    </>
  );
}
