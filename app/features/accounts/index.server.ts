/*
 * Public entry of the accounts feature for other features' server code: the single-use tokens
 * that e-mailed links carry (only their hash is stored).
 */
export { TOKEN_LIFETIME_MS, hashToken, newToken } from "./tokens.server";
