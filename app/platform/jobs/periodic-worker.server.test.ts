import pino from "pino";
import { describe, expect, it } from "vitest";
import { startPeriodicWorker } from "./periodic-worker.server";

const silent = pino({ level: "silent" });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("startPeriodicWorker", () => {
  it("runs at start, again at once while work is due, then waits for the interval", async () => {
    let runs = 0;
    const worker = startPeriodicWorker({ intervalMs: 10_000, logger: silent, failureMessage: "x", run: async () => ++runs < 3 });
    await wait(50);
    expect(runs).toBe(3);
    await worker.stop();
  });

  it("never overlaps runs, and a kick during a run triggers exactly one more", async () => {
    let running = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const worker = startPeriodicWorker({
      intervalMs: 10_000,
      logger: silent,
      failureMessage: "x",
      run: async () => {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        runs++;
        await wait(30);
        running--;
        return false;
      },
    });
    await wait(5);
    worker.kick();
    worker.kick();
    await wait(120);
    expect(maxConcurrent).toBe(1);
    expect(runs).toBe(2);
    await worker.stop();
  });

  it("survives a failing run and stop() waits for the run in flight", async () => {
    let runs = 0;
    let finished = false;
    const worker = startPeriodicWorker({
      intervalMs: 20,
      logger: silent,
      failureMessage: "x",
      run: async () => {
        runs++;
        if (runs === 1) throw new Error("boom");
        await wait(40);
        finished = true;
        return false;
      },
    });
    await wait(40);
    await worker.stop();
    expect(runs).toBe(2);
    expect(finished).toBe(true);
    await wait(60);
    expect(runs).toBe(2);
  });
});
