import { outboxMails } from "./support/outbox";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, desc, eq, gt, like } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { changeServices } from "~/features/switchboard/change-services.server";
import { SwitchboardError } from "~/features/switchboard/errors";
import { advanceRollout } from "~/features/switchboard/reopen/advance-rollout.server";
import { applyDueReopens } from "~/features/switchboard/reopen/apply-reopen.server";
import { approveReopen } from "~/features/switchboard/reopen/approve-reopen.server";
import { cancelReopen } from "~/features/switchboard/reopen/cancel-reopen.server";
import { proposeExpectedReturns } from "~/features/switchboard/reopen/propose-reopen.server";
import { attachTestReport, signChecklistItem } from "~/features/switchboard/reopen/record-evidence.server";
import { rejectReopen } from "~/features/switchboard/reopen/reject-reopen.server";
import { getReopenRequest, listReopenRequests } from "~/features/switchboard/reopen/reopen-requests.server";
import type { TestReport } from "~/features/switchboard/reopen/reopen-rules";
import { beginRetest, requestReopen } from "~/features/switchboard/reopen/request-reopen.server";
import { startSwitchboardScheduler } from "~/features/switchboard/reopen/schedule-reopens.server";
import { PROBE_TIMEOUT_MS, runProbes, runRetest } from "~/features/switchboard/retest.server";
import { addTester, ensureServiceRows, isTester, listEvents, listTesters, loadServiceStatuses, removeTester } from "~/features/switchboard/store.server";
import { SERVICE_KEYS, type ServiceKey } from "~/features/switchboard/types";
import type { Actor } from "~/platform/audit/audit.server";
import { readSessionToken, sessionCookieName, validateSessionToken } from "~/platform/auth/session.server";
import { parseConfig, setConfig } from "~/platform/config/env.server";
import {
  auditLog,
  mailOutbox,
  reopenRequests,
  sessions,
  switchboardEvents,
  switchboardServices,
  webhookDeliveries,
} from "~/platform/db/schema";
import { RETEST_PROBES } from "~/retest-probes.server";
import { createMemberPerson, createUser } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * Four-eyes reopening (ADR 005): re-test report, signed checklist, a second admin; rejection,
 * cancellation, scheduled reopening without ghost execution, progressive reopening, proposals at
 * the expected return time, and the automated re-test's probe runner.
 */

let t: TestDatabase;
let alice: Actor;
let bruno: Actor;
let gaelle: Actor;
let testerUserId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  setConfig(parseConfig({ ...process.env, SWITCHBOARD_WEBHOOK_URL: "https://hooks.example.test/bascule", SWITCHBOARD_WEBHOOK_SECRET: "un secret partagé de test" }));
  await ensureServiceRows(t.db);
  const asActor = (u: { id: string; email: string }): Actor => ({ userId: u.id, label: u.email });
  alice = asActor(await createUser(t.db, { role: "ADMIN", email: "alice.admin@bascule.example" }));
  bruno = asActor(await createUser(t.db, { role: "ADMIN", email: "bruno.admin@bascule.example" }));
  gaelle = asActor(await createUser(t.db, { role: "CLAIMS_HANDLER", email: "gaelle.gestion@bascule.example" }));
  const person = await createMemberPerson(t.db);
  const tester = await createUser(t.db, { role: "MEMBER", personId: person.id, email: "testeur@bascule.example" });
  testerUserId = tester.id;
  expect(await addTester(t.db, { actor: alice, userId: tester.id })).toBe(true);
});

afterAll(async () => {
  setConfig(parseConfig(process.env));
  await t.dispose();
});

let auditIdBefore = 0;
beforeEach(async () => {
  await t.db.delete(reopenRequests);
  await t.db.delete(switchboardEvents);
  await t.db.delete(webhookDeliveries);
  await t.db.delete(mailOutbox);
  await t.db
    .update(switchboardServices)
    .set({ state: "OPEN", reason: null, publicMessage: null, expectedReturnAt: null, rolloutPercent: null, groupId: null });
  const [last] = await t.db.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  auditIdBefore = last?.id ?? 0;
});

