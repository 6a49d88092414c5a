import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabaseAvailability, isDatabaseUnavailableError } from "./availability";

const pgError = (code: string, message = "error") => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailableError", () => {
  it.each([
    ["terminated by an administrator (57P01)", pgError("57P01", "terminating connection due to administrator command")],
    ["server crash (57P02)", pgError("57P02")],
    ["server starting up (57P03)", pgError("57P03", "the database system is starting up")],
    ["connection failure (08006)", pgError("08006")],
    ["refused", pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["reset", pgError("ECONNRESET")],
    ["terminated without a code", new Error("Connection terminated unexpectedly")],
    ["pool connect timeout", new Error("timeout exceeded when trying to connect")],
    ["wrapped by Drizzle", Object.assign(new Error("Failed query: select 1\nparams: "), { cause: pgError("57P01") })],
    ["inside an AggregateError (several addresses refused)", new AggregateError([pgError("ECONNREFUSED")])],
  ])("%s: unavailable", (_what, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it.each([
    ["a unique violation", pgError("23505", "duplicate key value violates unique constraint")],
    ["a syntax error", pgError("42601")],
    ["a serialization failure", pgError("40001")],
    ["a bug", new TypeError("x is undefined")],
    ["not an error", "Connection terminated"],
    ["nothing", undefined],
  ])("%s: not about the connection", (_what, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});

describe("createDatabaseAvailability", () => {
  afterEach(() => vi.useRealTimers());

  it("is marked unavailable by a connectivity failure and made available again by the first successful probe", async () => {
    vi.useFakeTimers();
    let reachable = false;
    const ping = vi.fn(async () => {
      if (!reachable) throw pgError("ECONNREFUSED");
    });
    const availability = createDatabaseAvailability({ ping, probeIntervalMs: 500 });
    expect(availability.reportFailure(pgError("23505"))).toBe(false);
    expect(availability.isAvailable()).toBe(true);

    expect(availability.reportFailure(pgError("57P01"))).toBe(true);
    expect(availability.isAvailable()).toBe(false);
    // More failures while down start no second probe.
    availability.reportFailure(pgError("ECONNRESET"));
    await vi.advanceTimersByTimeAsync(500);
    expect(ping).toHaveBeenCalledTimes(1);
    expect(availability.isAvailable()).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ping).toHaveBeenCalledTimes(3);

    reachable = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(availability.isAvailable()).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ping).toHaveBeenCalledTimes(4);
    availability.stop();
  });

  it("stops probing when stopped", async () => {
    vi.useFakeTimers();
    const ping = vi.fn(async () => {
      throw pgError("ECONNREFUSED");
    });
    const availability = createDatabaseAvailability({ ping, probeIntervalMs: 100 });
    availability.reportFailure(pgError("57P01"));
    availability.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ping).not.toHaveBeenCalled();
  });
});
