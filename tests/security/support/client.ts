import http from "node:http";
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

export const PROBE_TIMEOUT_MS = 20_000;

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
  // A probe the server leaves unanswered is a finding, not a reason to wait for ever.
  return fetch(`${baseUrl}${probe.path}`, { method: probe.method, headers, body: probe.body, redirect: "manual", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
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

export type RawAnswer = { status: number; contentType: string; body: string } | { closed: string };

/**
 * Posts raw bytes over a fresh connection, writing them in chunks only while no answer has come:
 * a server that answers early (a 413 on an announced length) and stops reading is not waited for,
 * as it would be by fetch. A connection closed without an answer is reported as such; no answer
 * within the probe timeout is an error.
 */
export function postBytes(baseUrl: string, path: string, cookie: string, contentType: string, body: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      "content-type": contentType,
      "content-length": body.length,
      origin: baseUrl,
      "sec-fetch-site": "same-origin",
      "user-agent": "bascule-security-suite",
    };
    if (cookie) headers.cookie = cookie;
    const request = http.request(new URL(path, baseUrl), { method: "POST", headers, agent: false });
    let answered = false;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`))), PROBE_TIMEOUT_MS);
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        if (size < 4 * 1024 * 1024) chunks.push(chunk);
        size += chunk.length;
      });
      const done = () => settle(() => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
      response.on("end", done);
      response.on("error", done);
    });
    request.on("error", (error) => {
      if (!answered) settle(() => resolve({ closed: (error as NodeJS.ErrnoException).code ?? error.message }));
    });
    let offset = 0;
    const pump = () => {
      while (!answered && !settled && offset < body.length) {
        const end = Math.min(offset + 64 * 1024, body.length);
        const ok = request.write(body.subarray(offset, end));
        offset = end;
        if (!ok) return void request.once("drain", pump);
      }
      if (!answered && !settled) request.end();
    };
    pump();
  });
}