const auditActions = async () =>
  (
    await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(gt(auditLog.id, auditIdBefore), like(auditLog.action, "switchboard.%")))
      .orderBy(asc(auditLog.id))
  ).map((a) => a.action);

async function close(key: ServiceKey, expectedReturnAt: Date | null = null) {
  return changeServices(t.db, {
    actor: alice,
    changes: [{ key, to: "CLOSED" }],
    reason: "Faille de sécurité corrigée en urgence",
    publicMessage: "Service fermé le temps d’une vérification.",
    expectedReturnAt,
  });
}

const stateOf = async (key: ServiceKey) => (await loadServiceStatuses(t.db)).services[key];

const report = (passed: boolean): TestReport => ({
  passed,
  ranAt: new Date().toISOString(),
  durationMs: 42,
  probes: [
    { name: "Page d’accueil", passed: true, detail: "GET /activation : 200." },
    { name: "Envoi du formulaire", passed, detail: passed ? "200" : "POST /activation a répondu 500 (attendu : 200)." },
  ],
});

async function signAll(requestId: string, actor: Actor, from = 0) {
  const request = (await getReopenRequest(t.db, requestId))!;
  for (let index = from; index < request.checklist.length; index++) await signChecklistItem(t.db, { requestId, index, actor });
}

/** A closed service with a request by `requester`, a passed re-test and a signed checklist. */
async function readyRequest(key: ServiceKey, requester: Actor = alice, rolloutPercent = 100) {
  await close(key);
  const request = await requestReopen(t.db, { actor: requester, key, rolloutPercent });
  await attachTestReport(t.db, { requestId: request.id, report: report(true), actor: requester });
  await signAll(request.id, requester);
  return request;
}

describe("requestReopen", () => {
  it("puts the service in RETESTING with an unsigned checklist, audited and notified", async () => {
    await close("activation-compte");
    await t.db.delete(mailOutbox);
    const request = await requestReopen(t.db, { actor: alice, key: "activation-compte" });
    expect(request).toMatchObject({ serviceKey: "activation-compte", status: "PENDING", origin: "manual", requestedByUserId: alice.userId, rolloutPercent: 100 });
    expect(request.checklist.length).toBeGreaterThan(0);
    expect(request.checklist.every((c) => c.signedAt === null && c.signedByLabel === null)).toBe(true);

    const status = await stateOf("activation-compte");
    expect(status.state).toBe("RETESTING");
    // Still closed to the public: the closure's message stays.
    expect(status.publicMessage).toBe("Service fermé le temps d’une vérification.");
    const [event] = await listEvents(t.db, { key: "activation-compte", limit: 1 });
    expect(event).toMatchObject({ fromState: "CLOSED", toState: "RETESTING", reopenRequestId: request.id });

    expect(await auditActions()).toEqual(["switchboard.service.closed", "switchboard.service.retesting", "switchboard.reopen.requested"]);
    const mails = await outboxMails(t.db);
    expect(mails.map((m) => m.toAddress).sort()).toEqual([alice.label, bruno.label].sort());
    expect(mails[0]!.subject).toBe("[Bascule] Service en re-test : Activation de l’espace adhérent");
    expect(mails[0]!.textBody).toContain(`Réouverture demandée par ${alice.label}`);
    const hooks = await t.db.select({ type: webhookDeliveries.eventType }).from(webhookDeliveries).orderBy(asc(webhookDeliveries.createdAt));
    expect(hooks.map((h) => h.type).sort()).toEqual(["switchboard.changed", "switchboard.changed", "switchboard.reopen.requested"]);
  });

  it("refuses a second live request, an open service, a non-admin and a bad percentage", async () => {
    await close("documents");
    await requestReopen(t.db, { actor: alice, key: "documents" });
    await expect(requestReopen(t.db, { actor: bruno, key: "documents" })).rejects.toMatchObject({ code: "live-request-exists" });
    await expect(requestReopen(t.db, { actor: alice, key: "devis-en-ligne" })).rejects.toMatchObject({ code: "wrong-state" });
    await close("devis-en-ligne");
    await expect(requestReopen(t.db, { actor: gaelle, key: "devis-en-ligne" })).rejects.toMatchObject({ code: "not-admin" });
    await expect(requestReopen(t.db, { actor: alice, key: "devis-en-ligne", rolloutPercent: 0 })).rejects.toMatchObject({ code: "validation" });
    await expect(requestReopen(t.db, { actor: alice, key: "inconnu" })).rejects.toMatchObject({ code: "unknown-service" });
    expect(await listReopenRequests(t.db, { key: "devis-en-ligne" })).toHaveLength(0);
  });
});

