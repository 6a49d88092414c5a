import { z } from "zod";

/*
 * Characters refused in every text field of every form: C0 controls other than tab, line feed and
 * carriage return (NUL among them, which PostgreSQL refuses in text), DEL, C1 controls, the
 * bidirectional marks, embeddings, overrides and isolates that make a text read differently on a
 * staff screen than what was stored ("Trojan Source"), and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const FORBIDDEN_TEXT_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

export const UNSAFE_TEXT_MESSAGE = "Ce champ contient des caractères invisibles ou de contrôle : retirez-les (copiez le texte depuis un éditeur simple).";

export function isSafeText(value: string): boolean {
  return !FORBIDDEN_TEXT_CHARACTERS.test(value);
}

/**
 * The string schema of every form field: `z.string(params)` that refuses control and
 * bidirectional characters with a French message, before any other check of the field.
 */
export function safeText(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(isSafeText, UNSAFE_TEXT_MESSAGE);
}
