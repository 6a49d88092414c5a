import { describe, expect, it } from "vitest";
import { ALWAYS_ON_PATHS, SERVICE_CATALOGUE, dependentsOf, servicesToClose } from "./catalogue";
import { INCIDENT_PROFILES, profileByKey } from "./profiles";
import { transition } from "./state-machine";
import { SERVICE_KEYS, type ServiceKey } from "./types";

const definitions = SERVICE_KEYS.map((key) => SERVICE_CATALOGUE[key]);

/** French prose of the catalogue: typographic apostrophes, no English left behind. */
function expectFrench(text: string): void {
  expect(text.trim().length).toBeGreaterThan(3);
  expect(text).not.toMatch(/'/);
  expect(text).not.toMatch(/\b(?:the|and|service is|please|click)\b/i);
}

describe("service catalogue", () => {
  it("defines the eight services, in the order of SERVICE_KEYS, each under its own key", () => {
    expect(Object.keys(SERVICE_CATALOGUE)).toEqual([...SERVICE_KEYS]);
    for (const key of SERVICE_KEYS) expect(SERVICE_CATALOGUE[key].key).toBe(key);
  });

  it.each(definitions)("$key speaks French to the public and names another way to do the same thing", (definition) => {
    for (const text of [definition.label, definition.description, definition.alternativeChannel, definition.dataNotice]) expectFrench(text);
    expect(definition.label).toMatch(/^[A-ZÀ-Ý]/u);
    expect(definition.alternativeChannel).toMatch(/04 94 00 00 00|courriel|courrier/);
  });

  it.each(definitions)("$key has 3 to 5 distinct manual checks", (definition) => {
    expect(definition.checklist.length).toBeGreaterThanOrEqual(3);
    expect(definition.checklist.length).toBeLessThanOrEqual(5);
    expect(new Set(definition.checklist).size).toBe(definition.checklist.length);
    for (const item of definition.checklist) expectFrench(item);
  });

  it.each(definitions)("$key owns its paths and everything below them", (definition) => {
    const exact = definition.routes.map((r) => r.path).filter((p) => !p.endsWith("/*"));
    for (const path of exact) {
      const isException = definition.key === "espace-adherent" && path === "/espace/remboursements/envoi-par-courriel";
      if (!isException) expect(definition.routes.map((r) => r.path)).toContain(`${path}/*`);
    }
  });

  it("keeps the public forms closed and the member space on its last known state when an instance is stale", () => {
    const failClosed = definitions.filter((d) => d.failSafe === "fail-closed").map((d) => d.key);
    expect(failClosed).toEqual(["devis-en-ligne", "adhesion-en-ligne", "coordonnees-bancaires", "formulaire-contact", "activation-compte"]);
  });

  it("gives a fallback to online claims only", () => {
    expect(definitions.filter((d) => d.hasFallback).map((d) => d.key)).toEqual(["remboursements-en-ligne"]);
  });

  it("leaves the claims e-mail instructions to the member space, so they stay up while claims fall back", () => {
    expect(SERVICE_CATALOGUE["espace-adherent"].routes.map((r) => r.path)).toContain("/espace/remboursements/envoi-par-courriel");
    expect(SERVICE_CATALOGUE["remboursements-en-ligne"].alternativeChannel).toContain("courriel");
  });

  it("never switches off the pages needed to learn about and repair an outage", () => {
    for (const path of ["/", "/statut", "/connexion", "/admin", "/admin/*", "/healthz", "/readyz", "*"]) expect(ALWAYS_ON_PATHS).toContain(path);
    const owned = new Set(definitions.flatMap((d) => d.routes.map((r) => r.path)));
    for (const path of ALWAYS_ON_PATHS) expect(owned.has(path)).toBe(false);
  });
});

describe("dependencies", () => {
  it("point to existing services and never to themselves", () => {
    for (const definition of definitions) {
      for (const dependency of definition.dependsOn) {
        expect(SERVICE_KEYS).toContain(dependency);
        expect(dependency).not.toBe(definition.key);
      }
    }
  });

  it("have no cycle", () => {
    const visiting = new Set<ServiceKey>();
    const done = new Set<ServiceKey>();
    const visit = (key: ServiceKey, chain: ServiceKey[]): void => {
      if (done.has(key)) return;
      expect(visiting.has(key), `cycle: ${[...chain, key].join(" → ")}`).toBe(false);
      visiting.add(key);
      for (const dependency of SERVICE_CATALOGUE[key].dependsOn) visit(dependency, [...chain, key]);
      visiting.delete(key);
      done.add(key);
    };
    for (const key of SERVICE_KEYS) visit(key, []);
  });

  it("are the ones the issue describes", () => {
    expect(Object.fromEntries(definitions.map((d) => [d.key, d.dependsOn]))).toEqual({
      "devis-en-ligne": [],
      "adhesion-en-ligne": ["devis-en-ligne"],
      "espace-adherent": [],
      "remboursements-en-ligne": ["espace-adherent"],
      "coordonnees-bancaires": ["espace-adherent"],
      documents: ["espace-adherent"],
      "formulaire-contact": [],
      "activation-compte": [],
    });
  });
});

describe("servicesToClose and dependentsOf", () => {
  it("close the member space with everything inside it", () => {
    expect(servicesToClose(["espace-adherent"])).toEqual(["espace-adherent", "remboursements-en-ligne", "coordonnees-bancaires", "documents"]);
    expect(dependentsOf("espace-adherent")).toEqual(["remboursements-en-ligne", "coordonnees-bancaires", "documents"]);
  });

  it("close the online subscription with the quotes, and nothing with a leaf", () => {
    expect(servicesToClose(["devis-en-ligne"])).toEqual(["devis-en-ligne", "adhesion-en-ligne"]);
    expect(dependentsOf("adhesion-en-ligne")).toEqual([]);
    expect(dependentsOf("documents")).toEqual([]);
  });

  it("deduplicate and keep the catalogue order, whatever the order asked", () => {
    expect(servicesToClose(["documents", "devis-en-ligne", "espace-adherent", "documents"])).toEqual([
      "devis-en-ligne",
      "adhesion-en-ligne",
      "espace-adherent",
      "remboursements-en-ligne",
      "coordonnees-bancaires",
      "documents",
    ]);
    expect(servicesToClose([])).toEqual([]);
  });

  it("are closed under dependency: whatever depends on a closing service closes too", () => {
    for (const key of SERVICE_KEYS) {
      const closing = new Set(servicesToClose([key]));
      for (const definition of definitions) {
        if (definition.dependsOn.some((dependency) => closing.has(dependency))) expect(closing.has(definition.key)).toBe(true);
      }
      expect(dependentsOf(key)).toEqual([...closing].filter((k) => k !== key));
    }
  });
});

describe("incident profiles", () => {
  it("have distinct keys, French labels and descriptions", () => {
    expect(INCIDENT_PROFILES.map((p) => p.key)).toEqual(["cyberattaque", "maintenance-tarif", "fraude-rib"]);
    for (const profile of INCIDENT_PROFILES) {
      expectFrench(profile.label);
      expectFrench(profile.description);
    }
    expect(profileByKey("cyberattaque")?.label).toBe("Cyberattaque — fermeture des services en ligne");
    expect(profileByKey("maintenance-tarif")?.label).toBe("Maintenance du tarif");
    expect(profileByKey("fraude-rib")?.label).toBe("Suspicion de fraude aux coordonnées bancaires");
    expect(profileByKey("inconnu")).toBeNull();
    expect(profileByKey("__proto__")).toBeNull();
  });

  it.each(INCIDENT_PROFILES)("$key changes existing services once each, falling back only where a fallback exists", (profile) => {
    expect(profile.changes.length).toBeGreaterThan(0);
    expect(new Set(profile.changes.map((c) => c.key)).size).toBe(profile.changes.length);
    for (const change of profile.changes) {
      expect(SERVICE_KEYS).toContain(change.key);
      const definition = SERVICE_CATALOGUE[change.key];
      if (change.to === "FALLBACK") expect(definition.hasFallback).toBe(true);
      const result = transition(definition, { state: "OPEN", rolloutPercent: null }, { type: change.to === "FALLBACK" ? "fallback" : "close" });
      expect(result).toMatchObject({ ok: true, state: change.to });
    }
  });

  it("keeps claims flowing by e-mail during a cyberattack and closes every other service", () => {
    const changes = Object.fromEntries(profileByKey("cyberattaque")!.changes.map((c) => [c.key, c.to]));
    expect(changes).toEqual({
      "devis-en-ligne": "CLOSED",
      "adhesion-en-ligne": "CLOSED",
      "espace-adherent": "CLOSED",
      "remboursements-en-ligne": "FALLBACK",
      "coordonnees-bancaires": "CLOSED",
      documents: "CLOSED",
      "formulaire-contact": "CLOSED",
      "activation-compte": "CLOSED",
    });
  });

  it("closes what depends on what they close, unless they put it in fallback", () => {
    for (const profile of INCIDENT_PROFILES) {
      const changed = new Set(profile.changes.map((c) => c.key));
      const closed = profile.changes.filter((c) => c.to === "CLOSED").map((c) => c.key);
      for (const key of servicesToClose(closed)) expect(changed.has(key), `${profile.key} leaves ${key} open`).toBe(true);
    }
  });
});