describe("four-eyes approval", () => {
  it("needs a passed re-test, a signed checklist and an admin who is not the requester", async () => {
    await close("formulaire-contact");
    const request = await requestReopen(t.db, { actor: alice, key: "formulaire-contact" });
    const approve = (actor: Actor) => approveReopen(t.db, { requestId: request.id, actor });

    await expect(approve(alice)).rejects.toMatchObject({ code: "four-eyes" });
    await expect(approve(gaelle)).rejects.toMatchObject({ code: "not-admin" });
    await expect(approve(bruno)).rejects.toMatchObject({ code: "tests-missing" });

    await attachTestReport(t.db, { requestId: request.id, report: report(false), actor: alice });
    expect((await getReopenRequest(t.db, request.id))!.testsPassedAt).toBeNull();
    await expect(approve(bruno)).rejects.toMatchObject({ code: "tests-failed" });

    await attachTestReport(t.db, { requestId: request.id, report: report(true), actor: alice });
    expect((await getReopenRequest(t.db, request.id))!.testsPassedAt).not.toBeNull();
    await expect(approve(bruno)).rejects.toMatchObject({ code: "checklist-incomplete" });

    // The same admin may sign every item; each is signed once, by name.
    await signChecklistItem(t.db, { requestId: request.id, index: 0, actor: alice });
    await expect(signChecklistItem(t.db, { requestId: request.id, index: 0, actor: bruno })).rejects.toMatchObject({ code: "already-signed" });
    await expect(signChecklistItem(t.db, { requestId: request.id, index: 99, actor: bruno })).rejects.toMatchObject({ code: "validation" });
    await expect(signChecklistItem(t.db, { requestId: request.id, index: 1, actor: gaelle })).rejects.toMatchObject({ code: "not-admin" });
    await signAll(request.id, alice, 1);
    const signed = (await getReopenRequest(t.db, request.id))!;
    expect(signed.checklist.every((c) => c.signedByLabel === alice.label && c.signedAt !== null)).toBe(true);
    await expect(approve(alice)).rejects.toMatchObject({ code: "four-eyes" });

    const { request: applied, applied: change } = await approve(bruno);
    expect(applied).toMatchObject({ status: "APPLIED", decidedByUserId: bruno.userId, decidedByLabel: bruno.label });
    expect(change).toMatchObject({ key: "formulaire-contact", from: "RETESTING", to: "OPEN" });
    expect(await stateOf("formulaire-contact")).toMatchObject({ state: "OPEN", reason: null, publicMessage: null, expectedReturnAt: null });
    const [event] = await listEvents(t.db, { key: "formulaire-contact", limit: 1 });
    expect(event).toMatchObject({ toState: "OPEN", reopenRequestId: request.id, actorLabel: bruno.label });
    expect((await auditActions()).slice(-3)).toEqual(["switchboard.reopen.approved", "switchboard.service.opened", "switchboard.reopen.applied"]);
    await expect(approve(bruno)).rejects.toMatchObject({ code: "not-pending" });
  });

  it("refuses an inconsistent test report", async () => {
    await close("formulaire-contact");
    const request = await requestReopen(t.db, { actor: alice, key: "formulaire-contact" });
    const lying = { ...report(false), passed: true };
    await expect(attachTestReport(t.db, { requestId: request.id, report: lying, actor: alice })).rejects.toMatchObject({ code: "validation" });
    const empty = { ...report(true), probes: [] };
    await expect(attachTestReport(t.db, { requestId: request.id, report: empty, actor: alice })).rejects.toMatchObject({ code: "validation" });
  });

  it("refuses to reopen a service whose dependency is still closed", async () => {
    await close("devis-en-ligne");
    const request = await requestReopen(t.db, { actor: alice, key: "adhesion-en-ligne" });
    await attachTestReport(t.db, { requestId: request.id, report: report(true), actor: alice });
    await signAll(request.id, alice);
    await expect(approveReopen(t.db, { requestId: request.id, actor: bruno })).rejects.toMatchObject({ code: "dependency-closed" });
  });

  it("lets a second admin reject with a reason; the service stays in re-test", async () => {
    const request = await readyRequest("documents");
    await expect(rejectReopen(t.db, { requestId: request.id, actor: bruno, reason: " " })).rejects.toMatchObject({ code: "validation" });
    await expect(rejectReopen(t.db, { requestId: request.id, actor: alice, reason: "Je me ravise" })).rejects.toMatchObject({ code: "four-eyes" });
    const rejected = await rejectReopen(t.db, { requestId: request.id, actor: bruno, reason: "Les empreintes des documents ne sont pas vérifiées" });
    expect(rejected).toMatchObject({ status: "REJECTED", decidedByLabel: bruno.label, decisionReason: "Les empreintes des documents ne sont pas vérifiées" });
    expect((await stateOf("documents")).state).toBe("RETESTING");
    await expect(approveReopen(t.db, { requestId: request.id, actor: bruno })).rejects.toMatchObject({ code: "not-pending" });
    const [mail] = (await outboxMails(t.db)).filter((m) => m.subject === "[Bascule] Réouverture rejetée : Documents en ligne");
    expect(mail!.textBody).toContain("Motif : Les empreintes des documents ne sont pas vérifiées");
    // A new request can follow.
    expect(await requestReopen(t.db, { actor: alice, key: "documents" })).toMatchObject({ status: "PENDING" });
  });

  it("lets the requester withdraw a pending request", async () => {
    const request = await readyRequest("documents");
    const cancelled = await cancelReopen(t.db, { requestId: request.id, actor: alice, reason: "Demande faite trop tôt" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", cancelledByLabel: alice.label, decisionReason: "Demande faite trop tôt" });
    expect((await stateOf("documents")).state).toBe("RETESTING");
    await expect(cancelReopen(t.db, { requestId: request.id, actor: alice })).rejects.toMatchObject({ code: "not-cancellable" });
  });

  it("cancels a live request when the service is closed again", async () => {
    const request = await readyRequest("documents");
    await close("documents");
    expect(await getReopenRequest(t.db, request.id)).toMatchObject({ status: "CANCELLED", cancelledByLabel: alice.label });
    expect(await auditActions()).toContain("switchboard.reopen.cancelled");
  });
});

describe("scheduled reopening", () => {
  it("never applies a cancelled schedule (no ghost execution)", async () => {
    const request = await readyRequest("formulaire-contact");
    const at = new Date(Date.now() + 60_000);
    const { request: approved, applied } = await approveReopen(t.db, { requestId: request.id, actor: bruno, scheduledFor: at });
    expect(applied).toBeNull();
    expect(approved).toMatchObject({ status: "APPROVED", scheduledFor: at });
    expect(await applyDueReopens(t.db, new Date(at.getTime() - 1))).toEqual([]);

    await cancelReopen(t.db, { requestId: request.id, actor: alice });
    const eventsBefore = await listEvents(t.db, { key: "formulaire-contact", limit: 100 });
    expect(await applyDueReopens(t.db, at)).toEqual([]);
    expect(await applyDueReopens(t.db, new Date(at.getTime() + 3_600_000))).toEqual([]);
    expect((await stateOf("formulaire-contact")).state).toBe("RETESTING");
    expect(await listEvents(t.db, { key: "formulaire-contact", limit: 100 })).toHaveLength(eventsBefore.length);
    expect(await getReopenRequest(t.db, request.id)).toMatchObject({ status: "CANCELLED", appliedAt: null });
  });

  it("applies a due schedule exactly once, even with two schedulers at the same time", async () => {
    const request = await readyRequest("formulaire-contact");
    const at = new Date(Date.now() + 60_000);
    await approveReopen(t.db, { requestId: request.id, actor: bruno, scheduledFor: at });
    const [first, second] = await Promise.all([applyDueReopens(t.db, at), applyDueReopens(t.db, at)]);
    const applied = [...first, ...second];
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ requestId: request.id, key: "formulaire-contact", to: "OPEN" });
    expect((await stateOf("formulaire-contact")).state).toBe("OPEN");
    const opened = (await listEvents(t.db, { key: "formulaire-contact", limit: 100 })).filter((e) => e.toState === "OPEN");
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ actorLabel: "system", reopenRequestId: request.id });
    expect(await getReopenRequest(t.db, request.id)).toMatchObject({ status: "APPLIED" });
    expect(await applyDueReopens(t.db, new Date(at.getTime() + 60_000))).toEqual([]);
  });

  it("is applied by the scheduler loop, which stops cleanly", async () => {
    const request = await readyRequest("formulaire-contact");
    await approveReopen(t.db, { requestId: request.id, actor: bruno, scheduledFor: new Date(Date.now() + 150) });
    const scheduler = startSwitchboardScheduler({ db: () => t.db, intervalMs: 25, logger: pino({ level: "silent" }) });
    try {
      for (let i = 0; i < 200 && (await getReopenRequest(t.db, request.id))!.status !== "APPLIED"; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await scheduler.stop();
    }
    expect((await stateOf("formulaire-contact")).state).toBe("OPEN");
  });

  it("cancels a schedule that can no longer apply, with the reason", async () => {
    const request = await readyRequest("formulaire-contact");
    const at = new Date(Date.now() + 60_000);
    await approveReopen(t.db, { requestId: request.id, actor: bruno, scheduledFor: at });
    // Simulate a state the use-cases never leave behind: the service left RETESTING under the request.
    await t.db.update(switchboardServices).set({ state: "CLOSED" }).where(eq(switchboardServices.key, "formulaire-contact"));
    expect(await applyDueReopens(t.db, at)).toEqual([]);
    expect(await getReopenRequest(t.db, request.id)).toMatchObject({ status: "CANCELLED", cancelledByLabel: "system" });
  });
});

