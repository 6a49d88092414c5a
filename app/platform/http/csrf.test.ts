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
    ["trusted origin", { ...base, origin: "https://portail.bascule.example", trustedOrigins: ["https://portail.bascule.example"] }, false],
    ["DELETE cross-site", { ...base, method: "DELETE", secFetchSite: "cross-site" }, true],
  ])("%s", (_name, input, expected) => {
    expect(isCrossSiteRequest(input)).toBe(expected);
  });
});
