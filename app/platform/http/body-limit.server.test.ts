import { describe, expect, it } from "vitest";
import { bodyLimitFor } from "./body-limit.server";

const limits = { defaultMaxBytes: 64 * 1024, paths: { "/espace/remboursements/nouveau": 20_000_000, "/": 1000 } };

describe("bodyLimitFor", () => {
  it.each([
    ["/connexion", 64 * 1024],
    ["/espace/remboursements/nouveau", 20_000_000],
    ["/espace/remboursements/nouveau/", 20_000_000],
    // React Router's client-side submissions post to `<path>.data`, the home page to `/_root.data`.
    ["/espace/remboursements/nouveau.data", 20_000_000],
    ["/_root.data", 1000],
    ["/espace/remboursements/nouveau/autre", 64 * 1024],
    ["/constructor", 64 * 1024],
    ["/__proto__", 64 * 1024],
  ])("%s → %d bytes", (path, expected) => {
    expect(bodyLimitFor(limits, path)).toBe(expected);
  });
});
