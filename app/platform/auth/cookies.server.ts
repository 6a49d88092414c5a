import { redirect } from "react-router";
import { serializeClearedSessionCookie, serializeSessionCookie } from "./session.server";

/** Redirect that also sets the session cookie (after login, TOTP, activation). */
export function redirectWithSession(to: string, token: string, expiresAt: Date): Response {
  return redirect(to, { headers: { "Set-Cookie": serializeSessionCookie(token, expiresAt) } });
}

export function redirectClearingSession(to: string): Response {
  return redirect(to, { headers: { "Set-Cookie": serializeClearedSessionCookie() } });
}
