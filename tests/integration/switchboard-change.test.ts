import { outboxMails } from "./support/outbox";
import { and, asc, desc, eq, gt, like } from "drizzle-orm";
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { previewServiceChange } from "~/features/switchboard/change-plan";
import { changeServices, changeServicesByProfile } from "~/features/switchboard/change-services.server";
import { SwitchboardError } from "~/features/switchboard/errors";
import { INCIDENT_PROFILES } from "~/features/switchboard/profiles";
import { currentVersion, ensureServiceRows, listEvents, loadServiceStatuses } from "~/features/switchboard/store.server";
import { SERVICE_KEYS, type ServiceKey } from "~/features/switchboard/types";
import type { Actor } from "~/platform/audit/audit.server";
import { config, parseConfig, setConfig } from "~/platform/config/env.server";
import type { Db } from "~/platform/db/client.server";
import { auditLog, reopenRequests, switchboardEvents, switchboardServices, webhookDeliveries, mailOutbox } from "~/platform/db/schema";
import { createUser } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * Closing services and falling back (ADR 005): one transaction per change, dependents closed
 * with their dependency under one group id, events, audit entries, e-mails, webhook and
 * pg_notify — or nothing at all when the change is refused.
 */

const ON_CALL = "astreinte@bascule.example";
const WEBHOOK_URL = "https://hooks.example.test/bascule";

let t: TestDatabase;
let admin: Actor;
let adminEmails: string[];

beforeAll(async () => {
  t = await createTestDatabase();
  setConfig(
    parseConfig({
      ...process.env,
      SWITCHBOARD_ONCALL_EMAILS: `${ON_CALL}, ${ON_CALL.toUpperCase()}`,
      SWITCHBOARD_WEBHOOK_URL: WEBHOOK_URL,
      SWITCHBOARD_WEBHOOK_SECRET: "un secret partagé de test",
    }),
  );
  await ensureServiceRows(t.db);
  const alice = await createUser(t.db, { role: "ADMIN" });
  const bruno = await createUser(t.db, { role: "ADMIN" });
  await createUser(t.db, { role: "CLAIMS_HANDLER" });
  await createUser(t.db, { role: "MEMBER" });
  admin = { userId: alice.id, label: alice.email };
  adminEmails = [alice.email, bruno.email];
});

afterAll(async () => {
  setConfig(parseConfig(process.env));
  await t.dispose();
});

let auditIdBefore = 0;
beforeEach(async () => {
  await resetSwitchboard(t.db);
  const [last] = await t.db.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  auditIdBefore = last?.id ?? 0;
});

/** Every service back to OPEN, the switchboard's side tables emptied (the audit log stays). */
async function resetSwitchboard(db: Db): Promise<void> {
  await db.delete(reopenRequests);
  await db.delete(switchboardEvents);
  await db.delete(webhookDeliveries);
  await db.delete(mailOutbox);
  await db
    .update(switchboardServices)
    .set({ state: "OPEN", reason: null, publicMessage: null, expectedReturnAt: null, rolloutPercent: null, groupId: null });
}

const switchboardAudit = () =>
  t.db
    .select()
    .from(auditLog)
    .where(and(gt(auditLog.id, auditIdBefore), like(auditLog.action, "switchboard.%")))
    .orderBy(asc(auditLog.id));

const inOneHour = () => new Date(Date.now() + 3_600_000);

const closing = (changes: { key: ServiceKey; to: "CLOSED" | "FALLBACK" }[], extra: Partial<Parameters<typeof changeServices>[1]> = {}) =>
  changeServices(t.db, {
    actor: admin,
    changes,
    reason: "Attaque en cours sur le formulaire",
    publicMessage: "Ce service est momentanément fermé pour maintenance.",
    ...extra,
  });

async function expectNothingWritten(versionBefore: number): Promise<void> {
  expect(await currentVersion(t.db)).toBe(versionBefore);
  expect(await t.db.select().from(switchboardEvents)).toHaveLength(0);
  expect(await outboxMails(t.db)).toHaveLength(0);
  expect(await t.db.select().from(webhookDeliveries)).toHaveLength(0);
  expect(await switchboardAudit()).toHaveLength(0);
  const { services } = await loadServiceStatuses(t.db);
  expect(SERVICE_KEYS.map((k) => services[k].state)).toEqual(SERVICE_KEYS.map(() => "OPEN"));
}

