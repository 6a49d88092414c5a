import { describe, expect, it } from "vitest";
import { renderShutterPage, retryAfterSeconds, SHUTTER_PROBLEM_TYPE, shutterContent, shutterProblem } from "./shutter";

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)> ' " &amp;`;

const definition = {
  key: "devis-en-ligne" as const,
  label: "Devis en ligne",
  alternativeChannel: "Appelez-nous au 04 94 00 00 00.",
  dataNotice: "Rien de ce que vous aviez saisi n’a été enregistré.",
  hasFallback: false,
};

function closed(overrides: Partial<Parameters<typeof shutterContent>[0]["status"]> = {}) {
  return shutterContent({
    definition,
    status: {
      state: "CLOSED",
      since: "2026-11-28T13:05:00.000Z",
      publicMessage: "Maintenance du tarif.",
      expectedReturnAt: "2026-11-29T07:30:00.000Z",
      ...overrides,
    },
    decision: { state: "CLOSED", stale: false, fallback: false },
    claimsMailbox: "remboursements@bascule.example",
  });
}

describe("retryAfterSeconds", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it.each([
    [null, null],
    ["not a date", null],
    ["2026-11-28T13:00:00Z", 3600],
    ["2026-11-28T12:00:30Z", 60],
    ["2026-11-28T11:00:00Z", 60],
    ["2026-11-28T12:10:00.500Z", 601],
  ])("%s → %s", (expected, seconds) => {
    expect(retryAfterSeconds(expected, now)).toBe(seconds);
  });
});

describe("shutter page", () => {
  it("follows the service-unavailable pattern in French, in Paris time", () => {
    const html = renderShutterPage(closed(), { stylesheetHref: "/assets/root-abc.css" });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="fr">/);
    expect(html).toContain('<link rel="stylesheet" href="/assets/root-abc.css">');
    expect(html).toContain('<a href="#contenu"');
    expect(html).toContain('<main id="contenu" tabindex="-1"');
    expect(html).toContain("Le service « Devis en ligne » est temporairement indisponible</h1>");
    expect(html).toContain("fermé depuis le samedi 28 novembre 2026 à 14:05");
    expect(html).toContain("rouvrir le dimanche 29 novembre 2026 à 08:30");
    expect(html).toContain("Maintenance du tarif.");
    expect(html).toContain("Appelez-nous au 04 94 00 00 00.");
    expect(html).toContain("Rien de ce que vous aviez saisi n’a été enregistré.");
    expect(html).toContain('href="/statut"');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("style=");
  });

  it("says so when the return is not known, and links no stylesheet when there is none", () => {
    const html = renderShutterPage(closed({ expectedReturnAt: null, publicMessage: null }), { stylesheetHref: null });
    expect(html).toContain("Nous ne savons pas encore quand le service rouvrira.");
    expect(html).not.toContain("<link");
  });

  it("never renders hostile texts as markup", () => {
    const content = shutterContent({
      definition: { ...definition, label: HOSTILE, alternativeChannel: HOSTILE, dataNotice: HOSTILE },
      status: { state: "FALLBACK", since: "2026-11-28T13:05:00Z", publicMessage: HOSTILE, expectedReturnAt: null },
      decision: { state: "FALLBACK", stale: false, fallback: true },
      claimsMailbox: `x"><script>@evil.example`,
    });
    const html = renderShutterPage(content, { stylesheetHref: `"><script>alert(1)</script>` });
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&amp;amp;");
    expect(html).not.toContain(`"><`);
  });

  it("explains the e-mail fallback of online claims", () => {
    const content = shutterContent({
      definition: { ...definition, key: "remboursements-en-ligne", label: "Remboursements en ligne", hasFallback: true },
      status: { state: "FALLBACK", since: "2026-11-28T13:05:00Z", publicMessage: null, expectedReturnAt: null },
      decision: { state: "FALLBACK", stale: false, fallback: true },
      claimsMailbox: "remboursements@bascule.example",
    });
    const html = renderShutterPage(content, { stylesheetHref: null });
    expect(html).toContain('<a href="mailto:remboursements@bascule.example">remboursements@bascule.example</a>');
    expect(html).toContain("indiquez votre numéro d’adhérent dans l’objet");
    expect(html).toContain("N’envoyez jamais vos coordonnées bancaires par e-mail.");
    expect(shutterProblem(content).detail).toContain("remboursements@bascule.example");
  });

  it("does not invent a closure when a stale instance closes an open service out of caution", () => {
    const content = shutterContent({
      definition,
      status: { state: "OPEN", since: "2026-11-01T00:00:00Z", publicMessage: "ancien message", expectedReturnAt: "2026-11-02T00:00:00Z" },
      decision: { state: "OPEN", stale: true, fallback: false },
      claimsMailbox: "remboursements@bascule.example",
    });
    const html = renderShutterPage(content, { stylesheetHref: null });
    expect(html).toContain("par précaution");
    expect(html).toContain("Réessayez dans quelques minutes.");
    expect(html).not.toContain("ancien message");
    expect(content.expectedReturnAt).toBeNull();
  });
});

describe("shutter problem document", () => {
  it("carries the service, its state and the expected return", () => {
    expect(shutterProblem(closed())).toEqual({
      type: SHUTTER_PROBLEM_TYPE,
      title: "Le service « Devis en ligne » est temporairement indisponible",
      status: 503,
      detail: "Maintenance du tarif.",
      service: "devis-en-ligne",
      state: "CLOSED",
      expectedReturnAt: "2026-11-29T07:30:00.000Z",
    });
  });
});
