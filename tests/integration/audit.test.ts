import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditEntry, appendAudit } from "~/platform/audit/audit.server";
import { entryHash } from "~/platform/audit/chain";
import { auditContent } from "~/platform/audit/sealing";
import {
  type AuditFilters,
  type AuditRecord,
  exportAuditCsv,
  iterateAuditEntries,
  latestAuditEntry,
  listAuditEntries,
  parseAuditFilters,
} from "~/platform/audit/query.server";
import { sealAuditBacklog, sealAuditLog } from "~/platform/audit/seal.server";
import { describeAuditVerification, verifyAuditChain, verifyAuditChainAs } from "~/platform/audit/verify.server";
import { auditLog } from "~/platform/db/schema";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

const HOUR = 3_600_000;
const START = Date.parse("2024-03-10T08:00:00.000Z");
const ACTORS = ["alice@bascule.example", "bob@bascule.example", "system", "cli:carole@bascule.example"];
const ACTIONS = ["auth.login.succeeded", "auth.login.failed", "admin.mail.retried", "claims.claim.approved"];
const OUTCOMES = ["success", "failure", "denied"] as const;

/** Entry number `i` of the fixture; the details vary in shape, nesting and key order. */
function fixture(i: number): { entry: AuditEntry; at: Date } {
  const details =
    i % 3 === 0
      ? { zeta: i, alpha: { nested: [i, "é", null], key: "valeur ‘typographique’" } }
      : i % 3 === 1
        ? { alpha: { key: "x", nested: [] }, zeta: -i / 4 }
        : undefined;
  return {
    entry: {
      actor: { userId: null, label: ACTORS[i % ACTORS.length]! },
      action: ACTIONS[i % ACTIONS.length]!,
      outcome: OUTCOMES[i % OUTCOMES.length]!,
      targetType: i % 2 === 0 ? "user" : undefined,
      targetId: i % 2 === 0 ? `u-${i}` : undefined,
      ipHash: i % 5 === 0 ? null : `ip-${i}`,
      details,
    },
    at: new Date(START + i * 6 * HOUR + (i % 7)),
  };
}

async function allRows(): Promise<AuditRecord[]> {
  return t.db.select().from(auditLog).orderBy(asc(auditLog.id));
}

