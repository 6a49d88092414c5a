import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "./catalogue";
import { STALE_AFTER_MS, bucketOf, decide, degradedServices } from "./evaluate";
import { SERVICE_KEYS, SERVICE_STATES, type Audience, type ServiceKey, type ServiceState, type ServiceStatus, type SwitchboardSnapshot } from "./types";

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

function snapshot(
  changes: Partial<Record<ServiceKey, { state: ServiceState; rolloutPercent?: number }>> = {},
  confirmedAt = NOW,
): SwitchboardSnapshot {
  const services = Object.fromEntries(
    SERVICE_KEYS.map((key): [ServiceKey, ServiceStatus] => [
      key,
      {
        key,
        state: changes[key]?.state ?? "OPEN",
        since: "2026-11-28T08:00:00.000Z",
        reason: null,
        publicMessage: null,
        expectedReturnAt: null,
        rolloutPercent: changes[key]?.rolloutPercent ?? null,
        groupId: null,
      },
    ]),
  ) as Record<ServiceKey, ServiceStatus>;
  return { version: 7, services, confirmedAt };
}

/** FNV-1a 32-bit as published, over the concatenated string, written independently of `bucketOf`. */
function referenceFnv1a(text: string): number {
  let hash = 0x811c9dc5n;
  for (const unit of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))) {
    hash ^= BigInt(unit);
    hash = (hash * 0x01000193n) % 2n ** 32n;
  }
  return Number(hash);
}

const TESTER: Audience = { subjectId: "staff-1", isTester: true };
const ANONYMOUS: Audience = { subjectId: null, isTester: false };
const MEMBER: Audience = { subjectId: "member-42", isTester: false };
const AUDIENCES = { tester: TESTER, anonymous: ANONYMOUS, member: MEMBER } as const;

/** Open or not, and with the fallback channel or not, written out by hand. */
type Expected = "open" | "closed" | "fallback";
const EXPECTED: Record<"with-fallback" | "without-fallback", Record<ServiceState, Record<keyof typeof AUDIENCES, Expected>>> = {
  "with-fallback": {
    OPEN: { tester: "open", anonymous: "open", member: "open" },
    CLOSED: { tester: "closed", anonymous: "closed", member: "closed" },
    FALLBACK: { tester: "fallback", anonymous: "fallback", member: "fallback" },
    RETESTING: { tester: "open", anonymous: "fallback", member: "fallback" },
    // Rolled out to 1 % below: the member's bucket is not in it (checked in the test).
    REOPENING: { tester: "open", anonymous: "fallback", member: "fallback" },
  },
  "without-fallback": {
    OPEN: { tester: "open", anonymous: "open", member: "open" },
    CLOSED: { tester: "closed", anonymous: "closed", member: "closed" },
    // Unreachable through the state machine; should a row hold it, the service is still shut.
    FALLBACK: { tester: "fallback", anonymous: "fallback", member: "fallback" },
    RETESTING: { tester: "open", anonymous: "closed", member: "closed" },
    REOPENING: { tester: "open", anonymous: "closed", member: "closed" },
  },
};

describe("decide", () => {
  const rows = SERVICE_KEYS.flatMap((key) =>
    SERVICE_STATES.flatMap((state) => (Object.keys(AUDIENCES) as (keyof typeof AUDIENCES)[]).map((audience) => [key, state, audience] as const)),
  );

  it.each(rows)("%s in %s for a %s", (key, state, audienceName) => {
    expect(bucketOf(MEMBER.subjectId!, key)).toBeGreaterThanOrEqual(1);
    const current = snapshot({ [key]: { state, rolloutPercent: state === "REOPENING" ? 1 : undefined } });
    const expected = EXPECTED[SERVICE_CATALOGUE[key].hasFallback ? "with-fallback" : "without-fallback"][state][audienceName];
    const decision = decide(current, key, AUDIENCES[audienceName], NOW);
    if (expected === "open") expect(decision).toEqual({ open: true });
    else expect(decision).toEqual({ open: false, state, key, stale: false, fallback: expected === "fallback" });
  });

  it("opens a REOPENING service to members whose bucket is below the percentage, and only to them", () => {
    for (const key of SERVICE_KEYS) {
      const bucket = bucketOf(MEMBER.subjectId!, key);
      expect(decide(snapshot({ [key]: { state: "REOPENING", rolloutPercent: bucket + 1 } }), key, MEMBER, NOW).open).toBe(true);
      expect(decide(snapshot({ [key]: { state: "REOPENING", rolloutPercent: bucket } }), key, MEMBER, NOW).open).toBe(false);
      expect(decide(snapshot({ [key]: { state: "REOPENING", rolloutPercent: 99 } }), key, ANONYMOUS, NOW).open).toBe(false);
    }
  });

  it("answers with shared, frozen decisions instead of allocating", () => {
    const current = snapshot({ "devis-en-ligne": { state: "CLOSED" } });
    const open = decide(current, "documents", MEMBER, NOW);
    expect(decide(current, "espace-adherent", ANONYMOUS, NOW)).toBe(open);
    expect(Object.isFrozen(open)).toBe(true);
    const closed = decide(current, "devis-en-ligne", MEMBER, NOW);
    expect(decide(current, "devis-en-ligne", TESTER, NOW)).toBe(closed);
    expect(Object.isFrozen(closed)).toBe(true);
  });

  it("leaves every other service alone", () => {
    const current = snapshot({ "devis-en-ligne": { state: "CLOSED" } });
    for (const key of SERVICE_KEYS.filter((k) => k !== "devis-en-ligne")) expect(decide(current, key, ANONYMOUS, NOW).open).toBe(true);
  });
});

