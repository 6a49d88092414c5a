import { describe, expect, it } from "vitest";
import { SwitchboardError } from "../errors";
import { SERVICE_KEYS, type ServiceKey, type ServiceState } from "../types";
import {
  type ReopenRequest,
  type StoredTestReport,
  type TestReport,
  approvalBlocker,
  cancellationBlocker,
  checklistOf,
  rejectionBlocker,
  reopenBlocker,
  requestableBlocker,
  requirePending,
  requirePercent,
  scheduledTime,
  validReport,
} from "./reopen-rules";

const REQUESTER = "00000000-0000-4000-8000-000000000001";
const APPROVER = "00000000-0000-4000-8000-000000000002";

const passed: StoredTestReport = {
  passed: true,
  ranAt: "2026-12-07T10:00:00.000Z",
  durationMs: 120,
  probes: [{ name: "Page", passed: true, detail: "200" }],
  attachedBy: { userId: APPROVER, label: "Bruno" },
};
const signed = { item: "Vérifier", signedByUserId: REQUESTER, signedByLabel: "Alice", signedAt: "2026-12-07T10:00:00.000Z" };
const unsigned = { item: "Appeler la plateforme", signedByUserId: null, signedByLabel: null, signedAt: null };

type ApprovalCase = Pick<ReopenRequest, "requestedByUserId" | "testReport" | "testsPassedAt" | "checklist">;
const ready: ApprovalCase = { requestedByUserId: REQUESTER, testReport: passed, testsPassedAt: new Date("2026-12-07T10:00:00Z"), checklist: [signed] };

function codeOf(error: SwitchboardError | null): string | null {
  return error?.code ?? null;
}

function states(overrides: Partial<Record<ServiceKey, ServiceState>>): Map<ServiceKey, { state: ServiceState }> {
  return new Map(SERVICE_KEYS.map((key) => [key, { state: overrides[key] ?? "OPEN" }]));
}

