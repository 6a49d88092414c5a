/*
 * Public entry of the quotes feature for other features (client-safe): which département a
 * postcode belongs to. Server-only pieces are in ./index.server.ts.
 */
export { departementOfPostcode } from "./zones";
