import { DEMO_KARIM, DEMO_MARIE, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET } from "../../../app/features/demo/demo-accounts";
import type { Role } from "../../../app/platform/auth/permissions";
import { totpAt, totpKeyFromBase32 } from "../../../app/platform/auth/totp";

/*
 * The people the suite acts as. Adding a role is one line here (and, for a staff role, its demo
 * account in the seed): every suite then runs every route as that role too.
 */
/** `marker`: a text only this actor's own pages show (a member number), to recognise leaks. */
export type Actor = { name: string; role: Role | null; email?: string; totp?: boolean; marker?: string };

export const ACTORS: readonly Actor[] = [
  { name: "anonymous", role: null },
  { name: "member", role: "MEMBER", email: DEMO_MARIE.email, marker: DEMO_MARIE.memberNumber },
  { name: "other member", role: "MEMBER", email: DEMO_KARIM.email, marker: DEMO_KARIM.memberNumber },
  { name: "claims handler", role: "CLAIMS_HANDLER", email: staffEmail("CLAIMS_HANDLER"), totp: true },
  { name: "admin", role: "ADMIN", email: staffEmail("ADMIN"), totp: true },
];

function staffEmail(role: Role): string {
  const account = DEMO_STAFF.find((s) => s.role === role);
  if (!account) throw new Error(`No demo staff account with role ${role}`);
  return account.email;
}

/** A session as a Cookie header (empty for anonymous). */
export type Session = { actor: string; cookie: string };

export type Probe = {
  method: string;
  path: string;
  cookie?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
};

/**
 * One request, redirects not followed. Same-origin browser headers by default on unsafe methods,
 * as a form post from the portal's own pages would send.
 */
export async function send(baseUrl: string, probe: Probe): Promise<Response> {
  const headers: Record<string, string> = { "user-agent": "bascule-security-suite" };
  if (probe.cookie) headers.cookie = probe.cookie;
  if (!["GET", "HEAD"].includes(probe.method)) {
    headers.origin = baseUrl;
    headers["sec-fetch-site"] = "same-origin";
  }
  Object.assign(headers, probe.headers ?? {});
  for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
  return fetch(`${baseUrl}${probe.path}`, { method: probe.method, headers, body: probe.body, redirect: "manual" });
}

function cookieFrom(response: Response): string | undefined {
  const set = response.headers.getSetCookie().find((c) => /bascule_session=[^;]+/.test(c) && !/bascule_session=;/.test(c));
  return set?.split(";")[0];
}

/** Signs the actor in through `/connexion` (and the TOTP step for staff); returns its cookie. */
export async function signIn(baseUrl: string, actor: Actor): Promise<Session> {
  if (!actor.email) return { actor: actor.name, cookie: "" };
  const login = await send(baseUrl, {
    method: "POST",
    path: "/connexion",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: actor.email, password: DEMO_PASSWORD, redirectTo: "" }).toString(),
  });
  let cookie = cookieFrom(login);
  if (!cookie) throw new Error(`Could not sign in as ${actor.name} (${actor.email}): HTTP ${login.status}`);
  if (actor.totp) {
    const code = totpAt(totpKeyFromBase32(DEMO_TOTP_SECRET), new Date());
    const verify = await send(baseUrl, {
      method: "POST",
      path: "/connexion/verification",
      cookie,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ code, redirectTo: "" }).toString(),
    });
    cookie = cookieFrom(verify) ?? cookie;
    if (verify.status !== 302 || !/\/admin/.test(verify.headers.get("location") ?? "")) {
      throw new Error(`TOTP step refused for ${actor.name}: HTTP ${verify.status} → ${verify.headers.get("location")}`);
    }
  }
  const check = await send(baseUrl, { method: "GET", path: actor.role === "MEMBER" ? "/espace" : "/admin", cookie });
  if (check.status !== 200) throw new Error(`${actor.name} is not signed in after login: HTTP ${check.status}`);
  return { actor: actor.name, cookie };
}
