/**
 * Scrubs values that look like sensitive identifiers out of free text before it is logged.
 * Field-name redaction (pino `redact`) catches known keys; this catches identifiers that slipped
 * into a message or an error string.
 */
const NIR = /\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b/gi;
const IBAN = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g;
const TOKEN_PARAM = /([?&](?:token|code|secret|password)=)[^&\s]+/gi;

export function scrubText(text: string): string {
  return text.replace(NIR, "[NIR]").replace(IBAN, "[IBAN]").replace(TOKEN_PARAM, "$1[REDACTED]");
}

/** Keys whose values are never logged, whatever their depth. */
export const SENSITIVE_KEYS = [
  "password",
  "newPassword",
  "passwordHash",
  "token",
  "secret",
  "totp",
  "code",
  "nir",
  "iban",
  "idNumber",
  "cookie",
  "authorization",
  "set-cookie",
];