describe("ensureServiceRows", () => {
  it("is idempotent and safe when several instances boot at once", async () => {
    const before = await loadServiceStatuses(t.db);
    await Promise.all([ensureServiceRows(t.db), ensureServiceRows(t.db), ensureServiceRows(t.db)]);
    const after = await loadServiceStatuses(t.db);
    expect(after.version).toBe(before.version);
    expect(Object.keys(after.services).sort()).toEqual([...SERVICE_KEYS].sort());

    await t.db.delete(switchboardServices).where(eq(switchboardServices.key, "documents"));
    await Promise.all([ensureServiceRows(t.db), ensureServiceRows(t.db)]);
    const restored = await loadServiceStatuses(t.db);
    expect(restored.services.documents).toMatchObject({ state: "OPEN", reason: null, rolloutPercent: null });
    expect(restored.version).toBeGreaterThan(before.version);
  });
});

describe("previewServiceChange", () => {
  it("lists the dependents that close with a service, and leaves those of a fallback alone", async () => {
    const { services } = await loadServiceStatuses(t.db);
    const plan = previewServiceChange(services, [
      { key: "devis-en-ligne", to: "CLOSED" },
      { key: "remboursements-en-ligne", to: "FALLBACK" },
    ]);
    expect(plan.changes.map((c) => [c.key, c.from, c.to, c.cause])).toEqual([
      ["devis-en-ligne", "OPEN", "CLOSED", "requested"],
      ["adhesion-en-ligne", "OPEN", "CLOSED", "dependency"],
      ["remboursements-en-ligne", "OPEN", "FALLBACK", "requested"],
    ]);
    expect(plan.changes[1]!.closedBecauseOf).toEqual(["devis-en-ligne"]);
    expect(plan.applicable).toBe(true);
  });

  it("flags what the state machine refuses, and unknown services", async () => {
    const { services } = await loadServiceStatuses(t.db);
    const plan = previewServiceChange(services, [{ key: "devis-en-ligne", to: "FALLBACK" }]);
    expect(plan.applicable).toBe(false);
    expect(plan.changes[0]!.refusal?.code).toBe("no-fallback");
    expect(() => previewServiceChange(services, [{ key: "paiement", to: "CLOSED" }])).toThrow(SwitchboardError);
  });
});

