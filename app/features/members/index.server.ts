/*
 * Public entry of the members feature for other features' server code: writing the formulas
 * catalogue into the database (idempotent).
 */
export { ensureCatalogue } from "./reference-data.server";
