import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { readThroughCache } from "~/platform/db/read-cache.server";
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
const versionList = readThroughCache(LIST_TTL_MS, (db): Promise<VersionRow[]> => db.select().from(tariffVersions).orderBy(asc(tariffVersions.validFrom)));
/** Loaded versions per database handle, by version id; a load that failed is dropped. */
const loadedVersions = new WeakMap<object, Map<string, Promise<Tariff>>>();

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
  const version = tariffValidOn(await versionList(db, nowMs), date);
  if (!version) return undefined;
  let byId = loadedVersions.get(db);
  if (!byId) {
    byId = new Map();
    loadedVersions.set(db, byId);
  }
  let tariff = byId.get(version.id);
  if (!tariff) {
    const loading = loadTariffVersion(db, version);
    byId.set(version.id, loading);
    loading.catch(() => {
      if (byId.get(version.id) === loading) byId.delete(version.id);
    });
    tariff = loading;
  }
  return tariff;
}