describe("decide on a stale snapshot", () => {
  const failClosed = SERVICE_KEYS.filter((key) => SERVICE_CATALOGUE[key].failSafe === "fail-closed");
  const lastKnown = SERVICE_KEYS.filter((key) => SERVICE_CATALOGUE[key].failSafe === "last-known");

  it("has both kinds of services", () => {
    expect(failClosed).toEqual(["devis-en-ligne", "adhesion-en-ligne", "coordonnees-bancaires", "formulaire-contact", "activation-compte"]);
    expect(lastKnown).toEqual(["espace-adherent", "remboursements-en-ligne", "documents"]);
  });

  it("is fresh up to 30 s after the last confirmation, stale after", () => {
    expect(STALE_AFTER_MS).toBe(30_000);
    const current = snapshot({}, NOW - 30_000);
    expect(decide(current, "devis-en-ligne", ANONYMOUS, NOW).open).toBe(true);
    expect(decide(current, "devis-en-ligne", ANONYMOUS, NOW + 1)).toEqual({ open: false, state: "OPEN", key: "devis-en-ligne", stale: true, fallback: false });
  });

  it.each(failClosed.flatMap((key) => SERVICE_STATES.map((state) => [key, state] as const)))(
    "closes %s in %s to everybody, testers included (fail-closed)",
    (key, state) => {
      const current = snapshot({ [key]: { state, rolloutPercent: state === "REOPENING" ? 50 : undefined } }, NOW - STALE_AFTER_MS - 1);
      for (const audience of [TESTER, ANONYMOUS, MEMBER]) {
        expect(decide(current, key, audience, NOW)).toEqual({ open: false, state, key, stale: true, fallback: state === "FALLBACK" });
      }
    },
  );

  it.each(lastKnown.flatMap((key) => SERVICE_STATES.map((state) => [key, state] as const)))("keeps the last known decision for %s in %s", (key, state) => {
    const percent = state === "REOPENING" ? 50 : undefined;
    for (const audience of [TESTER, ANONYMOUS, MEMBER]) {
      const fresh = decide(snapshot({ [key]: { state, rolloutPercent: percent } }), key, audience, NOW);
      const stale = decide(snapshot({ [key]: { state, rolloutPercent: percent } }, NOW - 3_600_000), key, audience, NOW);
      expect(stale).toEqual(fresh);
      if (!stale.open) expect(stale.stale).toBe(false);
    }
  });

  it("treats an unreadable confirmation time as stale", () => {
    expect(decide(snapshot({}, Number.NaN), "formulaire-contact", ANONYMOUS, NOW).open).toBe(false);
    expect(decide(snapshot({}, Number.NaN), "espace-adherent", ANONYMOUS, NOW).open).toBe(true);
  });
});

describe("bucketOf", () => {
  it("is FNV-1a of `${key}:${subjectId}`, modulo 100", () => {
    // The reference implementation against the published test vectors first.
    expect(referenceFnv1a("")).toBe(0x811c9dc5);
    expect(referenceFnv1a("a")).toBe(0xe40c292c);
    expect(referenceFnv1a("foobar")).toBe(0xbf9cf968);
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom(...SERVICE_KEYS), (subject, key) => {
        expect(bucketOf(subject, key)).toBe(referenceFnv1a(`${key}:${subject}`) % 100);
      }),
    );
  });

  it("is sticky: the same subject always lands in the same bucket, between 0 and 99", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.constantFrom(...SERVICE_KEYS), (subject, key) => {
        const bucket = bucketOf(subject, key);
        expect(Number.isInteger(bucket) && bucket >= 0 && bucket <= 99).toBe(true);
        expect(bucketOf([...subject].join(""), key)).toBe(bucket);
      }),
    );
  });

  it.each(SERVICE_KEYS)("puts 25 %% ± 2 %% of 10,000 random subjects below 25 for %s", (key) => {
    const subjects = fc.sample(fc.uuid(), { numRuns: 10_000, seed: 20261128 });
    const share = subjects.filter((subject) => bucketOf(subject, key) < 25).length / subjects.length;
    expect(share).toBeGreaterThanOrEqual(0.23);
    expect(share).toBeLessThanOrEqual(0.27);
  });

  it("spreads sequential member ids too", () => {
    const subjects = Array.from({ length: 10_000 }, (_, i) => `${100_000 + i}`);
    const share = subjects.filter((subject) => bucketOf(subject, "espace-adherent") < 25).length / subjects.length;
    expect(share).toBeGreaterThanOrEqual(0.23);
    expect(share).toBeLessThanOrEqual(0.27);
  });

  it("keeps a member admitted at p admitted at every higher percentage", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.constantFrom(...SERVICE_KEYS),
        fc.integer({ min: 1, max: 98 }),
        fc.integer({ min: 1, max: 98 }),
        (subject, key, low, step) => {
          const high = Math.min(99, low + step);
          const member: Audience = { subjectId: subject, isTester: false };
          const at = (percent: number) => decide(snapshot({ [key]: { state: "REOPENING", rolloutPercent: percent } }), key, member, NOW).open;
          if (at(low)) expect(at(high)).toBe(true);
        },
      ),
    );
  });
});

describe("degradedServices", () => {
  it("lists the services that are not open, in catalogue order", () => {
    const current = snapshot({
      documents: { state: "CLOSED" },
      "devis-en-ligne": { state: "RETESTING" },
      "remboursements-en-ligne": { state: "FALLBACK" },
      "activation-compte": { state: "REOPENING", rolloutPercent: 25 },
    });
    expect(degradedServices(current).map((s) => [s.key, s.state])).toEqual([
      ["devis-en-ligne", "RETESTING"],
      ["remboursements-en-ligne", "FALLBACK"],
      ["documents", "CLOSED"],
      ["activation-compte", "REOPENING"],
    ]);
    expect(degradedServices(snapshot())).toEqual([]);
  });
});
