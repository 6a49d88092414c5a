/*
 * Public entry of the quotes feature for other features' server code: the published tariff
 * written into the database (idempotent), and a saved quote as the subscription starts from it.
 */
export { getQuoteForSubscription } from "./create-quote.server";
export { ensureTariff } from "./ensure-tariff.server";
