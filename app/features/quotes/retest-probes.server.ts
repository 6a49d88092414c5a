import type { Probe, ProbeContext } from "~/features/switchboard";
import { HONEYPOT_FIELD } from "~/platform/http/honeypot";
import { priceFormula, tariffValidOn } from "./tariff";
import { TARIFF_VERSIONS, tariffFromSpec } from "./tariff-data";
import { formatEuros } from "~/platform/format/euros";
import { parisDateOf } from "~/platform/time/paris";
import { addDays } from "~/platform/time/civil-date";

/*
 * Re-test probes of `devis-en-ligne` (wired into RETEST_PROBES at app/retest-probes.server.ts): the form is
 * served, and a computation for a known family gives the price the published tariff data says —
 * a known-answer test of the whole chain (form parsing, zone lookup, tariff read from the database,
 * engine, rendering). Nothing is saved: the probes never create a quote.
 */

/** A member aged 40 and a child aged 10 on the start date, in the Var (zone 2, general scheme). */
const POSTCODE = "83000";

function family(startDate: string) {
  const year = Number(startDate.slice(0, 4));
  return { member: `${year - 40}-01-01`, child: `${year - 10}-01-01` };
}

/** What F2 must cost for the probe family, from the tariff data the database is seeded with. */
export function expectedF2MonthlyCents(startDate: string): number | null {
  const spec = tariffValidOn(TARIFF_VERSIONS, startDate);
  if (!spec) return null;
  const tariff = tariffFromSpec(spec);
  const { member, child } = family(startDate);
  const zone = tariff.departementZones["83"]!;
  return priceFormula(
    tariff,
    { startDate, zone, scheme: "GENERAL", persons: [{ role: "MEMBER", birthDate: member }, { role: "CHILD", birthDate: child }] },
    "F2",
  ).monthlyCents;
}

function get(ctx: ProbeContext, path: string, init: RequestInit = {}): Promise<Response> {
  return ctx.fetch(new URL(path, ctx.baseUrl), {
    ...init,
    redirect: "manual",
    headers: { Accept: "text/html", Cookie: ctx.cookie, ...(init.headers as Record<string, string> | undefined) },
  });
}

const spaces = (html: string) => html.replace(/&nbsp;|&#160;|&#xa0;|[\u00a0\u202f]/gi, " ");

const formProbe: Probe = {
  name: "Formulaire de devis (/devis)",
  async run(ctx) {
    const response = await get(ctx, "/devis");
    const html = await response.text();
    if (response.status !== 200) return { passed: false, detail: `GET /devis a répondu ${response.status} (attendu : 200).` };
    const missing = ['name="postcode"', 'name="startDate"', 'name="memberBirthDate"'].filter((f) => !html.includes(f));
    if (missing.length) return { passed: false, detail: `GET /devis : 200 mais il manque les champs ${missing.join(", ")}.` };
    return { passed: true, detail: "GET /devis : 200, formulaire complet (code postal, date de début, date de naissance)." };
  },
};

const computationProbe: Probe = {
  name: "Calcul d’un devis pour une famille connue (tarif F2 attendu)",
  async run(ctx) {
    const startDate = addDays(parisDateOf(new Date()), 1);
    const expected = expectedF2MonthlyCents(startDate);
    if (expected === null) return { passed: false, detail: `Aucune version du tarif ne couvre le ${startDate} dans les données publiées.` };
    const { member, child } = family(startDate);
    const body = new URLSearchParams({
      postcode: POSTCODE,
      startDate,
      memberBirthDate: member,
      "children[0].birthDate": child,
      _action: "compute",
      [HONEYPOT_FIELD]: "",
    });
    const response = await get(ctx, "/devis", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(ctx.baseUrl).origin },
      body: body.toString(),
    });
    const html = spaces(await response.text());
    if (response.status !== 200) return { passed: false, detail: `POST /devis a répondu ${response.status} (attendu : 200).` };
    const price = spaces(formatEuros(expected));
    if (!html.includes("Total par mois") || !html.includes(price)) {
      return { passed: false, detail: `POST /devis : 200 mais le total F2 attendu (${price} par mois) n’apparaît pas.` };
    }
    return { passed: true, detail: `POST /devis : 200, total F2 de ${price} par mois comme attendu.` };
  },
};

export const QUOTE_PROBES: readonly Probe[] = [formProbe, computationProbe];
