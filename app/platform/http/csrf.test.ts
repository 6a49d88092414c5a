import { describe, expect, it } from "vitest";
import { isCrossSiteRequest } from "./csrf";

const base = { method: "POST", host: "localhost:3000", secFetchSite: undefined, origin: undefined };

describe("isCrossSiteRequest", () => {
  it.each([
    ["GET from anywhere", { ...base, method: "GET", secFetchSite: "cross-site" }, false],
    ["same-origin fetch metadata", { ...base, secFetchSite: "same-origin", origin: "http://localhost:3000" }, false],
    ["user-initiated navigation", { ...base, secFetchSite: "none" }, false],
    ["cross-site fetch metadata", { ...base, secFetchSite: "cross-site" }, true],
    ["same-site but other subdomain", { ...base, secFetchSite: "same-site" }, true],
    ["foreign Origin without fetch metadata", { ...base, origin: "https://evil.example" }, true],
    ["opaque Origin", { ...base, origin: "null" }, true],
    ["malformed Origin", { ...base, origin: "::::" }, true],
    ["same host Origin", { ...base, origin: "http://localhost:3000" }, false],
    ["no browser headers (curl)", base, false],
    ["same host and scheme", { ...base, origin: "http://localhost:3000", scheme: "http" }, false],
    ["same host, other scheme (https page posting to http)", { ...base, origin: "https://localhost:3000", scheme: "http" }, true],
    ["same host, other scheme (http page posting to https)", { ...base, origin: "http://localhost:3000", scheme: "https" }, true],
    ["another port", { ...base, origin: "http://localhost:3001", scheme: "http" }, true],
    ["host as a prefix of another", { ...base, origin: "http://localhost:3000.evil.example", scheme: "http" }, true],
    ["trusted origin", { ...base, origin: "https://portail.bascule.example", trustedOrigins: ["https://portail.bascule.example"] }, false],
    ["DELETE cross-site", { ...base, method: "DELETE", secFetchSite: "cross-site" }, true],
  ])("%s", (_name, input, expected) => {
    expect(isCrossSiteRequest(input)).toBe(expected);
  });
});