describe("audit log", () => {
  it("writes entries unsealed, then seals them in insertion order into one linear chain", async () => {
    for (let i = 0; i < 10; i++) {
      const { entry, at } = fixture(i);
      await appendAudit(t.db, entry, at);
    }
    await Promise.all(
      Array.from({ length: 12 }, (_, k) => {
        const { entry, at } = fixture(10 + k);
        return t.db.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          await appendAudit(tx, entry, at);
        });
      }),
    );
    for (let i = 22; i < 30; i++) {
      const { entry, at } = fixture(i);
      await appendAudit(t.db, entry, at);
    }

    const unsealed = await allRows();
    expect(unsealed).toHaveLength(30);
    expect(unsealed.every((r) => r.seq === null && r.prevHash === null && r.hash === null)).toBe(true);
    expect(await latestAuditEntry(t.db)).toBeNull();
    // The journal shows entries before they are sealed.
    expect((await listAuditEntries(t.db, { limit: 50 })).entries).toHaveLength(30);

    expect(await sealAuditLog(t.db, { batchSize: 7 })).toBe(7);
    const partly = await allRows();
    expect(partly.map((r) => r.seq)).toEqual([...Array.from({ length: 7 }, (_, i) => i + 1), ...Array<null>(23).fill(null)]);
    expect(await sealAuditBacklog(t.db, { batchSize: 7 })).toBe(23);
    expect(await sealAuditLog(t.db)).toBe(0);

    const rows = await allRows();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    rows.slice(1).forEach((row, i) => expect(row.prevHash).toBe(rows[i]!.hash));
    // Sealing did not touch the content, and hashed it as recorded.
    expect(rows.map((r) => r.at.getTime())).toEqual(unsealed.map((r) => r.at.getTime()));
    expect(rows.map((r) => r.details)).toEqual(unsealed.map((r) => r.details));

    const latest = await latestAuditEntry(t.db);
    expect(await verifyAuditChain(t.db, { batchSize: 7 })).toEqual({ ok: true, count: 30, lastHash: latest?.hash });
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, count: 30, lastHash: latest?.hash });
  });

  it("lists newest first, page by page on id, sealed or not", async () => {
    const ids = (await allRows()).map((r) => r.id).reverse();
    const first = await listAuditEntries(t.db, { limit: 12 });
    expect(first.entries.map((e) => e.id)).toEqual(ids.slice(0, 12));
    expect(first.nextBefore).toBe(ids[11]);
    const second = await listAuditEntries(t.db, { before: ids[11], limit: 12 });
    expect(second.entries.map((e) => e.id)).toEqual(ids.slice(12, 24));
    expect(second.nextBefore).toBe(ids[23]);
    const last = await listAuditEntries(t.db, { before: ids[23], limit: 6 });
    expect(last.entries.map((e) => e.id)).toEqual(ids.slice(24));
    expect(last.nextBefore).toBeNull();

    // An entry not sealed yet is on the first page, above the sealed ones (rolled back: the
    // following tests count on 30 entries).
    const rollback = new Error("rollback");
    await expect(
      t.db.transaction(async (tx) => {
        await appendAudit(tx, { actor: { userId: null, label: "system" }, action: "probe.unsealed", outcome: "success" });
        const page = await listAuditEntries(tx, { limit: 2 });
        expect(page.entries.map((e) => [e.action, e.seq])).toEqual([
          ["probe.unsealed", null],
          [ACTIONS[29 % ACTIONS.length], 30],
        ]);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await allRows()).toHaveLength(30);

    const batches: number[][] = [];
    for await (const batch of iterateAuditEntries(t.db, { outcome: "success" }, 4)) batches.push(batch.map((e) => e.id));
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    const seqs = batches.flat();
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs).toHaveLength((await allRows()).filter((r) => r.outcome === "success").length);
  });

  it("filters by action prefix, actor substring, outcome and Paris days", async () => {
    const rows = await allRows();
    const check = async (filters: AuditFilters, keep: (r: AuditRecord) => boolean) => {
      const expected = rows.filter(keep).map((r) => r.id).reverse();
      expect(expected.length).toBeGreaterThan(0);
      const page = await listAuditEntries(t.db, { ...filters, limit: 100 });
      expect(page.entries.map((e) => e.id)).toEqual(expected);
    };
    await check({ action: "auth." }, (r) => r.action.startsWith("auth."));
    await check({ action: "auth.login.f" }, (r) => r.action === "auth.login.failed");
    await check({ actor: "BASCULE.example" }, (r) => r.actorLabel.includes("bascule.example"));
    await check({ actor: "carole" }, (r) => r.actorLabel === "cli:carole@bascule.example");
    await check({ outcome: "denied" }, (r) => r.outcome === "denied");

    const parsed = parseAuditFilters(new URLSearchParams("du=2024-03-12&au=2024-03-13&resultat=reussite&action=auth"));
    expect(parsed.errors).toEqual({});
    expect(parsed.filters.from).toEqual(new Date("2024-03-11T23:00:00.000Z"));
    expect(parsed.filters.to).toEqual(new Date("2024-03-13T23:00:00.000Z"));
    await check(
      parsed.filters,
      (r) =>
        r.at >= new Date("2024-03-11T23:00:00.000Z") &&
        r.at < new Date("2024-03-13T23:00:00.000Z") &&
        r.outcome === "success" &&
        r.action.startsWith("auth"),
    );

    // LIKE wildcards typed by the user match literally.
    expect((await listAuditEntries(t.db, { action: "auth_", limit: 100 })).entries).toEqual([]);
    expect((await listAuditEntries(t.db, { actor: "%", limit: 100 })).entries).toEqual([]);
    expect((await listAuditEntries(t.db, { actor: "_", limit: 100 })).entries).toEqual([]);
  });

  it("places Paris days correctly across daylight-saving changes", () => {
    const spring = parseAuditFilters(new URLSearchParams("du=2024-03-31&au=2024-03-31")).filters;
    expect(spring.from?.toISOString()).toBe("2024-03-30T23:00:00.000Z");
    expect(spring.to?.toISOString()).toBe("2024-03-31T22:00:00.000Z");
    const autumn = parseAuditFilters(new URLSearchParams("du=2024-10-27&au=2024-10-27")).filters;
    expect(autumn.from?.toISOString()).toBe("2024-10-26T22:00:00.000Z");
    expect(autumn.to?.toISOString()).toBe("2024-10-27T23:00:00.000Z");
  });

  it("reports and ignores hostile filter input instead of failing", async () => {
    const hostile = new URLSearchParams();
    hostile.append("action", "auth.'; drop table audit_log; --");
    hostile.append("auteur", "ali\u0000ce");
    hostile.append("resultat", "success");
    hostile.append("du", "2024-02-30");
    hostile.append("au", "2024-13-01");
    hostile.append("avant", "-1");
    const parsed = parseAuditFilters(hostile);
    expect(Object.keys(parsed.errors).sort()).toEqual(["action", "au", "auteur", "avant", "du", "resultat"]);
    expect(parsed.filters).toEqual({});
    expect(parsed.before).toBeUndefined();
    expect(parsed.query).toBe("");
    expect(parsed.typed.auteur).toBe("alice");
    expect((await listAuditEntries(t.db, { ...parsed.filters, before: parsed.before, limit: 50 })).entries).toHaveLength(30);

    for (const avant of ["1e400", "99999999999999999999", "0", "3.5", "0x10", " "]) {
      const p = parseAuditFilters(new URLSearchParams({ avant }));
      expect(p.before).toBeUndefined();
    }
    const long = parseAuditFilters(new URLSearchParams({ auteur: "a".repeat(10_000), action: "x".repeat(101) }));
    expect(long.errors.auteur).toBeDefined();
    expect(long.errors.action).toBeDefined();
    expect(long.typed.auteur).toHaveLength(200);

    const mixed = parseAuditFilters(
      new URLSearchParams("du=2024-03-14&au=2024-03-12&auteur=%3Cscript%3E%E2%80%99&avant=25&action=&resultat=refus&resultat=reussite"),
    );
    expect(mixed.errors).toEqual({ au: expect.any(String) });
    expect(mixed.filters).toEqual({ actor: "<script>’", outcome: "denied", from: new Date("2024-03-13T23:00:00.000Z") });
    expect(mixed.before).toBe(25);
    expect(mixed.accepted).toEqual({ du: "2024-03-14", auteur: "<script>’", resultat: "refus" });
    expect((await listAuditEntries(t.db, { ...mixed.filters, before: mixed.before, limit: 50 })).entries).toEqual([]);
  });

  it("exports the filtered entries as CSV and records the export", async () => {
    const now = new Date("2024-03-20T23:30:00.000Z");
    const parsed = parseAuditFilters(new URLSearchParams("resultat=refus&avant=12&du=invalide"));
    const { filename, body } = await exportAuditCsv(t.db, parsed, { actor: { userId: null, label: "admin@bascule.example" }, ipHash: "ip-x" }, now);
    expect(filename).toBe("journal-audit-20240321.csv");

    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1).split("\r\n");
    expect(lines[0]).toMatch(/^n°;horodatage \(UTC\);/);
    expect(lines.at(-1)).toBe("");
    const records = lines.slice(1, -1);
    const denied = (await allRows()).filter((r) => r.outcome === "denied");
    expect(records).toHaveLength(denied.length);
    expect(records[0]?.split(";")[0]).toBe(String(denied.at(-1)?.seq));

    const [recorded] = await t.db.select().from(auditLog).where(eq(auditLog.action, "audit.exported"));
    expect(recorded).toMatchObject({
      actorLabel: "admin@bascule.example",
      outcome: "success",
      details: { filters: { resultat: "refus" }, ignored: ["du"] },
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("records each verification run in the chain", async () => {
    // The export's entry is sealed by the verification itself.
    const result = await verifyAuditChainAs(t.db, { actor: { userId: null, label: "admin@bascule.example" }, ipHash: null });
    expect(result).toMatchObject({ ok: true, count: 31 });
    const [recorded] = await listAuditEntries(t.db, { action: "audit.verified", limit: 1 }).then((p) => p.entries);
    expect(recorded).toMatchObject({ seq: null, outcome: "success", details: { count: 31 } });
    await sealAuditBacklog(t.db);
    expect(await latestAuditEntry(t.db)).toMatchObject({ seq: 32, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("names the first altered entry", async () => {
    await t.db.execute(sql`update audit_log set details = jsonb_set(details, '{tampered}', 'true') where seq = 12`);
    expect(await verifyAuditChain(t.db, { batchSize: 5 })).toMatchObject({
      ok: false,
      count: 11,
      brokenSeq: 12,
      reason: "hash-mismatch",
    });
    await t.db.execute(sql`update audit_log set details = details - 'tampered' where seq = 12`);
    expect((await verifyAuditChain(t.db, { batchSize: 5 })).ok).toBe(true);

    await t.db.execute(sql`update audit_log set at = at + interval '1 microsecond' where seq = 5`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenSeq: 5, reason: "hash-mismatch" });
    await t.db.execute(sql`update audit_log set at = date_trunc('milliseconds', at) where seq = 5`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("detects an entry rewritten with a recomputed hash at the next link", async () => {
    const [row] = await t.db.select().from(auditLog).where(eq(auditLog.seq, 8));
    if (!row?.prevHash) throw new Error("fixture missing or not sealed");
    const forged = entryHash(row.prevHash, auditContent(8, { ...row, actorLabel: "quelqu’un d’autre" }));
    await t.db.execute(sql`update audit_log set actor_label = 'quelqu’un d’autre', hash = ${forged} where seq = 8`);
    expect(await verifyAuditChain(t.db, { batchSize: 3 })).toMatchObject({
      ok: false,
      count: 8,
      brokenSeq: 9,
      reason: "prev-hash-mismatch",
    });
    await t.db.execute(sql`update audit_log set actor_label = ${row.actorLabel}, hash = ${row.hash} where seq = 8`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("detects deleted entries and records a failed verification", async () => {
    await t.db.execute(sql`delete from audit_log where seq = 20`);
    expect(await verifyAuditChain(t.db, { batchSize: 4 })).toMatchObject({
      ok: false,
      count: 19,
      brokenSeq: 21,
      reason: "sequence-gap",
    });

    const result = await verifyAuditChainAs(t.db, { actor: { userId: null, label: "admin@bascule.example" }, ipHash: null });
    expect(result).toMatchObject({ ok: false, brokenSeq: 21 });
    expect(describeAuditVerification(result)).toBe(
      "Journal d’audit ALTÉRÉ à l’entrée n° 21 (entrée manquante ou déplacée) : entrée n° 20 attendue, entrée n° 21 trouvée",
    );
    const [brokenRow] = await t.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.seq, 21));
    const [recorded] = await listAuditEntries(t.db, { action: "audit.verified", outcome: "failure", limit: 1 }).then((p) => p.entries);
    expect(recorded?.details).toEqual({ count: 19, brokenSeq: 21, brokenId: brokenRow?.id, reason: "sequence-gap" });

    await t.db.execute(sql`delete from audit_log where seq = 1`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, count: 0, brokenSeq: 2, reason: "sequence-gap" });
  });
});
