import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeQuote } from "~/features/quotes/create-quote.server";
import { loadTariffVersion, tariffFor } from "~/features/quotes/ensure-tariff.server";
import { comparisonCatalogue, formulaSummaries } from "~/features/quotes/guarantees.server";
import { priceAllFormulas, tariffValidOn } from "~/features/quotes/tariff";
import { TARIFF_2026, type TariffVersionSpec } from "~/features/quotes/tariff-data";
import { departementOfPostcode, schemeOfDepartement } from "~/features/quotes/zones";
import type { DbOrTx } from "~/platform/db/client.server";
import { tariffAgeBands, tariffDepartementZones, tariffFactors, tariffVersions } from "~/platform/db/schema";
import { insertQuoteCatalogue } from "./support/quotes-fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-db";

/*
 * The quote pages' in-process caches (tariff versions, catalogue): a version added to the database
 * is picked up, each quote is priced with its own zone, scheme and version, and requests arriving
 * together when the cache is due share one read.
 */

let t: TestDatabase;
const MINUTE = 60_000;

/** A July 2027 version: formulas 10 % dearer and the Var (83) moved from zone Z2 to Z3. */
const TARIFF_2027_07: TariffVersionSpec = {
  ...TARIFF_2026,
  code: "2027-07",
  label: "Tarif juillet 2027",
  validFrom: "2027-07-01",
  factors: TARIFF_2026.factors.map((f) => (f.kind === "FORMULA" ? { ...f, multiplierPermille: Math.round(f.multiplierPermille * 1.1) } : f)),
  departementZones: { ...TARIFF_2026.departementZones, "83": "Z3" },
};

/** What a data migration publishing a version does (ensureTariff only knows tariff-data.ts). */
async function publishVersion(db: DbOrTx, spec: TariffVersionSpec): Promise<void> {
  const { bands, factors, departementZones, ...version } = spec;
  const [row] = await db.insert(tariffVersions).values(version).returning({ id: tariffVersions.id });
  const versionId = row!.id;
  await db.insert(tariffAgeBands).values(bands.map((b) => ({ ...b, versionId })));
  await db.insert(tariffFactors).values(factors.map((f) => ({ ...f, versionId })));
  await db.insert(tariffDepartementZones).values(Object.entries(departementZones).map(([departement, zone]) => ({ versionId, departement, zone })));
}

/** The same database handle, counting the SELECT statements started through it. */
function countingSelects(db: TestDatabase["db"]): { db: TestDatabase["db"]; selects: () => number } {
  let selects = 0;
  const proxy = new Proxy(db, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === "select") selects++;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: proxy, selects: () => selects };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await insertQuoteCatalogue(t.db);
});
afterAll(async () => {
  await t.dispose();
});

