/** E-mail addresses are compared, and blind-indexed, lower-cased and trimmed (ADR 019). */
export { normalizeEmail } from "~/platform/crypto/personal-data.server";
