import type { DbOrTx } from "./client.server";

/**
 * A value read from the database and kept `ttlMs` in this process, per database handle (a WeakMap:
 * two databases in one process — tests, tools — never share it). When it is due, callers arriving
 * together share one read; a failed read is not kept, the next caller tries again. For reference
 * data that only changes at boot or by a deployment, read on busy paths.
 */
export function readThroughCache<T>(ttlMs: number, read: (db: DbOrTx) => Promise<T>): (db: DbOrTx, nowMs?: number) => Promise<T> {
  const kept = new WeakMap<object, { at: number; value: T }>();
  const reading = new WeakMap<object, Promise<T>>();
  return (db, nowMs = Date.now()) => {
    const hit = kept.get(db);
    if (hit && nowMs >= hit.at && nowMs - hit.at < ttlMs) return Promise.resolve(hit.value);
    let pending = reading.get(db);
    if (!pending) {
      pending = read(db).then(
        (value) => {
          kept.set(db, { at: nowMs, value });
          reading.delete(db);
          return value;
        },
        (error: unknown) => {
          reading.delete(db);
          throw error;
        },
      );
      reading.set(db, pending);
    }
    return pending;
  };
}
