import { timingSafeEqual } from "node:crypto";
import { config } from "~/platform/config/env.server";
import { blindIndex } from "~/platform/crypto/keyring.server";

/*
 * Access to a saved quote needs its reference AND the e-mail it was saved with: references are
 * short and could be guessed. Having proved both (when saving, or at /devis/retrouver), the browser
 * gets a short-lived cookie signed with the blind-index key, bound to that one reference, so the
 * quote page, its PDF and the subscription can be opened without typing the e-mail again.
 */

const QUOTE_ACCESS_SECONDS = 2 * 60 * 60;

function cookieName(reference: string): string {
  const name = `bascule_devis_${reference.replace(/-/g, "")}`;
  return config().secureCookies ? `__Host-${name}` : name;
}

function mac(reference: string, expires: number): string {
  return blindIndex("quotes.access-cookie", `${reference}.${expires}`);
}

export function quoteAccessCookie(reference: string, now = new Date()): string {
  const expires = Math.floor(now.getTime() / 1000) + QUOTE_ACCESS_SECONDS;
  const secure = config().secureCookies ? "; Secure" : "";
  return `${cookieName(reference)}=${expires}.${mac(reference, expires)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${QUOTE_ACCESS_SECONDS}${secure}`;
}

/** True when the request carries a valid, unexpired access cookie for this reference. */
export function hasQuoteAccess(request: Request, reference: string, now = new Date()): boolean {
  const header = request.headers.get("cookie");
  if (!header) return false;
  const name = cookieName(reference);
  for (const part of header.split(";")) {
    const [k, ...rest] = part.trim().split("=");
    if (k !== name) continue;
    const [expiresText, signature] = rest.join("=").split(".");
    const expires = Number(expiresText);
    if (!Number.isInteger(expires) || !signature || expires * 1000 <= now.getTime()) return false;
    const expected = Buffer.from(mac(reference, expires));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
  return false;
}
