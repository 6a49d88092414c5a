import { SERVICE_CATALOGUE } from "./catalogue";
import type { ServiceKey } from "./types";

/*
 * What a re-test probe is. The switchboard knows service keys, not features: each feature writes
 * the probes of its own service against these types, and the composition root
 * (app/retest-probes.server.ts) assembles them into a ProbeRegistry that runRetest receives.
 */

export type ProbeContext = {
  /** Origin of the portal to test, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** `Cookie` header value carrying the tester's session. */
  cookie: string;
  /** Fetch bound to the probe's timeout. */
  fetch: typeof fetch;
};

export type Probe = {
  /** French, shown in the report. */
  name: string;
  run(ctx: ProbeContext): Promise<{ passed: boolean; detail: string }>;
};

/** Every service has its probes: a service missing from the registry is a type error. */
export type ProbeRegistry = Readonly<Record<ServiceKey, readonly Probe[]>>;

/** A request of the tester: no redirect followed, the tester's session cookie attached. */
export function probeRequest(ctx: ProbeContext, path: string, init: RequestInit = {}): Promise<Response> {
  return ctx.fetch(new URL(path, ctx.baseUrl), {
    ...init,
    redirect: "manual",
    headers: { Accept: "text/html", Cookie: ctx.cookie, ...(init.headers as Record<string, string> | undefined) },
  });
}

/** Why a response is not the expected 200, in French. */
export function unexpectedResponse(method: string, path: string, response: Response): string {
  const base = `${method} ${path} a répondu ${response.status} (attendu : 200)`;
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("location") ?? "";
    return location.startsWith("/connexion")
      ? `${base} : redirection vers la connexion, la session du compte de test n’est pas acceptée.`
      : `${base} : redirection vers ${location || "une autre page"}.`;
  }
  if (response.status === 503) return `${base} : le service est fermé pour le compte de test (volet de fermeture).`;
  if (response.status === 429) return `${base} : limite de fréquence atteinte, réessayez plus tard.`;
  return `${base}.`;
}

/** GET `path` must answer 200 and, when given, contain `mustContain`. */
export function pageProbe(name: string, path: string, mustContain?: { text: string; what: string }): Probe {
  return {
    name,
    async run(ctx) {
      const response = await probeRequest(ctx, path);
      const body = await response.text();
      if (response.status !== 200) return { passed: false, detail: unexpectedResponse("GET", path, response) };
      if (mustContain && !body.includes(mustContain.text)) {
        return { passed: false, detail: `GET ${path} a répondu 200 mais la page ne contient pas ${mustContain.what}.` };
      }
      return { passed: true, detail: `GET ${path} : 200${mustContain ? `, ${mustContain.what} présent(e)` : ""}.` };
    },
  };
}

/** The first plain path a service owns: its entry page. */
function entryPathOf(key: ServiceKey): string {
  const route = SERVICE_CATALOGUE[key].routes.find((r) => !r.path.includes("*") && !r.path.includes(":") && (!r.methods || r.methods.includes("GET")));
  if (!route) throw new Error(`switchboard: service ${key} has no plain entry path to probe`);
  return route.path;
}

/** For services whose pages are still to be built: their entry page must answer 200. */
export function entryProbe(key: ServiceKey): Probe {
  const path = entryPathOf(key);
  const page = pageProbe(`Page d’entrée du service (${path})`, path);
  return {
    name: page.name,
    async run(ctx) {
      const result = await page.run(ctx);
      if (result.passed) return result;
      return {
        passed: false,
        detail: `${result.detail} Les pages de ce service n’existent pas encore dans le portail : il ne peut pas être re-testé, donc pas rouvert en ligne.`,
      };
    },
  };
}
