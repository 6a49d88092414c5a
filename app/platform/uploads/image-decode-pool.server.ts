import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type ImageVerdict, JPEG_DECODE_OPTIONS, type JpegPlan, planImage, type PngPlan, recordOffThreadVerdict } from "./image-decode.server";

/*
 * The full pixel decode of an uploaded image runs in a worker thread, never on the event loop: a
 * 12-megapixel JPEG takes seconds in jpeg-js, during which the server would answer nothing. The
 * structural walk (a linear scan of at most 10 Mo) stays here and refuses pixel bombs before any
 * worker starts. Each decode gets a fresh worker with heap limits (a decompression bomb kills the
 * worker, not the process) and a time limit; at most `maxConcurrent` decodes run at once, at most
 * `maxQueued` wait, and beyond that the upload is refused ("busy") rather than held in memory.
 *
 * The worker's code is inline (`eval`) and loads jpeg-js and pngjs by the paths resolved here, so it
 * runs the same under Vitest/tsx and from the bundled server in build/server/.
 */

export type DecodePoolLimits = { maxConcurrent: number; maxQueued: number; timeoutMs: number };

const DEFAULT_LIMITS: DecodePoolLimits = { maxConcurrent: 2, maxQueued: 8, timeoutMs: 10_000 };
let limits: DecodePoolLimits = { ...DEFAULT_LIMITS };

/** For tests and operations: changes the pool's limits (unspecified ones return to their defaults). */
export function configureImageDecodePool(next: Partial<DecodePoolLimits> = {}): void {
  limits = { ...DEFAULT_LIMITS, ...next };
}

const require = createRequire(import.meta.url);
const MODULES = { jpeg: require.resolve("jpeg-js"), png: require.resolve("pngjs") };

const WORKER_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const { inflateSync } = require("node:zlib");
const { plan, bytes, modules, jpegOptions } = workerData;
try {
  let decoded;
  if (plan.kind === "jpeg") {
    decoded = require(modules.jpeg).decode(bytes.subarray(0, plan.end), jpegOptions);
  } else {
    let inflated;
    try {
      inflated = inflateSync(Buffer.concat(plan.idat.map(([start, end]) => bytes.subarray(start, end))), { maxOutputLength: plan.rawBytes + 1 });
    } catch {
      throw new Error("PNG pixel data does not decompress");
    }
    if (inflated.length !== plan.rawBytes) throw new Error("PNG pixel data of a wrong size");
    decoded = require(modules.png).PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { checkCRC: true });
  }
  parentPort.postMessage({ ok: true, width: decoded.width, height: decoded.height });
} catch (err) {
  parentPort.postMessage({ ok: false, detail: err instanceof Error ? err.message : String(err) });
}
`;

/** Heap limits of one decode: a 40-megapixel image's pixels live in typed arrays, outside the heap. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, codeRangeSizeMb: 16, stackSizeMb: 4 };

let running = 0;
const waiting: (() => void)[] = [];

function decodeInWorker(plan: JpegPlan | PngPlan, bytes: Uint8Array): Promise<ImageVerdict> {
  return new Promise((resolve) => {
    // A copy: the upload's own bytes stay usable here whatever happens to the worker.
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { plan, bytes: new Uint8Array(bytes), modules: MODULES, jpegOptions: JPEG_DECODE_OPTIONS },
      resourceLimits: RESOURCE_LIMITS,
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const settle = (result: ImageVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ ok: false, reason: "timeout", detail: `decode longer than ${limits.timeoutMs} ms` }), limits.timeoutMs);
    worker.on("message", (m: { ok: true; width: number; height: number } | { ok: false; detail: string }) => {
      if (!m.ok) return settle({ ok: false, reason: "malformed", detail: m.detail });
      if (m.width !== plan.width || m.height !== plan.height) return settle({ ok: false, reason: "malformed", detail: `${plan.kind.toUpperCase()} size mismatch` });
      settle({ ok: true, width: m.width, height: m.height });
    });
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY) or any other crash: the file is refused.
    worker.on("error", (err) => settle({ ok: false, reason: "malformed", detail: `decoder failed: ${err.message}` }));
    worker.on("exit", (code) => settle({ ok: false, reason: "malformed", detail: `decoder exited (${code})` }));
  });
}

/**
 * Decodes `bytes` as a JPEG or PNG off the event loop and records the verdict, so that
 * `inspectJpeg`/`inspectPng` (and `inspectUpload`) on these same bytes return it without decoding.
 */
export async function decodeImageOffThread(bytes: Uint8Array, kind: "jpeg" | "png"): Promise<ImageVerdict> {
  const walked = planImage(bytes, kind);
  let result: ImageVerdict;
  if (!walked.ok) {
    result = walked.verdict;
  } else if (running >= limits.maxConcurrent && waiting.length >= limits.maxQueued) {
    result = { ok: false, reason: "busy", detail: "decode queue full" };
  } else {
    // A finished decode hands its slot straight to the first waiting one.
    if (running >= limits.maxConcurrent) await new Promise<void>((wake) => waiting.push(wake));
    else running++;
    try {
      result = await decodeInWorker(walked.plan, bytes);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }
  recordOffThreadVerdict(bytes, result);
  return result;
}
