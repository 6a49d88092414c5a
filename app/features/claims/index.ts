/*
 * Public entry of the claims feature for other features (client-safe): the engine's vocabulary and
 * what a filed document looks like. Server-only use-cases are in ./index.server.ts.
 */
export type { InspectedDocument } from "./member/documents";
export type { CareCategory, ClaimLineInput } from "./engine/types";
