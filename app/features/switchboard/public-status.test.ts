import { describe, expect, it } from "vitest";
import { defaultMessage, FEED_ID, groupByDay, renderAtomFeed, toPublicEvents, toPublicStatus, type EventRow } from "./public-status";

const row = (overrides: Omit<Partial<EventRow>, "at"> & { id: number; at: string }): EventRow => ({
  serviceKey: "devis-en-ligne",
  toState: "CLOSED",
  publicMessage: null,
  expectedReturnAt: null,
  rolloutPercent: null,
  ...overrides,
  at: new Date(overrides.at),
});

describe("public events", () => {
  it("publish the public message or a plain sentence, never anything else, and skip unknown services", () => {
    const events = toPublicEvents([
      row({ id: 3, at: "2026-11-28T10:00:00Z", toState: "REOPENING", rolloutPercent: 25 }),
      row({ id: 2, at: "2026-11-28T09:00:00Z", publicMessage: "Maintenance du tarif." }),
      row({ id: 1, at: "2026-11-27T09:00:00Z", serviceKey: "service-retire" }),
    ]);
    expect(events).toEqual([
      {
        id: 3,
        serviceKey: "devis-en-ligne",
        label: "Devis en ligne",
        state: "REOPENING",
        at: "2026-11-28T10:00:00.000Z",
        message: "Le service « Devis en ligne » rouvre progressivement (25 % des personnes).",
        expectedReturnAt: null,
      },
      expect.objectContaining({ id: 2, message: "Maintenance du tarif." }),
    ]);
  });

  it("are grouped by day in Paris time, newest first", () => {
    const days = groupByDay(
      toPublicEvents([
        row({ id: 4, at: "2026-11-28T23:30:00Z" }), // 29 November, 00:30 in Paris
        row({ id: 3, at: "2026-11-28T10:00:00Z" }),
        row({ id: 2, at: "2026-11-28T00:10:00Z" }),
        row({ id: 1, at: "2026-11-27T22:59:00Z" }), // 27 November, 23:59 in Paris
      ]),
    );
    expect(days.map((d) => [d.day, d.label, d.events.map((e) => e.id)])).toEqual([
      ["2026-11-29", "dimanche 29 novembre 2026", [4]],
      ["2026-11-28", "samedi 28 novembre 2026", [3, 2]],
      ["2026-11-27", "vendredi 27 novembre 2026", [1]],
    ]);
  });

  it("say something for every state", () => {
    for (const state of ["OPEN", "CLOSED", "FALLBACK", "RETESTING", "REOPENING"] as const) {
      expect(defaultMessage("Documents en ligne", state, null)).toMatch(/^Le service « Documents en ligne » .+\.$/);
    }
  });
});

describe("public status", () => {
  it("hides the internal reason and the message of an open service", () => {
    const open = toPublicStatus({
      key: "documents",
      state: "OPEN",
      since: "2026-11-28T10:00:00.000Z",
      reason: "interne",
      publicMessage: "ancien message",
      expectedReturnAt: null,
      rolloutPercent: null,
      groupId: null,
    });
    expect(open).toEqual({
      key: "documents",
      label: "Documents en ligne",
      description: expect.any(String),
      state: "OPEN",
      stateLabel: "Ouvert",
      since: "2026-11-28T10:00:00.000Z",
      message: null,
      expectedReturnAt: null,
    });
    expect(JSON.stringify(open)).not.toContain("interne");
  });
});

describe("Atom feed", () => {
  it("is a well-formed Atom 1.0 document with escaped texts", () => {
    const hostile = `</content><script>alert(1)</script> & "quotes" \u0001`;
    const xml = renderAtomFeed({
      origin: "https://www.bascule.example",
      events: toPublicEvents([row({ id: 7, at: "2026-11-28T10:00:00Z", publicMessage: hostile, expectedReturnAt: new Date("2026-11-29T07:30:00Z") })]),
      fallbackUpdated: "2026-01-01T00:00:00.000Z",
    });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="fr">/);
    expect(xml).toContain(`<id>${FEED_ID}</id>`);
    expect(xml).toContain("<updated>2026-11-28T10:00:00.000Z</updated>");
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://www.bascule.example/statut.atom"/>');
    expect(xml).toContain("<id>urn:bascule:switchboard:event:7</id>");
    expect(xml).toContain("<title>Devis en ligne : fermé</title>");
    expect(xml).toContain(
      '<content type="text">&lt;/content&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;  Retour prévu le dimanche 29 novembre 2026 à 08:30.</content>',
    );
    expect(xml).not.toContain("\u0001");
    expect(xml.match(/<entry>/g)).toHaveLength(1);
  });

  it("has an update time even without any change", () => {
    const xml = renderAtomFeed({ origin: "http://localhost:3000", events: [], fallbackUpdated: "2026-01-01T00:00:00.000Z" });
    expect(xml).toContain("<updated>2026-01-01T00:00:00.000Z</updated>");
    expect(xml).not.toContain("<entry>");
  });
});