describe("reopen rules", () => {
  it.each<[string, ApprovalCase, string | null, string | null]>([
    ["a second admin, re-test passed, checklist signed", ready, APPROVER, null],
    ["the requester themselves", ready, REQUESTER, "four-eyes"],
    ["whoever ran the re-test of an automatic proposal", { ...ready, requestedByUserId: null }, APPROVER, "four-eyes"],
    ["anyone else on an automatic proposal", { ...ready, requestedByUserId: null }, REQUESTER, null],
    ["no re-test yet", { ...ready, testReport: null, testsPassedAt: null }, APPROVER, "tests-missing"],
    ["a failed re-test", { ...ready, testReport: { ...passed, passed: false }, testsPassedAt: null }, APPROVER, "tests-failed"],
    ["a passed report without its pass time", { ...ready, testsPassedAt: null }, APPROVER, "tests-failed"],
    ["an unsigned checklist item", { ...ready, checklist: [signed, unsigned] }, APPROVER, "checklist-incomplete"],
  ])("approval by %s → %s", (_, request, approver, expected) => {
    expect(codeOf(approvalBlocker(request, approver))).toBe(expected);
  });

  it("names the unsigned items", () => {
    expect(approvalBlocker({ ...ready, checklist: [unsigned] }, APPROVER)?.message).toContain("« Appeler la plateforme »");
  });

  it.each<[string | null, string | null, string | null]>([
    [REQUESTER, REQUESTER, "four-eyes"],
    [REQUESTER, APPROVER, null],
    [null, APPROVER, null],
  ])("rejection of a request by %s, by %s → %s", (requester, rejecter, expected) => {
    expect(codeOf(rejectionBlocker({ requestedByUserId: requester }, rejecter))).toBe(expected);
  });

  it.each<[ReopenRequest["status"], string | null, string | null]>([
    ["PENDING", null, null],
    ["APPROVED", "not-pending", null],
    ["REJECTED", "not-pending", "not-cancellable"],
    ["APPLIED", "not-pending", "not-cancellable"],
    ["CANCELLED", "not-pending", "not-cancellable"],
  ])("a %s request: pending check %s, cancellation %s", (status, pending, cancellation) => {
    let thrown: SwitchboardError | null = null;
    try {
      requirePending({ status });
    } catch (err) {
      thrown = err as SwitchboardError;
    }
    expect(codeOf(thrown)).toBe(pending);
    expect(codeOf(cancellationBlocker({ status }))).toBe(cancellation);
  });

  it.each<[ServiceState, string | null]>([
    ["CLOSED", null],
    ["FALLBACK", null],
    ["RETESTING", null],
    ["OPEN", "wrong-state"],
    ["REOPENING", "wrong-state"],
  ])("a reopening can be requested for a %s service → %s", (state, expected) => {
    expect(codeOf(requestableBlocker("documents", state))).toBe(expected);
  });

  it.each<[string, Partial<Record<ServiceKey, ServiceState>>, string | null]>([
    ["re-tested, its dependency open", { "adhesion-en-ligne": "RETESTING" }, null],
    ["still closed", { "adhesion-en-ligne": "CLOSED" }, "wrong-state"],
    ["already open", {}, "wrong-state"],
    ["its dependency closed", { "adhesion-en-ligne": "RETESTING", "devis-en-ligne": "CLOSED" }, "dependency-closed"],
    ["its dependency in re-test", { "adhesion-en-ligne": "RETESTING", "devis-en-ligne": "RETESTING" }, "dependency-closed"],
    ["its dependency in fallback", { "adhesion-en-ligne": "RETESTING", "devis-en-ligne": "FALLBACK" }, null],
  ])("adhesion-en-ligne reopens when %s → %s", (_, overrides, expected) => {
    expect(codeOf(reopenBlocker(states(overrides), "adhesion-en-ligne"))).toBe(expected);
  });

  it.each<[number, boolean]>([
    [1, true],
    [50, true],
    [100, true],
    [0, false],
    [101, false],
    [12.5, false],
    [Number.NaN, false],
  ])("rollout share %s accepted: %s", (value, ok) => {
    if (ok) expect(requirePercent(value)).toBe(value);
    else expect(() => requirePercent(value)).toThrow(SwitchboardError);
  });

  it("applies an approval now unless it is scheduled in the future", () => {
    const now = new Date("2026-12-07T10:00:00Z");
    expect(scheduledTime(null, now)).toBeNull();
    expect(scheduledTime(new Date("2026-12-07T09:00:00Z"), now)).toBeNull();
    expect(scheduledTime(now, now)).toBeNull();
    expect(scheduledTime(new Date("2026-12-07T11:00:00Z"), now)).toEqual(new Date("2026-12-07T11:00:00Z"));
    expect(() => scheduledTime(new Date("not a date"), now)).toThrow("pas une date valide");
  });

  const report: TestReport = { passed: true, ranAt: "2026-12-07T10:00:00+01:00", durationMs: 12.4, probes: [{ name: "P", passed: true, detail: "ok" }] };
  it.each<[string, TestReport, boolean]>([
    ["a passed report", report, true],
    ["a failed report with a failed probe", { ...report, passed: false, probes: [{ name: "P", passed: false, detail: "500" }] }, true],
    ["a report without probes that says passed", { ...report, probes: [] }, false],
    ["a report that says passed with a failed probe", { ...report, probes: [{ name: "P", passed: false, detail: "500" }] }, false],
    ["a report with an invalid date", { ...report, ranAt: "hier" }, false],
    ["a report with a negative duration", { ...report, durationMs: -1 }, false],
  ])("%s is accepted: %s", (_, input, ok) => {
    if (ok) expect(validReport(input).passed).toBe(input.passed);
    else expect(() => validReport(input)).toThrow(SwitchboardError);
  });

  it("normalises a stored report: ISO time in UTC, whole milliseconds, only known fields", () => {
    const extra = { ...report, probes: [{ name: "P", passed: true, detail: "ok", secret: "x" }] } as unknown as TestReport;
    expect(validReport(extra)).toEqual({ passed: true, ranAt: "2026-12-07T09:00:00.000Z", durationMs: 12, probes: [{ name: "P", passed: true, detail: "ok" }] });
  });

  it("starts every checklist unsigned, one item per manual check of the catalogue", () => {
    const checklist = checklistOf("remboursements-en-ligne");
    expect(checklist.length).toBeGreaterThan(0);
    expect(checklist.every((c) => c.signedAt === null && c.signedByUserId === null)).toBe(true);
  });
});
