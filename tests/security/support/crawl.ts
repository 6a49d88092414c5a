import { send, type Session } from "./client";
import { type Form, forms, links } from "./html";
import { patternOf } from "../route-access";

/*
 * Discovers what each actor can reach by following the links of the pages it is shown (GET only,
 * never the sign-out link), keeping a few concrete URLs per route pattern and every form met.
 * New pages and forms are therefore covered by the suites without being listed anywhere.
 */

export type FoundForm = { actor: string; page: string; form: Form };
export type CrawlResult = {
  /** Route pattern → concrete URLs reached, with the actor that reached them (and the HTTP status). */
  urls: Record<string, { actor: string; path: string; status: number }[]>;
  forms: FoundForm[];
  pages: number;
};

const START: Record<string, string[]> = {
  anonymous: ["/", "/connexion", "/activation", "/mot-de-passe-oublie", "/devis", "/devis/retrouver", "/contact", "/statut", "/adhesion"],
  member: ["/espace", "/espace/securite", "/espace/remboursements"],
  staff: ["/admin"],
};

const PER_PATTERN = 3;
const MAX_PAGES = 150;

export async function crawl(baseUrl: string, session: Session, kind: "anonymous" | "member" | "staff", patterns: readonly string[], into: CrawlResult): Promise<void> {
  const queue = [...START[kind]!];
  const seen = new Set<string>(queue);
  const perPattern = new Map<string, number>();
  let pages = 0;
  while (queue.length > 0 && pages < MAX_PAGES) {
    const path = queue.shift()!;
    const pattern = patternOf(new URL(path, baseUrl).pathname, patterns);
    if (!pattern) continue;
    const count = perPattern.get(pattern) ?? 0;
    if (count >= PER_PATTERN) continue;
    perPattern.set(pattern, count + 1);
    const response = await send(baseUrl, { method: "GET", path, cookie: session.cookie });
    pages++;
    (into.urls[pattern] ??= []).push({ actor: session.actor, path, status: response.status });
    if (!(response.headers.get("content-type") ?? "").includes("text/html") || response.status !== 200) {
      await response.body?.cancel();
      continue;
    }
    const html = await response.text();
    for (const form of forms(html, `${baseUrl}${path}`)) {
      if (form.method !== "POST") continue;
      if (into.forms.some((f) => f.actor === session.actor && f.form.action === form.action && sameFields(f.form, form))) continue;
      into.forms.push({ actor: session.actor, page: path, form });
    }
    for (const href of links(html)) {
      let url: URL;
      try {
        url = new URL(href, `${baseUrl}${path}`);
      } catch {
        continue;
      }
      if (url.origin !== baseUrl || url.pathname.startsWith("/deconnexion") || url.pathname.startsWith("/assets/")) continue;
      const next = `${url.pathname}${url.search}`;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  into.pages += pages;
}

function sameFields(a: Form, b: Form): boolean {
  const names = (f: Form) => [...f.fields.map((x) => x.name), ...f.submitters.map((x) => `${x.name}=${x.value}`)].sort().join("|");
  return names(a) === names(b);
}
