import { describe, expect, it } from "vitest";
import { QUOTE_PROBES, expectedF2MonthlyCents } from "./retest-probes.server";

function fakeFetch(status: number, html: string): typeof fetch {
  return (async () => new Response(html, { status, headers: { "Content-Type": "text/html" } })) as typeof fetch;
}

const [formProbe, computationProbe] = QUOTE_PROBES;
const ctx = (status: number, html: string) => ({ baseUrl: "http://127.0.0.1:1", cookie: "", fetch: fakeFetch(status, html) });

describe("devis-en-ligne re-test probes", () => {
  it("expects the F2 price of the known family from the published tariff (40-year-old + child, Var)", () => {
    expect(expectedF2MonthlyCents("2027-03-01")).toBe(5800 + 2200);
    expect(expectedF2MonthlyCents("2020-01-01")).toBeNull();
  });

  it("passes the form probe only when the fields are there", async () => {
    const page = '<input name="postcode"><input name="startDate"><input name="memberBirthDate">';
    expect((await formProbe!.run(ctx(200, page))).passed).toBe(true);
    expect((await formProbe!.run(ctx(200, '<input name="postcode">'))).passed).toBe(false);
    expect((await formProbe!.run(ctx(503, page))).passed).toBe(false);
  });

  it("passes the computation probe only with the expected total", async () => {
    expect((await computationProbe!.run(ctx(200, "<th>Total par mois</th><td>80,00&nbsp;€</td>"))).passed).toBe(true);
    expect((await computationProbe!.run(ctx(200, "<th>Total par mois</th><td>81,00\u00a0€</td>"))).passed).toBe(false);
    expect((await computationProbe!.run(ctx(500, "80,00 € Total par mois"))).passed).toBe(false);
  });
});
