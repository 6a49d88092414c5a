import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, setConfig } from "~/platform/config/env.server";
import { bucketOf } from "./evaluate";
import { apiKeyOf, handleOfrepRequest, isAcceptedApiKey, MAX_BODY_BYTES, ofrepEvaluate } from "./ofrep.server";
import { SwitchboardProvider } from "./openfeature.server";
import { setSwitchboardAgent } from "./propagation.server";
import { SERVICE_KEYS, type ServiceKey, type ServiceStatus, type SwitchboardSnapshot } from "./types";

const NOW = Date.parse("2026-11-28T12:00:00Z");

function snapshotWith(changes: Partial<Record<ServiceKey, Partial<ServiceStatus>>>, confirmedAt = NOW): SwitchboardSnapshot {
  const services = Object.fromEntries(
    SERVICE_KEYS.map((key) => [
      key,
      {
        key,
        state: "OPEN",
        since: "2026-11-28T10:00:00.000Z",
        reason: "raison interne",
        publicMessage: null,
        expectedReturnAt: null,
        rolloutPercent: null,
        groupId: null,
        ...changes[key],
      },
    ]),
  ) as Record<ServiceKey, ServiceStatus>;
  return { version: 7, services, confirmedAt };
}

let snapshot = snapshotWith({});

/** A subject id in (or out of) the first `percent` % of `key`'s rollout. */
function subjectIn(key: ServiceKey, percent: number, inside: boolean): string {
  for (let i = 0; ; i++) {
    const id = `membre-${i}`;
    if (bucketOf(id, key) < percent === inside) return id;
  }
}

