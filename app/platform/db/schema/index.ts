/*
 * The data model of the whole portal, one module per part (`~/platform/db/schema` resolves here).
 * `core` holds formulas, contracts and people; the other parts reference it, never the reverse.
 * Value lists and JSON shapes shared with features live in leaf modules (`guarantee-values`,
 * `claim-values`) that import nothing from features. drizzle.config.ts reads this file.
 */

export * from "./core";
export * from "./accounts";
export * from "./operations";
export * from "./switchboard";
export * from "./claims";
export * from "./email-intake";
export * from "./quotes";
export * from "./subscriptions";
export * from "./contact";
export * from "./guarantee-values";
export type * from "./claim-values";