describe("progressive reopening", () => {
  it("opens to a share of members, then more, then everyone", async () => {
    const request = await readyRequest("activation-compte", alice, 25);
    const { applied } = await approveReopen(t.db, { requestId: request.id, actor: bruno });
    expect(applied).toMatchObject({ to: "REOPENING", rolloutPercent: 25 });
    expect(await stateOf("activation-compte")).toMatchObject({ state: "REOPENING", rolloutPercent: 25 });

    await expect(advanceRollout(t.db, { actor: alice, key: "activation-compte", rolloutPercent: 25 })).rejects.toMatchObject({ code: "illegal-transition" });
    await expect(advanceRollout(t.db, { actor: gaelle, key: "activation-compte", rolloutPercent: 50 })).rejects.toMatchObject({ code: "not-admin" });
    expect(await advanceRollout(t.db, { actor: alice, key: "activation-compte", rolloutPercent: 50 })).toMatchObject({ state: "REOPENING", rolloutPercent: 50 });
    const mail = (await outboxMails(t.db)).at(-1);
    expect(mail!.subject).toBe("[Bascule] Service en réouverture progressive (50 %) : Activation de l’espace adhérent");
    expect(await advanceRollout(t.db, { actor: alice, key: "activation-compte", rolloutPercent: 100 })).toMatchObject({ state: "OPEN", rolloutPercent: null });
    await expect(advanceRollout(t.db, { actor: alice, key: "activation-compte", rolloutPercent: 100 })).rejects.toMatchObject({ code: "illegal-transition" });
    expect((await auditActions()).filter((a) => a === "switchboard.service.reopening")).toHaveLength(2);
  });
});

