/*
 * Public entry of the accounts feature for other features (client-safe): how e-mail addresses are
 * compared. Server-only pieces are in ./index.server.ts.
 */
export { normalizeEmail } from "./email";
