import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart, ColumnChart } from "./charts";

describe("charts", () => {
  it("draws bars as a labelled image and repeats the data in a table", () => {
    const html = renderToStaticMarkup(
      <BarChart
        title="Demandes en attente, par canal"
        description="Barres horizontales par canal."
        valueHeader="Demandes"
        data={[
          { label: "En ligne", value: 12 },
          { label: "<b>Courriel</b>", value: 3 },
        ]}
      />,
    );
    const labelledBy = /<svg role="img" aria-labelledby="([^"]+)"/.exec(html)?.[1];
    expect(labelledBy).toBeDefined();
    for (const id of labelledBy!.split(" ")) expect(html).toContain(`id="${id}"`);
    expect(html).toContain("<title");
    expect(html).toContain("Demandes en attente, par canal</title>");
    expect(html).toContain("Barres horizontales par canal.</desc>");
    expect(html).toContain("<caption");
    expect(html).toMatch(/<th scope="row"[^>]*>En ligne<\/th><td[^>]*>12<\/td>/);
    // Labels are text, never markup.
    expect(html).not.toContain("<b>Courriel</b>");
    expect(html).toContain("&lt;b&gt;Courriel&lt;/b&gt;");
  });

  it("leaves gaps for missing values, reads them as a dash, and draws the reference line", () => {
    const html = renderToStaticMarkup(
      <ColumnChart
        title="Part payée sous 48 h"
        description="Histogramme hebdomadaire."
        valueHeader="Part"
        max={1}
        reference={{ value: 0.93, label: "référence 93 %" }}
        format={(v) => `${Math.round(v * 100)} %`}
        data={[
          { label: "sem. 1", value: 0.95 },
          { label: "sem. 2", value: null },
        ]}
      />,
    );
    expect(html.match(/<rect /g)).toHaveLength(1);
    expect(html).toContain("référence 93 %");
    expect(html).toMatch(/<th scope="row"[^>]*>sem\. 2<\/th><td[^>]*>—<\/td>/);
    expect(html).toMatch(/<th scope="row"[^>]*>sem\. 1<\/th><td[^>]*>95 %<\/td>/);
  });
});