describe("expected return time", () => {
  it("proposes a reopening once, and nothing reopens by itself", async () => {
    const expectedReturnAt = new Date(Date.now() + 60_000);
    await close("formulaire-contact", expectedReturnAt);
    expect(await proposeExpectedReturns(t.db, new Date(expectedReturnAt.getTime() - 1))).toEqual([]);
    const [proposal, ...others] = await proposeExpectedReturns(t.db, expectedReturnAt);
    expect(others).toEqual([]);
    expect(proposal).toMatchObject({
      serviceKey: "formulaire-contact",
      status: "PENDING",
      origin: "expected-return",
      requestedByUserId: null,
      requestedByLabel: "système",
    });
    expect((await stateOf("formulaire-contact")).state).toBe("CLOSED");
    expect((await outboxMails(t.db)).filter((m) => m.subject === "[Bascule] Réouverture proposée : Formulaire de contact")).toHaveLength(2);
    // Once per closure, even after the proposal is turned down.
    expect(await proposeExpectedReturns(t.db, new Date(expectedReturnAt.getTime() + 60_000))).toEqual([]);
    await cancelReopen(t.db, { requestId: proposal!.id, actor: alice });
    expect(await proposeExpectedReturns(t.db, new Date(expectedReturnAt.getTime() + 120_000))).toEqual([]);
    expect(await applyDueReopens(t.db, new Date(expectedReturnAt.getTime() + 120_000))).toEqual([]);
    expect((await stateOf("formulaire-contact")).state).toBe("CLOSED");
  });

  it("goes through re-test and a second admin like any request", async () => {
    const expectedReturnAt = new Date(Date.now() + 60_000);
    await close("formulaire-contact", expectedReturnAt);
    const [proposal] = await proposeExpectedReturns(t.db, expectedReturnAt);
    expect((await beginRetest(t.db, { requestId: proposal!.id, actor: alice })).version).not.toBeNull();
    expect((await stateOf("formulaire-contact")).state).toBe("RETESTING");
    expect((await beginRetest(t.db, { requestId: proposal!.id, actor: alice })).version).toBeNull();
    await attachTestReport(t.db, { requestId: proposal!.id, report: report(true), actor: alice });
    await signAll(proposal!.id, alice);
    await expect(approveReopen(t.db, { requestId: proposal!.id, actor: alice })).rejects.toMatchObject({ code: "four-eyes" });
    expect((await approveReopen(t.db, { requestId: proposal!.id, actor: bruno })).applied).toMatchObject({ to: "OPEN" });
  });
});

