import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import type { Probe, ProbeContext } from "~/features/switchboard";
import { HONEYPOT_FIELD } from "~/platform/http/honeypot";
import { encodePowPayload, powChallengeSchema, type PowChallenge } from "./proof-of-work";
import { POW_FIELD } from "./schemas";

/*
 * Re-test of `formulaire-contact` before it reopens. The probes run signed in as the allow-listed
 * tester (only testers get through while the service is RETESTING); signed-in members skip the
 * proof of work, but a proof that is sent is always checked, which is what the probes exercise:
 * a forged proof is refused, a solved one accepted once, its replay refused. The accepted probe
 * leaves one real message in the staff inbox, sent from the tester's account and saying it is a
 * re-test, so that staff see the form worked end to end (they close it); its acknowledgement goes
 * to Bascule's own re-test address.
 */

const RETEST_SENDER = "re-test@bascule.example";
const RETEST_MESSAGE =
  "Message automatique du re-test du formulaire de contact avant sa réouverture. Aucune réponse n’est nécessaire : vous pouvez le clore.";

const SENT_TEXT = "Votre message est bien enregistré";
const FORGED_TEXT = "La vérification anti-robot n’a pas abouti";
const REPLAY_TEXT = "Cette vérification anti-robot a déjà servi";

function get(ctx: ProbeContext, path: string, accept = "text/html"): Promise<Response> {
  return ctx.fetch(new URL(path, ctx.baseUrl), { redirect: "manual", headers: { Accept: accept, Cookie: ctx.cookie } });
}

function postContact(ctx: ProbeContext, pow: string): Promise<Response> {
  const body = new URLSearchParams({
    category: "OTHER",
    message: RETEST_MESSAGE,
    email: RETEST_SENDER,
    memberNumber: "",
    [POW_FIELD]: pow,
    [HONEYPOT_FIELD]: "",
  });
  return ctx.fetch(new URL("/contact", ctx.baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: {
      Accept: "text/html",
      Cookie: ctx.cookie,
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: new URL(ctx.baseUrl).origin,
    },
    body: body.toString(),
  });
}

function statusDetail(what: string, response: Response, expected: number): string {
  const base = `${what} a répondu ${response.status} (attendu : ${expected})`;
  if (response.status === 503) return `${base} : le service est fermé pour le compte de test, ou le rôle d’écriture de la base est inutilisable.`;
  if (response.status === 429) return `${base} : limite de fréquence atteinte, réessayez dans une heure.`;
  if (response.status >= 300 && response.status < 400) return `${base} : redirection vers ${response.headers.get("location") ?? "une autre page"}.`;
  return `${base}.`;
}

async function fetchChallenge(ctx: ProbeContext): Promise<PowChallenge | string> {
  const response = await get(ctx, "/contact/defi", "application/json");
  if (response.status !== 200) return statusDetail("GET /contact/defi", response, 200);
  const parsed = powChallengeSchema.safeParse(await response.json().catch(() => null));
  return parsed.success ? parsed.data : "GET /contact/defi a répondu 200 sans défi anti-robot valide.";
}

const formProbe: Probe = {
  name: "Formulaire de contact affiché avec tous ses champs",
  async run(ctx) {
    const response = await get(ctx, "/contact");
    const html = await response.text();
    if (response.status !== 200) return { passed: false, detail: statusDetail("GET /contact", response, 200) };
    const missing = ["category", "message", "email", "memberNumber", HONEYPOT_FIELD].filter((f) => !html.includes(`name="${f}"`));
    if (missing.length > 0) return { passed: false, detail: `GET /contact : 200, mais il manque les champs ${missing.join(", ")}.` };
    return { passed: true, detail: "GET /contact : 200, champs sujet, message, e-mail, numéro d’adhérent et piège à robots présents." };
  },
};

const forgedProofProbe: Probe = {
  name: "Envoi avec une vérification anti-robot falsifiée refusé",
  async run(ctx) {
    const challenge = await fetchChallenge(ctx);
    if (typeof challenge === "string") return { passed: false, detail: challenge };
    const forged = encodePowPayload({ challenge, solution: { counter: 0, derivedKey: "00".repeat(32) } });
    const response = await postContact(ctx, forged);
    const html = await response.text();
    if (response.status !== 400 || !html.includes(FORGED_TEXT)) {
      return { passed: false, detail: `${statusDetail("POST /contact avec une preuve falsifiée", response, 400)} Le message d’erreur attendu ${html.includes(FORGED_TEXT) ? "est" : "n’est pas"} présent.` };
    }
    return { passed: true, detail: "POST /contact avec une preuve falsifiée : 400 et message d’erreur, rien d’enregistré." };
  },
};

const solvedProofProbe: Probe = {
  name: "Envoi avec une vérification anti-robot résolue accepté une seule fois",
  async run(ctx) {
    const challenge = await fetchChallenge(ctx);
    if (typeof challenge === "string") return { passed: false, detail: challenge };
    const solution = await solveChallenge({ challenge, deriveKey, timeout: 5_000 });
    if (!solution) return { passed: false, detail: "Le défi de GET /contact/defi n’a pas pu être résolu en 5 secondes." };
    const pow = encodePowPayload({ challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } });
    const first = await postContact(ctx, pow);
    const firstHtml = await first.text();
    const reference = /MSG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/.exec(firstHtml)?.[0];
    if (first.status !== 200 || !firstHtml.includes(SENT_TEXT) || !reference) {
      return { passed: false, detail: `${statusDetail("POST /contact avec une preuve résolue", first, 200)} Confirmation et référence ${reference ? "présentes" : "absentes"}.` };
    }
    const replay = await postContact(ctx, pow);
    const replayHtml = await replay.text();
    if (replay.status !== 400 || !replayHtml.includes(REPLAY_TEXT)) {
      return { passed: false, detail: `Message ${reference} enregistré, mais ${statusDetail("le renvoi de la même preuve", replay, 400)}` };
    }
    return {
      passed: true,
      detail: `POST /contact : 200, message ${reference} enregistré (depuis le compte de test, à clore dans « Messages reçus ») ; même preuve renvoyée : 400, refusée.`,
    };
  },
};

export const CONTACT_RETEST_PROBES: readonly Probe[] = [formProbe, forgedProofProbe, solvedProofProbe];
