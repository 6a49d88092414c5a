import type { Probe, ProbeContext } from "~/features/switchboard";
import { parisDateOf } from "~/platform/time/paris";
import { addDays } from "~/platform/time/civil-date";

/*
 * Re-test probes of `adhesion-en-ligne`, run over HTTP as the switchboard's tester before the
 * service reopens. They go as far as the identity step (a saved quote of a probe address, a
 * draft, an invalid NIR refused with the French key message) and never sign: no contract, no
 * member is ever created by a re-test. The probe's quote and draft expire on their own (30 days).
 */

const PROBE_EMAIL = "sonde.adhesion@bascule.example";
/** A NIR whose key is wrong (valid one: 295109912611193). */
const WRONG_KEY_NIR = "295109912611194";
const KEY_MESSAGE = "La clé (les 2 derniers chiffres) ne correspond pas";
const NOT_FOUND_MESSAGE = "Aucun devis en cours de validité ne correspond";

function post(
  ctx: ProbeContext,
  path: string,
  form: Record<string, string>,
  cookie = ctx.cookie,
): Promise<Response> {
  return ctx.fetch(new URL(path, ctx.baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: {
      Accept: "text/html",
      Cookie: cookie,
      Origin: ctx.baseUrl,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** Tomorrow in Paris: the earliest start date a quote accepts. */
function tomorrow(now: Date): string {
  return addDays(parisDateOf(now), 1);
}

/** The draft cookie (`name=value`) a response sets, whatever its name in this deployment. */
function draftCookie(response: Response): string | null {
  for (const header of response.headers.getSetCookie()) {
    const match = /^((?:__Host-)?bascule_adhesion=[A-Za-z0-9_-]{43})/.exec(
      header,
    );
    if (match) return match[1]!;
  }
  return null;
}

export const SUBSCRIPTION_RETEST_PROBES: readonly Probe[] = [
  {
    name: "Adhésion en ligne : la page d’entrée répond",
    async run(ctx) {
      const response = await ctx.fetch(new URL("/adhesion", ctx.baseUrl), {
        redirect: "manual",
        headers: { Accept: "text/html", Cookie: ctx.cookie },
      });
      const body = await response.text();
      if (response.status !== 200)
        return {
          passed: false,
          detail: `GET /adhesion a répondu ${response.status} (attendu : 200).`,
        };
      if (!body.includes("Référence du devis"))
        return {
          passed: false,
          detail:
            "GET /adhesion a répondu 200 sans le formulaire de reprise du devis.",
        };
      return {
        passed: true,
        detail: "GET /adhesion : 200, formulaire de reprise du devis présent.",
      };
    },
  },
  {
    name: "Adhésion en ligne : un devis inconnu est refusé en français",
    async run(ctx) {
      const response = await post(ctx, "/adhesion", {
        intent: "start",
        reference: "DV-2222-2222",
        email: PROBE_EMAIL,
      });
      const body = await response.text();
      if (response.status !== 400 || !body.includes(NOT_FOUND_MESSAGE)) {
        return {
          passed: false,
          detail: `POST /adhesion avec un devis inconnu a répondu ${response.status} sans le message attendu (attendu : 400 « ${NOT_FOUND_MESSAGE}… »).`,
        };
      }
      return {
        passed: true,
        detail:
          "POST /adhesion avec un devis inconnu : 400 et message en français.",
      };
    },
  },
  {
    name: "Adhésion en ligne : un NIR à la clé fausse est refusé avec le message de clé",
    async run(ctx) {
      const start = tomorrow(new Date());
      const quote = await post(ctx, "/devis", {
        _action: "save",
        postcode: "83000",
        startDate: start,
        memberBirthDate: "1995-10-14",
        formula: "F2",
        email: PROBE_EMAIL,
      });
      const location = quote.headers.get("location") ?? "";
      const reference = /\/devis\/(DV-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(
        location,
      )?.[1];
      if (!reference)
        return {
          passed: false,
          detail: `POST /devis (enregistrement d’un devis de test) a répondu ${quote.status} sans rediriger vers le devis enregistré.`,
        };
      const started = await post(ctx, "/adhesion", {
        intent: "start",
        reference,
        email: PROBE_EMAIL,
      });
      const cookie = draftCookie(started);
      if (!cookie)
        return {
          passed: false,
          detail: `POST /adhesion avec le devis ${reference} a répondu ${started.status} sans ouvrir d’adhésion.`,
        };
      const withDraft = `${ctx.cookie}; ${cookie}`;
      const formula = await post(
        ctx,
        "/adhesion",
        { intent: "formula", formulaCode: "F2" },
        withDraft,
      );
      if (formula.status !== 302)
        return {
          passed: false,
          detail: `Le choix de la formule a répondu ${formula.status} (attendu : redirection vers l’étape suivante).`,
        };
      const identity = await post(
        ctx,
        "/adhesion/personnes",
        {
          "persons[0].civility": "Mme",
          "persons[0].firstName": "Sonde",
          "persons[0].lastName": "Recette",
          "persons[0].birthDate": "1995-10-14",
          "persons[0].nir": WRONG_KEY_NIR,
        },
        withDraft,
      );
      const body = await identity.text();
      if (identity.status !== 400 || !body.includes(KEY_MESSAGE)) {
        return {
          passed: false,
          detail: `POST /adhesion/personnes avec un NIR à la clé fausse a répondu ${identity.status} sans le message de clé.`,
        };
      }
      return {
        passed: true,
        detail:
          "Devis de test, adhésion ouverte, NIR à la clé fausse : 400 et message de clé en français (aucun contrat créé).",
      };
    },
  },
];
