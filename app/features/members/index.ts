/*
 * Public entry of the members feature for other features (client-safe): the formulas catalogue
 * (guarantees per care category, regulatory parameters) that claims value against and the seed
 * subscribes to. Server-only pieces are in ./index.server.ts.
 */
export {
  FORMULAS,
  type FormulaCode,
  type GuaranteeBasis,
  type GuaranteeCategory,
  REGULATORY_PARAMETERS,
} from "./formulas-catalogue";