describe("changeServices", () => {
  it("closes a service and its dependents in one group, with events, audit, e-mails, one webhook and new versions", async () => {
    const versionBefore = await currentVersion(t.db);
    const expectedReturnAt = inOneHour();
    const result = await closing([{ key: "espace-adherent", to: "CLOSED" }], { expectedReturnAt, ipHash: "ip-hash" });

    const closed = ["espace-adherent", "remboursements-en-ligne", "coordonnees-bancaires", "documents"];
    expect(result.changed).toEqual(closed.map((key) => ({ key, from: "OPEN", to: "CLOSED" })));

    const rows = await t.db.select().from(switchboardServices).where(eq(switchboardServices.groupId, result.groupId));
    expect(rows.map((r) => r.key).sort()).toEqual([...closed].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        state: "CLOSED",
        reason: "Attaque en cours sur le formulaire",
        publicMessage: "Ce service est momentanément fermé pour maintenance.",
        rolloutPercent: null,
        updatedByUserId: admin.userId,
        updatedByLabel: admin.label,
      });
      expect(row.expectedReturnAt?.getTime()).toBe(expectedReturnAt.getTime());
      expect(row.version).toBeGreaterThan(versionBefore);
    }
    expect(new Set(rows.map((r) => r.version)).size).toBe(4);
    expect(result.version).toBe(Math.max(...rows.map((r) => r.version)));
    expect((await loadServiceStatuses(t.db)).version).toBe(result.version);
    expect(await currentVersion(t.db)).toBe(result.version);

    const events = await listEvents(t.db, { limit: 10 });
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.groupId === result.groupId && e.fromState === "OPEN" && e.toState === "CLOSED")).toBe(true);
    expect(await listEvents(t.db, { key: "documents", limit: 10 })).toHaveLength(1);

    const audit = await switchboardAudit();
    expect(audit.map((a) => [a.action, a.targetId])).toEqual(closed.map((key) => ["switchboard.service.closed", key]));
    expect(audit[0]).toMatchObject({ actorUserId: admin.userId, actorLabel: admin.label, ipHash: "ip-hash", outcome: "success" });
    expect(audit[0]!.details).toMatchObject({
      before: { state: "OPEN" },
      after: { state: "CLOSED" },
      reason: "Attaque en cours sur le formulaire",
      groupId: result.groupId,
      profileKey: null,
      cause: "requested",
    });
    expect(audit[1]!.details).toMatchObject({ cause: "dependency", closedBecauseOf: ["espace-adherent"] });

    const mails = await outboxMails(t.db);
    expect(mails.map((m) => m.toAddress).sort()).toEqual([...adminEmails, ON_CALL].sort());
    const mail = mails[0]!;
    expect(mail.subject).toBe("[Bascule] 4 services fermés : Espace adhérent, Remboursements en ligne, Modification des coordonnées bancaires, Documents en ligne");
    expect(mail.template).toBe("switchboard.notification");
    expect(mail.textBody).toContain(`${config().publicOrigin}/admin/services/espace-adherent`);
    expect(mail.textBody).toContain("Motif : Attaque en cours sur le formulaire");
    expect(mail.textBody).toContain("Message affiché au public : Ce service est momentanément fermé pour maintenance.");
    expect(mail.textBody).toContain(`Par : ${admin.label}`);
    expect(mail.textBody).toContain("(fermé parce qu’un service dont il dépend ferme)");

    const hooks = await t.db.select().from(webhookDeliveries);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ url: WEBHOOK_URL, eventType: "switchboard.changed", status: "PENDING" });
    expect(hooks[0]!.payload).toMatchObject({
      type: "switchboard.changed",
      version: result.version,
      groupId: result.groupId,
      changes: closed.map((key) => ({ key, from: "OPEN", to: "CLOSED" })),
      reason: "Attaque en cours sur le formulaire",
      publicMessage: "Ce service est momentanément fermé pour maintenance.",
      expectedReturnAt: expectedReturnAt.toISOString(),
      actor: admin.label,
    });
  });

  it("announces the new version with pg_notify when the transaction commits", async () => {
    const heard: string[] = [];
    let unlisten: () => Promise<void>;
    if (t.pglite) {
      unlisten = await t.pglite.listen("bascule_switchboard", (payload) => heard.push(payload));
    } else {
      const client: pg.PoolClient = await t.pool!.connect();
      client.on("notification", (n) => heard.push(n.payload ?? ""));
      await client.query("LISTEN bascule_switchboard");
      unlisten = async () => {
        await client.query("UNLISTEN bascule_switchboard");
        client.release();
      };
    }
    try {
      const { version } = await closing([{ key: "formulaire-contact", to: "CLOSED" }]);
      for (let i = 0; i < 100 && !heard.includes(String(version)); i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual([String(version)]);
    } finally {
      await unlisten();
    }
  });

  it("falls back a service with a fallback and leaves its dependents alone", async () => {
    const result = await closing([{ key: "remboursements-en-ligne", to: "FALLBACK" }]);
    expect(result.changed).toEqual([{ key: "remboursements-en-ligne", from: "OPEN", to: "FALLBACK" }]);
    expect((await switchboardAudit()).map((a) => a.action)).toEqual(["switchboard.service.fallback"]);
    const [mail] = await outboxMails(t.db);
    expect(mail!.subject).toBe("[Bascule] Service en mode de secours : Remboursements en ligne");

    // Closing the member space later keeps online claims in fallback: the e-mail channel needs no member space.
    const later = await closing([{ key: "espace-adherent", to: "CLOSED" }]);
    expect(later.changed.map((c) => c.key)).toEqual(["espace-adherent", "coordonnees-bancaires", "documents"]);
    expect((await loadServiceStatuses(t.db)).services["remboursements-en-ligne"].state).toBe("FALLBACK");
  });

  it("skips services already in the asked state but still closes their dependents", async () => {
    await closing([{ key: "devis-en-ligne", to: "CLOSED" }]);
    await t.db.update(switchboardServices).set({ state: "OPEN" }).where(eq(switchboardServices.key, "adhesion-en-ligne"));
    const versionBefore = await currentVersion(t.db);
    const again = await closing([{ key: "devis-en-ligne", to: "CLOSED" }]);
    expect(again.changed).toEqual([{ key: "adhesion-en-ligne", from: "OPEN", to: "CLOSED" }]);
    expect(again.version).toBeGreaterThan(versionBefore);

    const nothing = await closing([{ key: "devis-en-ligne", to: "CLOSED" }]);
    expect(nothing).toMatchObject({ changed: [], version: again.version });
  });

  it("refuses an illegal change as a whole and writes nothing", async () => {
    const versionBefore = await currentVersion(t.db);
    const attempt = closing([
      { key: "formulaire-contact", to: "CLOSED" },
      { key: "devis-en-ligne", to: "FALLBACK" },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(SwitchboardError);
    await expect(attempt).rejects.toMatchObject({ code: "illegal-transition", message: expect.stringContaining("Devis en ligne") as string });
    await expectNothingWritten(versionBefore);
  });

  it("validates reason, public message, expected return and keys before anything", async () => {
    const versionBefore = await currentVersion(t.db);
    const change = [{ key: "documents" as const, to: "CLOSED" as const }];
    const cases: [Partial<Parameters<typeof changeServices>[1]>, string][] = [
      [{ reason: "  a " }, "validation"],
      [{ reason: "x".repeat(501) }, "validation"],
      [{ publicMessage: "" }, "validation"],
      [{ expectedReturnAt: new Date(Date.now() - 1_000) }, "validation"],
      [{ expectedReturnAt: new Date(Number.NaN) }, "validation"],
      [{ changes: [] }, "validation"],
      [{ changes: [{ key: "paiement", to: "CLOSED" }] }, "unknown-service"],
      [{ changes: [{ key: "documents", to: "OPEN" }] }, "validation"],
    ];
    for (const [override, code] of cases) {
      await expect(closing(change, override)).rejects.toMatchObject({ name: "SwitchboardError", code });
    }
    await expectNothingWritten(versionBefore);
  });

  it("stores trimmed texts", async () => {
    await closing([{ key: "documents", to: "CLOSED" }], { reason: "  Fuite de documents  ", publicMessage: "\n Téléchargements suspendus. " });
    const { services } = await loadServiceStatuses(t.db);
    expect(services.documents).toMatchObject({ reason: "Fuite de documents", publicMessage: "Téléchargements suspendus." });
  });
});

describe("changeServicesByProfile", () => {
  it("applies an incident profile to many services in one audited group", async () => {
    const profile = INCIDENT_PROFILES.find((p) => p.key === "cyberattaque")!;
    const result = await changeServicesByProfile(t.db, {
      actor: admin,
      profileKey: "cyberattaque",
      reason: "Rançongiciel détecté sur le poste d’un gestionnaire",
      publicMessage: "Nos services en ligne sont fermés par précaution.",
    });
    expect(result.changed).toHaveLength(profile.changes.length);
    const { services } = await loadServiceStatuses(t.db);
    for (const change of profile.changes) expect(services[change.key]).toMatchObject({ state: change.to, groupId: result.groupId });

    const audit = await switchboardAudit();
    expect(audit).toHaveLength(profile.changes.length);
    expect(audit.every((a) => (a.details as { groupId: string; profileKey: string }).groupId === result.groupId)).toBe(true);
    expect(audit.every((a) => (a.details as { profileKey: string }).profileKey === "cyberattaque")).toBe(true);
    expect(await t.db.select().from(webhookDeliveries)).toHaveLength(1);
    const [mail] = await outboxMails(t.db);
    expect(mail!.textBody).toContain(`Profil d’incident : ${profile.label}`);
  });

  it("refuses an unknown profile", async () => {
    await expect(
      changeServicesByProfile(t.db, { actor: admin, profileKey: "inconnu", reason: "Motif valable", publicMessage: "Message valable" }),
    ).rejects.toMatchObject({ code: "unknown-profile" });
  });
});
