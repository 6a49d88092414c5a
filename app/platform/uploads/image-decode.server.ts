import { inflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";

/*
 * Uploaded JPEG and PNG images are decoded in full, pixel by pixel, with pure JavaScript decoders
 * (jpeg-js, pngjs: no native code, no install script): a file that does not decode is refused,
 * whatever its first bytes say. Before decoding, the file's structure is walked (JPEG segments,
 * PNG chunks with their CRCs) to read the announced size, so that a "pixel bomb" — a few
 * kilobytes announcing a gigapixel — is refused before any memory is allocated, and to refuse
 * anything after the image's end (a polyglot's appended HTML or archive). Extra JPEG images after
 * the first (multi-picture and gain-map photos of recent phones) are accepted when each is itself
 * a well-formed JPEG. Request handlers run the pixel decode in a worker thread
 * (image-decode-pool.server.ts), whose verdict `inspectJpeg`/`inspectPng` then return.
 */

/** 40 megapixels: a 8,000 × 5,000 photo. A phone's default photo is 12 megapixels. */
export const MAX_IMAGE_PIXELS = 40_000_000;

/**
 * "busy" and "timeout" come only from the off-thread decode (image-decode-pool.server.ts): too many
 * images waiting to be decoded, or one that took longer than the time limit.
 */
export type ImageRefusal = "malformed" | "too-many-pixels" | "busy" | "timeout";
export type ImageVerdict = { ok: true; width: number; height: number } | { ok: false; reason: ImageRefusal; detail: string };

class Bad extends Error {
  constructor(
    readonly reason: ImageRefusal,
    detail: string,
  ) {
    super(detail);
  }
}

const checkPixels = (width: number, height: number) => {
  if (width <= 0 || height <= 0) throw new Bad("malformed", "empty image");
  if (width * height > MAX_IMAGE_PIXELS) throw new Bad("too-many-pixels", `${width} × ${height}`);
};

function verdict(run: () => { width: number; height: number }): ImageVerdict {
  try {
    return { ok: true, ...run() };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, reason: err.reason, detail: err.message };
    return { ok: false, reason: "malformed", detail: err instanceof Error ? err.message : String(err) };
  }
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Walks one JPEG from `start`: SOI, marker segments, entropy-coded data after each SOS, up to EOI.
 * Returns where the image ends and its announced size.
 */
function walkJpeg(b: Uint8Array, start: number): { end: number; width: number; height: number } {
  if (b[start] !== 0xff || b[start + 1] !== 0xd8) throw new Bad("malformed", "no JPEG start of image");
  let pos = start + 2;
  let size: { width: number; height: number } | null = null;
  let scans = 0;
  for (;;) {
    if (pos >= b.length) throw new Bad("malformed", "truncated JPEG (no end of image)");
    if (b[pos] !== 0xff) throw new Bad("malformed", `JPEG marker expected at byte ${pos}`);
    while (b[pos] === 0xff) pos++;
    const marker = b[pos++];
    if (marker === undefined) throw new Bad("malformed", "truncated JPEG");
    if (marker === 0xd9) {
      if (!size || scans === 0) throw new Bad("malformed", "JPEG without a frame or a scan");
      return { end: pos, ...size };
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (pos + 2 > b.length) throw new Bad("malformed", "truncated JPEG segment");
    const length = (b[pos]! << 8) | b[pos + 1]!;
    if (length < 2 || pos + length > b.length) throw new Bad("malformed", "truncated JPEG segment");
    if (SOF_MARKERS.has(marker)) {
      if (length < 8) throw new Bad("malformed", "short JPEG frame header");
      const height = (b[pos + 3]! << 8) | b[pos + 4]!;
      const width = (b[pos + 5]! << 8) | b[pos + 6]!;
      checkPixels(width, height);
      size = { width, height };
    }
    pos += length;
    if (marker === 0xda) {
      scans++;
      // Entropy-coded data: up to the next marker that is neither a stuffed 0xFF00 nor a restart.
      for (;;) {
        if (pos + 1 >= b.length) throw new Bad("malformed", "truncated JPEG scan");
        if (b[pos] === 0xff) {
          const next = b[pos + 1]!;
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
            pos += next === 0xff ? 1 : 2;
            continue;
          }
          break;
        }
        pos++;
      }
    }
  }
}

/** What the walk of a JPEG tells: where its first image ends and its announced size. */
export type JpegPlan = { kind: "jpeg"; end: number; width: number; height: number };

/** The structural walk (cheap): throws a refusal, or returns what the pixel decode must check. */
export function planJpeg(bytes: Uint8Array): JpegPlan {
  const first = walkJpeg(bytes, 0);
  // After the image: only further complete JPEGs (multi-picture format), nothing else.
  let pos = first.end;
  while (pos < bytes.length) pos = walkJpeg(bytes, pos).end;
  return { kind: "jpeg", ...first };
}

/** jpeg-js options, shared with the worker's decode. */
export const JPEG_DECODE_OPTIONS = {
  useTArray: true,
  formatAsRGBA: false,
  tolerantDecoding: false,
  maxResolutionInMP: MAX_IMAGE_PIXELS / 1_000_000,
  maxMemoryUsageInMB: 512,
} as const;

export function inspectJpeg(bytes: Uint8Array): ImageVerdict {
  const decided = decidedOffThread.get(bytes);
  if (decided) return decided;
  return verdict(() => {
    const plan = planJpeg(bytes);
    const decoded = jpeg.decode(bytes.subarray(0, plan.end), JPEG_DECODE_OPTIONS);
    return checkDecodedSize(plan, decoded);
  });
}

export function checkDecodedSize(plan: { kind: "jpeg" | "png"; width: number; height: number }, decoded: { width: number; height: number }) {
  if (decoded.width !== plan.width || decoded.height !== plan.height) throw new Bad("malformed", plan.kind === "jpeg" ? "JPEG size mismatch" : "PNG size mismatch");
  return { width: plan.width, height: plan.height };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the walk of a PNG tells: its size, the inflated size of its pixels, where its IDAT data lie. */
export type PngPlan = { kind: "png"; width: number; height: number; rawBytes: number; idat: [start: number, end: number][] };

/** The structural walk (cheap): throws a refusal, or returns what the pixel decode must check. */
export function planPng(bytes: Uint8Array): PngPlan {
  if (!PNG_SIGNATURE.every((v, i) => bytes[i] === v)) throw new Bad("malformed", "no PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let size: { width: number; height: number } | null = null;
  let rawBytes = 0;
  const idat: [number, number][] = [];
  for (;;) {
    if (pos + 12 > bytes.length) throw new Bad("malformed", "truncated PNG chunk");
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff || pos + 12 + length > bytes.length) throw new Bad("malformed", "bad PNG chunk");
    if (size === null) {
      if (type !== "IHDR" || length !== 13) throw new Bad("malformed", "PNG without IHDR first");
      size = { width: view.getUint32(pos + 8), height: view.getUint32(pos + 12) };
      checkPixels(size.width, size.height);
      rawBytes = pngRawSize(size.width, size.height, bytes[pos + 16]!, bytes[pos + 17]!, bytes[pos + 20]!);
    }
    if (type === "IDAT") idat.push([pos + 8, pos + 8 + length]);
    pos += 12 + length;
    if (type === "IEND") break;
  }
  if (pos !== bytes.length) throw new Bad("malformed", "data after the PNG's end");
  return { kind: "png", ...size!, rawBytes, idat };
}

export function inspectPng(bytes: Uint8Array): ImageVerdict {
  const decided = decidedOffThread.get(bytes);
  if (decided) return decided;
  return verdict(() => {
    const plan = planPng(bytes);
    // The compressed pixels must inflate to exactly the rows the header announces (the decoder
    // below is lenient with a short or broken stream).
    let inflated: Buffer;
    try {
      inflated = inflateSync(Buffer.concat(plan.idat.map(([start, end]) => bytes.subarray(start, end))), { maxOutputLength: plan.rawBytes + 1 });
    } catch {
      throw new Bad("malformed", "PNG pixel data does not decompress");
    }
    if (inflated.length !== plan.rawBytes) throw new Bad("malformed", "PNG pixel data of a wrong size");
    // Decodes every pixel; chunk CRCs are checked.
    const decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { checkCRC: true });
    return checkDecodedSize(plan, decoded);
  });
}

/**
 * Verdicts reached by the off-thread decode, keyed by the very byte array they were reached for:
 * `inspectJpeg`/`inspectPng` return them instead of decoding again on the event loop.
 */
const decidedOffThread = new WeakMap<Uint8Array, ImageVerdict>();

export function recordOffThreadVerdict(bytes: Uint8Array, result: ImageVerdict): void {
  decidedOffThread.set(bytes, result);
}

/** The walk of `bytes` as the given type, or its refusal. */
export function planImage(bytes: Uint8Array, kind: "jpeg" | "png"): { ok: true; plan: JpegPlan | PngPlan } | { ok: false; verdict: ImageVerdict } {
  let plan: JpegPlan | PngPlan | null = null;
  const result = verdict(() => {
    plan = kind === "jpeg" ? planJpeg(bytes) : planPng(bytes);
    return plan;
  });
  return plan && result.ok ? { ok: true, plan } : { ok: false, verdict: result };
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes of the filtered scanlines a PNG of this header holds once inflated (Adam7 passes included). */
function pngRawSize(width: number, height: number, bitDepth: number, colorType: number, interlace: number): number {
  const channels = PNG_CHANNELS[colorType];
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(bitDepth) || interlace > 1) throw new Bad("malformed", "bad PNG header");
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * channels * bitDepth) / 8)));
  if (interlace === 0) return rows(width, height);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  return passes.reduce((sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}
