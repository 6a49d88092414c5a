import { describe, expect, it } from "vitest";
import { parseConfig } from "./env.server";

const PRODUCTION = {
  BASCULE_ENV: "production",
  BASCULE_ENCRYPTION_KEYS: `prod1:${Buffer.alloc(32, 1).toString("base64")}`,
  BASCULE_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString("base64"),
  PUBLIC_ORIGIN: "https://bascule.example",
  METRICS_TOKEN: "metrics-token-of-the-tests",
};

describe("the SEPA creditor identifier printed on mandates (SEPA_CREDITOR_ID)", () => {
  it("is a synthetic, well-formed one outside production", () => {
    expect(parseConfig({}).sepaCreditorId).toBe("FR15ZZZ832000");
  });

  it("must be given in production", () => {
    expect(() => parseConfig(PRODUCTION)).toThrow(/SEPA_CREDITOR_ID/);
    expect(parseConfig({ ...PRODUCTION, SEPA_CREDITOR_ID: "FR72ZZZ123456" }).sepaCreditorId).toBe("FR72ZZZ123456");
  });

  it("refuses a value that is not a creditor identifier", () => {
    expect(() => parseConfig({ SEPA_CREDITOR_ID: "not an ICS" })).toThrow(/SEPA_CREDITOR_ID/);
  });
});

describe("client IP behind reverse proxies (TRUST_PROXY_HOPS)", () => {
  it("trusts no X-Forwarded-For entry by default, and the given number of hops otherwise", () => {
    expect(parseConfig({}).trustProxyHops).toBe(0);
    expect(parseConfig({ TRUST_PROXY_HOPS: "1" }).trustProxyHops).toBe(1);
    expect(() => parseConfig({ TRUST_PROXY_HOPS: "-1" })).toThrow(/TRUST_PROXY_HOPS/);
    expect(() => parseConfig({ TRUST_PROXY_HOPS: "all" })).toThrow(/TRUST_PROXY_HOPS/);
  });

  it("refuses TRUST_PROXY=true, which let any client choose its IP, and says what to set instead", () => {
    expect(() => parseConfig({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY_HOPS/);
    expect(parseConfig({ TRUST_PROXY: "false" }).trustProxyHops).toBe(0);
  });
});

describe("production defaults", () => {
  const complete = { ...PRODUCTION, SEPA_CREDITOR_ID: "FR72ZZZ123456" };

  it("a complete production configuration starts, with Secure cookies", () => {
    expect(parseConfig(complete)).toMatchObject({ secureCookies: true, insecureOriginAllowed: false, metricsToken: "metrics-token-of-the-tests" });
  });

  it("refuses a production without METRICS_TOKEN: /metrics is never public there", () => {
    expect(() => parseConfig({ ...complete, METRICS_TOKEN: undefined })).toThrow(/METRICS_TOKEN/);
    expect(parseConfig({ METRICS_TOKEN: undefined }).metricsToken).toBeUndefined();
  });

  it("refuses a production over plain HTTP unless ALLOW_INSECURE_ORIGIN=true says it is deliberate", () => {
    expect(() => parseConfig({ ...complete, PUBLIC_ORIGIN: "http://bascule.example" })).toThrow(/https:\/\/ PUBLIC_ORIGIN/);
    expect(() => parseConfig({ ...complete, PUBLIC_ORIGIN: undefined })).toThrow(/PUBLIC_ORIGIN/);
    expect(parseConfig({ ...complete, PUBLIC_ORIGIN: "http://bascule.example", ALLOW_INSECURE_ORIGIN: "true" })).toMatchObject({
      secureCookies: false,
      insecureOriginAllowed: true,
    });
    expect(parseConfig({ PUBLIC_ORIGIN: "http://localhost:3000" }).insecureOriginAllowed).toBe(false);
  });
});
