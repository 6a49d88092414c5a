/**
 * Prints the current TOTP code of the staff demo accounts (their secret is public demo data),
 * so the demo can be tried without an authenticator app.
 */
import { DEMO_TOTP_SECRET } from "~/features/demo/demo-accounts";
import { TOTP_PERIOD_SECONDS, totpAt, totpKeyFromBase32 } from "~/platform/auth/totp";

const now = new Date();
const remaining = TOTP_PERIOD_SECONDS - (Math.floor(now.getTime() / 1000) % TOTP_PERIOD_SECONDS);
console.log(`Code TOTP des comptes de démonstration : ${totpAt(totpKeyFromBase32(DEMO_TOTP_SECRET), now)} (encore ${remaining} s)`);