describe("testers", () => {
  it("lists, adds and removes allow-listed accounts, audited; staff are always testers", async () => {
    expect((await listTesters(t.db)).map((x) => x.userId)).toEqual([testerUserId]);
    expect(await isTester(t.db, testerUserId)).toBe(true);
    expect(await isTester(t.db, gaelle.userId!)).toBe(true);
    const member = await createUser(t.db, { role: "MEMBER" });
    expect(await isTester(t.db, member.id)).toBe(false);
    expect(await addTester(t.db, { actor: alice, userId: member.id })).toBe(true);
    expect(await addTester(t.db, { actor: alice, userId: member.id })).toBe(false);
    expect(await isTester(t.db, member.id)).toBe(true);
    expect(await removeTester(t.db, { actor: alice, userId: member.id })).toBe(true);
    expect(await removeTester(t.db, { actor: alice, userId: member.id })).toBe(false);
    expect(await isTester(t.db, member.id)).toBe(false);
    expect(await auditActions()).toEqual(["switchboard.tester.added", "switchboard.tester.removed"]);
    await expect(addTester(t.db, { actor: alice, userId: "00000000-0000-4000-8000-000000000000" })).rejects.toBeInstanceOf(SwitchboardError);
  });
});

type Recorded = { method: string; url: string; cookie: string | null; origin: string | null; contentType: string | null; body: string };

/** A fetch that records requests and answers from `route`. */
function recordingFetch(route: (req: Recorded) => Response | Promise<Response>) {
  const requests: Recorded[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const recorded: Recorded = {
      method: request.method,
      url: request.url,
      cookie: request.headers.get("cookie"),
      origin: request.headers.get("origin"),
      contentType: request.headers.get("content-type"),
      body: await request.text(),
    };
    requests.push(recorded);
    return route(recorded);
  }) as typeof fetch;
  return { fetchImpl, requests };
}

