import { renderShutterPage, retryAfterSeconds, type ShutterContent, shutterProblem } from "./shutter";
import type { Audience, ServiceState } from "./types";
import { documentUrl, type RequestKind } from "~/platform/http/request-kind";

/*
 * The pure half of enforcement (the Express middleware is `enforce.server.ts`): whom a request
 * comes from as far as the cookies tell without a database, and the response that refuses it
 * (shaped by the request's kind, `~/platform/http/request-kind`).
 */

export const ROLLOUT_COOKIE = "bascule_rollout";
/** Where members are sent when online claims work by e-mail (owned by the member space). */
export const CLAIMS_BY_EMAIL_PATH = "/espace/remboursements/envoi-par-courriel";

/** Anonymous visitors of a service whose decision does not depend on who is asking. */
export const ANONYMOUS: Audience = Object.freeze({ subjectId: null, isTester: false });

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** 16 random bytes in base64url: anything else in the rollout cookie is ignored. */
const ROLLOUT_ID = /^[A-Za-z0-9_-]{22}$/;

export function validRolloutId(value: string | null): string | null {
  return value && ROLLOUT_ID.test(value) ? value : null;
}

export function serializeRolloutCookie(value: string, secure: boolean): string {
  return `${ROLLOUT_COOKIE}=${value}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}

/**
 * Only a service being re-tested (open to testers) or reopening (open to a share of people)
 * decides differently for different people; in every other state, everyone gets the same answer
 * and the request is decided without knowing who sends it.
 */
export function dependsOnAudience(state: ServiceState): boolean {
  return state === "RETESTING" || state === "REOPENING";
}

export type Refusal = { status: number; headers: Record<string, string>; body: string | null };

type RefusalInput = {
  kind: RequestKind;
  path: string;
  search: string;
  content: ShutterContent;
  /** The request carries a session cookie (a member, to be confirmed by the page itself). */
  hasSession: boolean;
  stylesheetHref: string | null;
};

/**
 * The response refusing a request to a service that is not open for its sender, but for
 * `Retry-After` (see `withRetryAfter`): for a given service status, decision and request kind it
 * is always the same, so enforcement can keep it. A single-fetch request cannot be answered with
 * a 503 page (the client would render an error boundary): it is told, in React Router's own
 * redirect protocol (204 + `X-Remix-Redirect`, `X-Remix-Reload-Document`), to load the same URL
 * as a document, which then gets the shutter.
 */
export function prepareRefusal(input: RefusalInput): Refusal {
  const { kind, content } = input;
  // A member (session cookie) facing online claims that work by e-mail gets the instructions page.
  const toEmailPage = content.worksByEmail && input.hasSession;
  if (kind === "data") {
    const headers: Record<string, string> = toEmailPage
      ? { "X-Remix-Redirect": CLAIMS_BY_EMAIL_PATH, "X-Remix-Status": "303" }
      : { "X-Remix-Redirect": documentUrl(input.path, input.search), "X-Remix-Status": "302", "X-Remix-Reload-Document": "true" };
    return { status: 204, headers: { ...headers, "Cache-Control": "no-store" }, body: null };
  }
  if (kind === "document" && toEmailPage) {
    return { status: 303, headers: { Location: CLAIMS_BY_EMAIL_PATH, "Cache-Control": "no-store" }, body: null };
  }
  if (kind === "document") {
    return {
      status: 503,
      headers: { "Cache-Control": "no-store", "Content-Type": "text/html; charset=utf-8" },
      body: renderShutterPage(content, { stylesheetHref: input.stylesheetHref }),
    };
  }
  return {
    status: 503,
    headers: { "Cache-Control": "no-store", "Content-Type": "application/problem+json; charset=utf-8" },
    body: JSON.stringify(shutterProblem(content)),
  };
}

/** Adds `Retry-After` to a 503 when the service's return time is known. */
export function withRetryAfter(prepared: Refusal, expectedReturnAt: string | null, nowMs: number): Refusal {
  const seconds = prepared.status === 503 ? retryAfterSeconds(expectedReturnAt, nowMs) : null;
  return seconds === null ? prepared : { ...prepared, headers: { ...prepared.headers, "Retry-After": String(seconds) } };
}