describe(`quote caches (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("concurrent requests share one read of the version list, of a version and of the catalogue", async () => {
    const { db, selects } = countingSelects(t.db);
    const now = Date.now();
    const tariffs = await Promise.all(Array.from({ length: 25 }, () => tariffFor(db, "2027-03-01", now)));
    expect(new Set(tariffs).size).toBe(1);
    // One list + the version's three tables.
    expect(selects()).toBe(4);
    // A minute later: the list is read again, once; the version, immutable, is not.
    await Promise.all(Array.from({ length: 25 }, () => tariffFor(db, "2027-03-01", now + MINUTE + 1)));
    expect(selects()).toBe(5);

    const catalogues = await Promise.all(Array.from({ length: 25 }, () => comparisonCatalogue(db, now)));
    expect(new Set(catalogues).size).toBe(1);
    expect(selects()).toBe(6);
  });

  it("a failed read is not kept: the next request reads again", async () => {
    let fail = true;
    const flaky = new Proxy(t.db, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key === "select" && fail) {
          fail = false;
          return () => ({ from: () => ({ orderBy: () => Promise.reject(new Error("connection lost")) }) });
        }
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(tariffFor(flaky, "2027-03-01")).rejects.toThrow("connection lost");
    expect((await tariffFor(flaky, "2027-03-01"))?.code).toBe("2026-01");
  });

  it("the comparison holds each formula's name and key lines as the catalogue has them", async () => {
    const now = Date.now();
    const [catalogue, columns] = await Promise.all([formulaSummaries(t.db, now), comparisonCatalogue(t.db, now)]);
    expect(columns.map((c) => [c.code, c.name])).toEqual(catalogue.map((f) => [f.code, f.name]));
    const f3 = catalogue.find((f) => f.code === "F3")!;
    const optics = f3.lines.find((l) => l.category === "optics-class-b")!;
    expect(columns.find((c) => c.code === "F3")!.keyLines).toContainEqual({ label: optics.label, summary: optics.summary });
  });

  it("prices every zone and scheme as the version's own rows say, whatever was asked before", async () => {
    const version = tariffValidOn(await t.db.select().from(tariffVersions), "2027-03-01")!;
    const reference = await loadTariffVersion(t.db, version);
    const postcode = fc.oneof(
      fc.integer({ min: 1000, max: 95999 }).map((n) => String(n).padStart(5, "0")),
      fc.constantFrom("20000", "20200", "97100", "97200", "97300", "97400", "97600", "57000", "67000", "68100"),
    );
    const family = fc.record({
      memberBirthDate: fc.integer({ min: 1940, max: 2008 }).map((y) => `${y}-05-17`),
      spouseBirthDate: fc.option(fc.integer({ min: 1940, max: 2008 }).map((y) => `${y}-02-03`), { nil: undefined }),
      children: fc.array(fc.integer({ min: 2003, max: 2026 }).map((y) => ({ birthDate: `${y}-09-09` })), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(postcode, family, async (code, people) => {
        const departement = departementOfPostcode(code);
        fc.pre(departement !== null);
        const form = { postcode: code, startDate: "2027-03-01", priorities: [], ...people };
        const outcome = await computeQuote(t.db, form);
        const [row] = await t.db
          .select({ zone: tariffDepartementZones.zone })
          .from(tariffDepartementZones)
          .where(and(eq(tariffDepartementZones.versionId, version.id), eq(tariffDepartementZones.departement, departement!)));
        if (!row) {
          expect(outcome.kind).toBe("invalid");
          return;
        }
        expect(outcome.kind).toBe("ok");
        if (outcome.kind !== "ok") return;
        const scheme = schemeOfDepartement(departement!);
        expect([outcome.quote.zone, outcome.quote.scheme, outcome.quote.tariffVersionId]).toEqual([row.zone, scheme, version.id]);
        const persons = outcome.quote.persons;
        expect(outcome.quote.formulas).toEqual(priceAllFormulas(reference, { startDate: form.startDate, zone: row.zone, scheme, persons }));
      }),
      { numRuns: 60 },
    );
  });

  it("a version published later is used once the list is refreshed, for the start dates it covers only", async () => {
    const now = Date.now();
    const before = await tariffFor(t.db, "2027-08-01", now);
    expect(before?.code).toBe("2026-01");
    await publishVersion(t.db, TARIFF_2027_07);
    // Within the minute the list is kept (a version is published ahead of its start date).
    expect((await tariffFor(t.db, "2027-08-01", now + 1_000))?.code).toBe("2026-01");
    const later = now + MINUTE + 1;
    const july = await tariffFor(t.db, "2027-08-01", later);
    expect(july?.code).toBe("2027-07");
    expect(july?.departementZones["83"]).toBe("Z3");
    expect(july?.factors.FORMULA).toEqual({ F1: 825, F2: 1100, F3: 1485, F4: 1980 });
    // Start dates before the new version keep the old one, with its own zones.
    const march = await tariffFor(t.db, "2027-03-01", later);
    expect(march?.code).toBe("2026-01");
    expect(march?.departementZones["83"]).toBe("Z2");
    expect(march?.factors.FORMULA).toEqual({ F1: 750, F2: 1000, F3: 1350, F4: 1800 });
  });
});
