import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { tariffAgeBands, tariffDepartementZones, tariffFactors, tariffVersions } from "~/platform/db/schema";
import { type FactorKind, type PersonKind, type Tariff, tariffValidOn } from "./tariff";
import { TARIFF_VERSIONS } from "./tariff-data";

/**
 * Writes the tariff versions of tariff-data.ts that the database does not hold yet (by code).
 * A version already present is left alone: published versions are never edited in place
 * (docs/decisions/010-versioned-tariffs.md), a change is a new version.
 */
export async function ensureTariff(tx: DbOrTx): Promise<void> {
  const existing = new Set((await tx.select({ code: tariffVersions.code }).from(tariffVersions)).map((r) => r.code));
  for (const spec of TARIFF_VERSIONS) {
    if (existing.has(spec.code)) continue;
    const { bands, factors, departementZones, ...version } = spec;
    const [row] = await tx.insert(tariffVersions).values(version).returning({ id: tariffVersions.id });
    const versionId = row!.id;
    await tx.insert(tariffAgeBands).values(bands.map((b) => ({ ...b, versionId })));
    await tx.insert(tariffFactors).values(factors.map((f) => ({ ...f, versionId })));
    await tx
      .insert(tariffDepartementZones)
      .values(Object.entries(departementZones).map(([departement, zone]) => ({ versionId, departement, zone })));
  }
}

type VersionRow = typeof tariffVersions.$inferSelect;

/*
 * Versions are immutable once written, so a loaded version is cached for the life of the process
 * (per database handle). Only the list of versions is refreshed, every minute, so that a version
 * added by a data migration is picked up without a restart. A refresh, and the loading of a
 * version, happen once however many requests ask at the same moment: under load, the minute's end
 * would otherwise send one identical query per request in flight to the database.
 */
const LIST_TTL_MS = 60_000;
type Cache = { listedAt: number; versions: VersionRow[]; tariffs: Map<string, Tariff>; loading: Map<string, Promise<Tariff>> };
const caches = new WeakMap<object, Cache>();
const listing = new WeakMap<object, Promise<Cache>>();

async function versionList(db: DbOrTx, nowMs: number): Promise<Cache> {
  const cache = caches.get(db);
  if (cache && nowMs - cache.listedAt <= LIST_TTL_MS) return cache;
  let pending = listing.get(db);
  if (!pending) {
    pending = db
      .select()
      .from(tariffVersions)
      .orderBy(asc(tariffVersions.validFrom))
      .then(
        (versions) => {
          const previous = caches.get(db);
          const fresh: Cache = { listedAt: nowMs, versions, tariffs: previous?.tariffs ?? new Map(), loading: previous?.loading ?? new Map() };
          caches.set(db, fresh);
          listing.delete(db);
          return fresh;
        },
        (error: unknown) => {
          listing.delete(db);
          throw error;
        },
      );
    listing.set(db, pending);
  }
  return pending;
}

export async function loadTariffVersion(db: DbOrTx, version: VersionRow): Promise<Tariff> {
  const [bands, factorRows, zoneRows] = await Promise.all([
    db.select().from(tariffAgeBands).where(eq(tariffAgeBands.versionId, version.id)).orderBy(asc(tariffAgeBands.minAge)),
    db.select().from(tariffFactors).where(eq(tariffFactors.versionId, version.id)),
    db.select().from(tariffDepartementZones).where(eq(tariffDepartementZones.versionId, version.id)),
  ]);
  const factors: Record<FactorKind, Record<string, number>> = { FORMULA: {}, ZONE: {}, SCHEME: {} };
  for (const f of factorRows) factors[f.kind as FactorKind][f.key] = f.multiplierPermille;
  return {
    versionId: version.id,
    code: version.code,
    validFrom: version.validFrom,
    validTo: version.validTo,
    childMaxAge: version.childMaxAge,
    adultMinAge: version.adultMinAge,
    freeChildFromRank: version.freeChildFromRank,
    bands: bands.map((b) => ({ personKind: b.personKind as PersonKind, minAge: b.minAge, maxAge: b.maxAge, monthlyCents: b.monthlyCents })),
    factors,
    departementZones: Object.fromEntries(zoneRows.map((z) => [z.departement, z.zone])),
  };
}

/** The tariff valid on `date` (ISO), or undefined when no version covers it. */
export async function tariffFor(db: DbOrTx, date: string, nowMs = Date.now()): Promise<Tariff | undefined> {
  const cache = await versionList(db, nowMs);
  const version = tariffValidOn(cache.versions, date);
  if (!version) return undefined;
  const tariff = cache.tariffs.get(version.id);
  if (tariff) return tariff;
  let pending = cache.loading.get(version.id);
  if (!pending) {
    pending = loadTariffVersion(db, version).then(
      (loaded) => {
        cache.tariffs.set(version.id, loaded);
        cache.loading.delete(version.id);
        return loaded;
      },
      (error: unknown) => {
        cache.loading.delete(version.id);
        throw error;
      },
    );
    cache.loading.set(version.id, pending);
  }
  return pending;
}