const html = (body: string, status = 200) => new Response(`<!doctype html><html><body>${body}</body></html>`, { status, headers: { "Content-Type": "text/html" } });

describe("probes", () => {
  it("exercise activation through its own routes, with the tester's cookie and the site's Origin", async () => {
    const { fetchImpl, requests } = recordingFetch((req) =>
      req.method === "GET"
        ? html('<form method="post"><input name="memberNumber"></form>')
        : html("<p>Si ces informations correspondent à un adhérent, un e-mail…</p>"),
    );
    const result = await runProbes(RETEST_PROBES["activation-compte"], { baseUrl: "http://portail.test:3000", cookie: "bascule_session=abc.def", fetchImpl });
    expect(result.passed).toBe(true);
    expect(result.probes.map((p) => p.passed)).toEqual([true, true]);
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ["GET", "http://portail.test:3000/activation"],
      ["POST", "http://portail.test:3000/activation"],
    ]);
    expect(requests.every((r) => r.cookie === "bascule_session=abc.def")).toBe(true);
    expect(requests[1]).toMatchObject({ origin: "http://portail.test:3000", contentType: "application/x-www-form-urlencoded" });
    expect(Object.fromEntries(new URLSearchParams(requests[1]!.body))).toEqual({ memberNumber: "Z00000000", birthDate: "1970-01-01", site_web: "" });
  });

  it("fail with a French explanation: shutter, login redirect, missing pages, timeouts", async () => {
    const shutter = recordingFetch(() => html("Service fermé", 503));
    const closed = await runProbes(RETEST_PROBES["espace-adherent"], { baseUrl: "http://portail.test", cookie: "c=1", fetchImpl: shutter.fetchImpl });
    expect(closed.passed).toBe(false);
    expect(closed.probes[0]!.detail).toBe("GET /espace a répondu 503 (attendu : 200) : le service est fermé pour le compte de test (volet de fermeture).");

    const login = recordingFetch(() => new Response(null, { status: 302, headers: { Location: "/connexion?redirectTo=%2Fespace" } }));
    const redirected = await runProbes(RETEST_PROBES["espace-adherent"], { baseUrl: "http://portail.test", cookie: "c=1", fetchImpl: login.fetchImpl });
    expect(redirected.probes[0]!.detail).toContain("redirection vers la connexion");

    const missing = recordingFetch(() => html("Page introuvable", 404));
    const documents = await runProbes(RETEST_PROBES.documents, { baseUrl: "http://portail.test", cookie: "c=1", fetchImpl: missing.fetchImpl });
    expect(documents.passed).toBe(false);
    expect(documents.probes[0]!.detail).toContain("GET /espace/documents a répondu 404 (attendu : 200)");
    expect(documents.probes[0]!.detail).toContain("n’existent pas encore");

    const hanging = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))))) as typeof fetch;
    const slow = await runProbes(RETEST_PROBES["espace-adherent"], { baseUrl: "http://portail.test", cookie: "c=1", fetchImpl: hanging, timeoutMs: 30 });
    expect(slow.probes.map((p) => p.detail)).toEqual(["Pas de réponse en 30 ms.", "Pas de réponse en 30 ms."]);
    expect(PROBE_TIMEOUT_MS).toBe(10_000);
  });

  it("cover every service", () => {
    for (const key of SERVICE_KEYS) expect(RETEST_PROBES[key].length).toBeGreaterThan(0);
  });
});

