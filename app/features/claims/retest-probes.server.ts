import type { Probe, ProbeContext } from "~/features/switchboard";
import { parisDateOf } from "~/platform/time/paris";

/*
 * Re-test probes of `remboursements-en-ligne`, run over HTTP as the allow-listed tester before the
 * service reopens: the list answers, the form has its fields, and an estimate of DOMAIN.md's GP
 * example gives the expected amounts. The estimate saves nothing, so probes leave no claim behind.
 */

const LIST_PATH = "/espace/remboursements";
const FORM_PATH = "/espace/remboursements/nouveau";
const UPLOAD_PATH = "/espace/remboursements/nouveau/envoi";
const FORM_FIELDS = ["beneficiaryId", "category", "careDate", "providerName", "realCost", "secuCovered", "secuBase", "secuRate", "secuPaid", "invoice", "secuStatement", "idempotencyKey"];

/** The tester's formula (F2) on a GP consultation of 30 € (BR 30 €, 70 %, 19 € paid): Bascule pays 9 €, 2 € left. */
const EXPECTED = { amcCents: 900, amoPaidCents: 1_900, resteAChargeCents: 200 };

function get(ctx: ProbeContext, path: string): Promise<Response> {
  return ctx.fetch(new URL(path, ctx.baseUrl), { redirect: "manual", headers: { Accept: "text/html", Cookie: ctx.cookie } });
}

function statusDetail(method: string, path: string, response: Response): string {
  const location = response.headers.get("location");
  return `${method} ${path} a répondu ${response.status} (attendu : 200)${location ? `, redirection vers ${location}` : ""}.`;
}

const listProbe: Probe = {
  name: "Liste des remboursements de l’adhérent",
  async run(ctx) {
    const response = await get(ctx, LIST_PATH);
    const html = await response.text();
    if (response.status !== 200) return { passed: false, detail: statusDetail("GET", LIST_PATH, response) };
    if (!html.includes("Mes remboursements")) return { passed: false, detail: `GET ${LIST_PATH} a répondu 200 sans le titre « Mes remboursements ».` };
    return { passed: true, detail: `GET ${LIST_PATH} : 200, titre « Mes remboursements » présent.` };
  },
};

const formProbe: Probe = {
  name: "Formulaire de nouvelle demande (tous ses champs)",
  async run(ctx) {
    const response = await get(ctx, FORM_PATH);
    const html = await response.text();
    if (response.status !== 200) return { passed: false, detail: statusDetail("GET", FORM_PATH, response) };
    const missing = FORM_FIELDS.filter((name) => !html.includes(`name="${name}"`));
    if (missing.length > 0) return { passed: false, detail: `GET ${FORM_PATH} : champs absents du formulaire : ${missing.join(", ")}.` };
    return { passed: true, detail: `GET ${FORM_PATH} : 200, les ${FORM_FIELDS.length} champs attendus sont présents.` };
  },
};

const estimateProbe: Probe = {
  name: "Estimation d’une consultation de généraliste (30 €, base 30 €, 70 %)",
  async run(ctx) {
    const page = await get(ctx, FORM_PATH);
    const html = await page.text();
    if (page.status !== 200) return { passed: false, detail: statusDetail("GET", FORM_PATH, page) };
    const beneficiaryId = /<option value="([0-9a-f-]{36})"/.exec(html)?.[1];
    if (!beneficiaryId) return { passed: false, detail: `GET ${FORM_PATH} : aucun bénéficiaire proposé dans le formulaire.` };
    const care = new Date(Date.now() - 2 * 86_400_000);
    const form = new FormData();
    for (const [name, value] of Object.entries({
      intent: "estimate",
      beneficiaryId,
      category: "GP",
      careDate: parisDateOf(care),
      providerName: "Re-test Bascule",
      providerOptam: "oui",
      realCost: "30,00",
      secuCovered: "oui",
      secuBase: "30,00",
      secuRate: "70",
      secuPaid: "19,00",
    })) {
      form.set(name, value);
    }
    const response = await ctx.fetch(new URL(UPLOAD_PATH, ctx.baseUrl), {
      method: "POST",
      redirect: "manual",
      headers: { Accept: "application/json", Cookie: ctx.cookie, Origin: new URL(ctx.baseUrl).origin },
      body: form,
    });
    if (response.status !== 200) return { passed: false, detail: statusDetail("POST", UPLOAD_PATH, response) };
    const body = (await response.json()) as { kind?: string; estimate?: { totals?: Record<string, number> } };
    const totals = body.estimate?.totals;
    if (body.kind !== "estimate" || !totals) return { passed: false, detail: `POST ${UPLOAD_PATH} : réponse inattendue (${body.kind ?? "sans type"}).` };
    const wrong = Object.entries(EXPECTED).filter(([key, cents]) => totals[key] !== cents);
    if (wrong.length > 0) {
      return {
        passed: false,
        detail: `POST ${UPLOAD_PATH} : montants inattendus (${wrong.map(([key, cents]) => `${key} = ${totals[key]} au lieu de ${cents}`).join(", ")}).`,
      };
    }
    return { passed: true, detail: `POST ${UPLOAD_PATH} : estimation correcte (Bascule 9,00 €, Sécu 19,00 €, reste 2,00 €), rien d’enregistré.` };
  },
};

/** For RETEST_PROBES["remboursements-en-ligne"] (app/retest-probes.server.ts). */
export const CLAIMS_RETEST_PROBES: readonly Probe[] = [listProbe, formProbe, estimateProbe];
