import { type AppLoadContext, data, redirect } from "react-router";
import { type Actor, appendAudit } from "../audit/audit.server";
import { blindIndex } from "../crypto/keyring.server";
import { db } from "../db/client.server";
import { can, isStaff, type Permission } from "./permissions";
import { readSessionToken, type ValidatedSession, validateSessionToken } from "./session.server";

/** What every loader and action receives; guards need the request and the load context. */
export type GuardArgs = { request: Request; context: AppLoadContext };

/*
 * One validation per request: React Router hands each loader its own Request object but the same
 * load context, so the memo is keyed on the context.
 */
const cache = new WeakMap<AppLoadContext, Promise<ValidatedSession | null>>();

/** Any session behind the cookie, including one still waiting for its TOTP step. */
export function getAnySession({ request, context }: GuardArgs): Promise<ValidatedSession | null> {
  let pending = cache.get(context);
  if (!pending) {
    const token = readSessionToken(request);
    pending = token ? validateSessionToken(token) : Promise.resolve(null);
    cache.set(context, pending);
  }
  return pending;
}

/** The signed-in user (login fully completed, TOTP included), or null. */
export async function getSignedIn(args: GuardArgs): Promise<ValidatedSession | null> {
  const found = await getAnySession(args);
  return found?.session.mfaVerified ? found : null;
}

/**
 * The actor of an audited action taken by a signed-in user: the user's id, and the display name
 * for people reading the log, timelines and notifications. Never an e-mail address (ADR 019).
 */
export function auditActorOf(user: { id: string; displayName: string }): Actor & { userId: string } {
  return { userId: user.id, label: user.displayName };
}

export function ipHashOf(context: AppLoadContext): string {
  return blindIndex("ip", context.clientIp);
}

function loginRedirect(request: Request): never {
  const url = new URL(request.url);
  const redirectTo = `${url.pathname}${url.search}`;
  throw redirect(`/connexion?redirectTo=${encodeURIComponent(redirectTo)}`);
}

async function deny(args: GuardArgs, signedIn: ValidatedSession, permission: string): Promise<never> {
  await appendAudit(db(), {
    actor: auditActorOf(signedIn.user),
    action: "auth.permission.denied",
    outcome: "denied",
    targetType: "route",
    targetId: new URL(args.request.url).pathname,
    ipHash: ipHashOf(args.context),
    details: { permission },
  });
  throw data({ message: "Vous n’avez pas accès à cette page." }, { status: 403 });
}

/** Throws a redirect to the login page when nobody is signed in. */
async function requireUser(args: GuardArgs): Promise<ValidatedSession> {
  const signedIn = await getSignedIn(args);
  if (!signedIn) loginRedirect(args.request);
  return signedIn;
}

/** Signed in and holding `permission`; otherwise redirect (anonymous) or 403 (audited). */
export async function requirePermission(args: GuardArgs, permission: Permission): Promise<ValidatedSession> {
  const signedIn = await requireUser(args);
  if (!can(signedIn.user.role, permission)) return deny(args, signedIn, permission);
  return signedIn;
}

/** A member with a linked person record (the member space). */
export async function requireMember(args: GuardArgs): Promise<ValidatedSession & { personId: string }> {
  const signedIn = await requirePermission(args, "member-space:use");
  if (!signedIn.user.personId) return deny(args, signedIn, "member-space:use");
  return { ...signedIn, personId: signedIn.user.personId };
}

/** Any staff member (claims handler or admin). */
export async function requireStaff(args: GuardArgs): Promise<ValidatedSession> {
  const signedIn = await requireUser(args);
  if (!isStaff(signedIn.user.role)) return deny(args, signedIn, "staff-space:use");
  return signedIn;
}