describe("runRetest", () => {
  it("signs in as the tester through a short-lived session, attaches the report and deletes the session", async () => {
    await close("espace-adherent");
    const request = await requestReopen(t.db, { actor: alice, key: "espace-adherent" });
    const seenUsers: (string | null)[] = [];
    const { fetchImpl, requests } = recordingFetch(async (req) => {
      const token = readSessionToken(new Request(req.url, { headers: { cookie: req.cookie ?? "" } }));
      const signedIn = token ? await validateSessionToken(token) : null;
      seenUsers.push(signedIn?.user.id ?? null);
      return signedIn?.session.mfaVerified ? html("<h1>Bonjour Camille</h1>") : html("", 401);
    });
    const done = await runRetest(t.db, { requestId: request.id, baseUrl: "http://portail.test", actor: bruno, probes: RETEST_PROBES, fetchImpl });
    expect(seenUsers).toEqual([testerUserId, testerUserId]);
    expect(requests.every((r) => r.cookie?.startsWith(`${sessionCookieName()}=`))).toBe(true);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, testerUserId))).toHaveLength(0);
    expect(done.testsPassedAt).not.toBeNull();
    expect(done.testReport).toMatchObject({ passed: true, attachedBy: { label: bruno.label } });
    expect((await auditActions()).slice(-2)).toEqual(["switchboard.retest.ran", "switchboard.reopen.report-attached"]);
  });

  it("records a failed re-test honestly for a service whose pages do not exist yet", async () => {
    await close("coordonnees-bancaires");
    const request = await requestReopen(t.db, { actor: alice, key: "coordonnees-bancaires" });
    const { fetchImpl } = recordingFetch(() => html("Page introuvable", 404));
    const done = await runRetest(t.db, { requestId: request.id, baseUrl: "http://portail.test", actor: alice, probes: RETEST_PROBES, fetchImpl });
    expect(done.testsPassedAt).toBeNull();
    expect(done.testReport).toMatchObject({ passed: false });
    await signAll(request.id, alice);
    await expect(approveReopen(t.db, { requestId: request.id, actor: bruno })).rejects.toMatchObject({ code: "tests-failed" });
  });

  it("starts the re-test of a proposal first, and waits for the new version to propagate", async () => {
    const expectedReturnAt = new Date(Date.now() + 60_000);
    await close("formulaire-contact", expectedReturnAt);
    const [proposal] = await proposeExpectedReturns(t.db, expectedReturnAt);
    const awaited: number[] = [];
    const { fetchImpl } = recordingFetch(() => html("Page introuvable", 404));
    await runRetest(t.db, { requestId: proposal!.id, baseUrl: "http://portail.test", actor: alice, probes: RETEST_PROBES, fetchImpl, awaitVersion: async (v) => void awaited.push(v) });
    expect(awaited).toEqual([(await loadServiceStatuses(t.db)).version]);
    expect((await stateOf("formulaire-contact")).state).toBe("RETESTING");
  });

  it("needs an allow-listed member account", async () => {
    await close("documents");
    const request = await requestReopen(t.db, { actor: alice, key: "documents" });
    await removeTester(t.db, { actor: alice, userId: testerUserId });
    try {
      await expect(runRetest(t.db, { requestId: request.id, baseUrl: "http://portail.test", actor: alice, probes: RETEST_PROBES, fetchImpl: recordingFetch(() => html("")).fetchImpl })).rejects.toMatchObject({ code: "no-tester" });
    } finally {
      await addTester(t.db, { actor: alice, userId: testerUserId });
    }
  });

  it("runs over real HTTP against a server that validates the session", async () => {
    const server: Server = createServer((req, res) => {
      void (async () => {
        const token = readSessionToken(new Request("http://x/", { headers: { cookie: req.headers.cookie ?? "" } }));
        const signedIn = token ? await validateSessionToken(token) : null;
        if (!signedIn) {
          res.writeHead(302, { Location: "/connexion" }).end();
          return;
        }
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(req.url === "/espace" ? "<h1>Bonjour Théo</h1>" : "<h1>Sécurité</h1>");
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await close("espace-adherent");
      const request = await requestReopen(t.db, { actor: alice, key: "espace-adherent" });
      const { port } = server.address() as AddressInfo;
      const done = await runRetest(t.db, { requestId: request.id, baseUrl: `http://127.0.0.1:${port}`, actor: alice, probes: RETEST_PROBES });
      expect(done.testReport).toMatchObject({ passed: true, probes: [{ passed: true }, { passed: true }] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