describe("OpenFeature provider", () => {
  beforeAll(async () => {
    await OpenFeature.setProviderAndWait(new SwitchboardProvider(() => snapshot, () => NOW));
  });
  afterAll(async () => {
    await OpenFeature.close();
  });

  it("reads an open service as true, statically", async () => {
    snapshot = snapshotWith({});
    const details = await OpenFeature.getClient().getBooleanDetails("devis-en-ligne", false);
    expect(details).toMatchObject({ value: true, reason: "STATIC", variant: "OPEN", flagMetadata: { state: "OPEN" } });
    expect(OpenFeature.getProviderMetadata().name).toBe("bascule-switchboard");
  });

  it("reads a closed service as false, with its public message and expected return only", async () => {
    snapshot = snapshotWith({ "devis-en-ligne": { state: "CLOSED", publicMessage: "Maintenance", expectedReturnAt: "2026-11-29T08:00:00.000Z" } });
    const details = await OpenFeature.getClient().getBooleanDetails("devis-en-ligne", true);
    expect(details).toMatchObject({
      value: false,
      reason: "DISABLED",
      variant: "CLOSED",
      flagMetadata: { state: "CLOSED", message: "Maintenance", expectedReturnAt: "2026-11-29T08:00:00.000Z" },
    });
    expect(JSON.stringify(details)).not.toContain("raison interne");
    expect(await OpenFeature.getClient().getStringValue("devis-en-ligne", "?")).toBe("CLOSED");
  });

  it("targets testers and the rollout bucket of the targeting key", async () => {
    snapshot = snapshotWith({ documents: { state: "RETESTING" }, "devis-en-ligne": { state: "REOPENING", rolloutPercent: 25 } });
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails("documents", false, { targetingKey: "u1", tester: true })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(await client.getBooleanValue("documents", true, { targetingKey: "u1" })).toBe(false);
    expect(await client.getBooleanValue("devis-en-ligne", false, { targetingKey: subjectIn("devis-en-ligne", 25, true) })).toBe(true);
    expect(await client.getBooleanValue("devis-en-ligne", true, { targetingKey: subjectIn("devis-en-ligne", 25, false) })).toBe(false);
    expect(await client.getBooleanValue("devis-en-ligne", true, {})).toBe(false);
  });

  it("says when its view is stale", async () => {
    snapshot = snapshotWith({}, NOW - 60_000);
    expect(await OpenFeature.getClient().getBooleanDetails("devis-en-ligne", true)).toMatchObject({ value: false, reason: "STALE" });
    expect(await OpenFeature.getClient().getBooleanDetails("espace-adherent", false)).toMatchObject({ value: true, reason: "STALE" });
  });

  it("reports unknown flags and wrong types with the default value", async () => {
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails("pas-un-service", true)).toMatchObject({ value: true, reason: "ERROR", errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(await client.getNumberDetails("devis-en-ligne", 3)).toMatchObject({ value: 3, errorCode: ErrorCode.TYPE_MISMATCH });
  });
});

describe("OFREP evaluation", () => {
  const keys = ["cle-centre-appels-0123456789", "cle-appli-mobile-0123456789"];
  const auth = (key: string) => new Headers({ authorization: `Bearer ${key}` });
  const evaluate = (input: { key: string | null; headers?: Headers; body?: string | null; apiKeys?: string[] }) =>
    ofrepEvaluate({ headers: auth(keys[1]!), body: "{}", apiKeys: keys, snapshot, nowMs: NOW, ...input });

  it("accepts a configured key from either header, in constant time, and nobody when none is configured", () => {
    expect(apiKeyOf(new Headers({ "x-api-key": "abc" }))).toBe("abc");
    expect(apiKeyOf(new Headers({ authorization: "Bearer abc" }))).toBe("abc");
    expect(apiKeyOf(new Headers({ authorization: "Basic abc" }))).toBeNull();
    expect(isAcceptedApiKey(keys[0]!, keys)).toBe(true);
    expect(isAcceptedApiKey(`${keys[0]!}x`, keys)).toBe(false);
    expect(isAcceptedApiKey("", [])).toBe(false);
    expect(evaluate({ key: "devis-en-ligne", apiKeys: [] }).status).toBe(401);
    expect(evaluate({ key: "devis-en-ligne", headers: new Headers() }).status).toBe(401);
    expect(evaluate({ key: "devis-en-ligne", headers: new Headers({ "x-api-key": keys[0]! }) }).status).toBe(200);
  });

  it("evaluates one service for a context", () => {
    snapshot = snapshotWith({ documents: { state: "RETESTING", publicMessage: "Vérifications en cours" } });
    expect(evaluate({ key: "documents", body: JSON.stringify({ context: { targetingKey: "u1", tester: true } }) })).toEqual({
      status: 200,
      body: { key: "documents", value: true, reason: "TARGETING_MATCH", variant: "RETESTING", metadata: { state: "RETESTING", message: "Vérifications en cours" } },
    });
    expect(evaluate({ key: "documents", body: "" }).body).toMatchObject({ value: false });
  });

  it("evaluates every service in bulk", () => {
    snapshot = snapshotWith({ "formulaire-contact": { state: "CLOSED" } });
    const result = evaluate({ key: null });
    expect(result.status).toBe(200);
    const flags = (result.body as { flags: { key: string; value: boolean }[] }).flags;
    expect(flags.map((f) => f.key)).toEqual([...SERVICE_KEYS]);
    expect(flags.find((f) => f.key === "formulaire-contact")?.value).toBe(false);
  });

  it.each([
    ["not json", "{"],
    ["a non-boolean tester", JSON.stringify({ context: { tester: "yes" } })],
    ["an empty targeting key", JSON.stringify({ context: { targetingKey: "" } })],
    ["a context that is not an object", JSON.stringify({ context: [] })],
    ["a body over the limit", null],
  ])("refuses %s with INVALID_CONTEXT", (_what, body) => {
    const result = evaluate({ key: "devis-en-ligne", body });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ key: "devis-en-ligne", errorCode: "INVALID_CONTEXT", errorDetails: expect.any(String) });
  });

  it("reports unknown services", () => {
    expect(evaluate({ key: "pas-un-service" })).toMatchObject({ status: 404, body: { key: "pas-un-service", errorCode: "FLAG_NOT_FOUND" } });
  });

  it("accepts other context attributes, as OpenFeature clients send them", () => {
    expect(evaluate({ key: "devis-en-ligne", body: JSON.stringify({ context: { targetingKey: "u1", locale: "fr-FR" } }) }).status).toBe(200);
  });
});

describe("OFREP over HTTP", () => {
  const key = "cle-centre-appels-0123456789";
  const post = (path: string, body: BodyInit, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
    new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  beforeAll(() => {
    setConfig(parseConfig({ BASCULE_ENV: "test", OFREP_API_KEYS: `autre-cle-0123456789, ${key}` }));
    setSwitchboardAgent({ instanceId: "test", snapshot: () => snapshot, refresh: async () => undefined, stop: async () => undefined });
  });
  afterAll(() => {
    setSwitchboardAgent(undefined);
    setConfig(parseConfig(process.env));
  });

  it("answers JSON, never cached, from the process's snapshot and configured keys", async () => {
    snapshot = snapshotWith({ "devis-en-ligne": { state: "CLOSED" } }, Date.now());
    const response = await handleOfrepRequest(post("/api/ofrep/v1/evaluate/flags/devis-en-ligne", JSON.stringify({ context: {} })), "devis-en-ligne");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ key: "devis-en-ligne", value: false, reason: "DISABLED", variant: "CLOSED" });

    const refused = await handleOfrepRequest(post("/api/ofrep/v1/evaluate/flags", "{}", { "x-api-key": "mauvaise-cle" }), null);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("stops reading a body over the limit", async () => {
    const huge = JSON.stringify({ context: { targetingKey: "x".repeat(MAX_BODY_BYTES) } });
    const response = await handleOfrepRequest(post("/api/ofrep/v1/evaluate/flags/devis-en-ligne", huge), "devis-en-ligne");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: "INVALID_CONTEXT" });
  });
});
