import { randomBytes } from "node:crypto";
import jpeg from "jpeg-js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { jpegImage, pngImage } from "../../../../tests/support/documents";
import { configureImageDecodePool, decodeImageOffThread } from "~/platform/uploads/image-decode-pool.server";
import { IMAGE_BUSY_MESSAGE, IMAGE_MALFORMED_MESSAGE, IMAGE_TIMEOUT_MESSAGE, inspectUpload, inspectUploadOffThread } from "./upload-inspection.server";

/*
 * The image decode runs in a worker thread: same outcomes as the in-process inspection, the event
 * loop free meanwhile, a time limit and a bounded queue.
 */

/** A high-entropy (noise) JPEG: the slowest kind for jpeg-js, several seconds for a few megapixels. */
function noiseJpeg(width: number, height: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: randomBytes(width * height * 4), width, height }, 90).data);
}

let large: Uint8Array;
beforeAll(() => {
  large = noiseJpeg(1600, 1200);
}, 120_000);

afterEach(() => configureImageDecodePool());

const fresh = (bytes: Uint8Array) => new Uint8Array(bytes);

describe("inspectUploadOffThread", () => {
  it("keeps the event loop responsive while a large JPEG is decoded", async () => {
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    const result = await inspectUploadOffThread(fresh(large), "photo.jpg").finally(() => clearInterval(ticker));
    const took = performance.now() - started;
    expect(result).toMatchObject({ ok: true, mimeType: "image/jpeg" });
    // The decode takes a while (about a second or more here); no timer tick is ever held up by it.
    // The bound is generous for a loaded machine: on the event loop, the gap would be the whole decode.
    expect(took).toBeGreaterThan(longestGap * 2);
    expect(longestGap).toBeLessThan(400);
  }, 60_000);

  it("refuses, in French, an image whose decode exceeds the time limit", async () => {
    configureImageDecodePool({ timeoutMs: 30 });
    const bytes = fresh(large);
    expect(await inspectUploadOffThread(bytes, "photo.jpg")).toEqual({ ok: false, status: 415, message: IMAGE_TIMEOUT_MESSAGE });
    // The verdict holds for these bytes: the in-process inspection does not decode them again.
    expect(inspectUpload(bytes, "photo.jpg")).toEqual({ ok: false, status: 415, message: IMAGE_TIMEOUT_MESSAGE });
  }, 60_000);

  it("refuses an upload when the decode queue is full, and serves the ones admitted", async () => {
    configureImageDecodePool({ maxConcurrent: 1, maxQueued: 1 });
    const [first, second, third] = await Promise.all([
      inspectUploadOffThread(fresh(large), "a.jpg"),
      inspectUploadOffThread(jpegImage("en file d’attente", 64, 48), "b.jpg"),
      inspectUploadOffThread(jpegImage("refusée", 64, 48), "c.jpg"),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true });
    expect(third).toEqual({ ok: false, status: 415, message: IMAGE_BUSY_MESSAGE });
    // Once the queue has drained, images are accepted again.
    expect(await inspectUploadOffThread(jpegImage("plus tard", 64, 48), "d.jpg")).toMatchObject({ ok: true });
  }, 60_000);

  it("reaches the in-process inspection's outcomes", async () => {
    const jpg = jpegImage("photo de facture", 32, 24);
    const png = pngImage("scan de décompte", 32, 24);
    const badCrc = Buffer.from(png);
    badCrc[29] = badCrc[29]! ^ 0xff;
    const cases: [string, Uint8Array][] = [
      ["photo.jpg", jpg],
      ["scan.png", png],
      ["tronquee.jpg", jpg.subarray(0, jpg.length - 40)],
      ["tronquee.png", png.subarray(0, png.length - 20)],
      ["crc.png", new Uint8Array(badCrc)],
      ["facture.pdf", new Uint8Array(Buffer.from("<html></html>"))],
    ];
    for (const [name, bytes] of cases) {
      expect(await inspectUploadOffThread(fresh(bytes), name), name).toEqual(inspectUpload(fresh(bytes), name));
    }
    expect(await inspectUploadOffThread(fresh(jpg.subarray(0, jpg.length - 40)), "t.jpg")).toMatchObject({ message: IMAGE_MALFORMED_MESSAGE });
  }, 60_000);

  it("refuses a JPEG whose entropy-coded data does not decode, in the worker", async () => {
    const jpg = Buffer.from(jpegImage("photo", 64, 64));
    // The scan data replaced by bytes that are no valid Huffman stream: the structure still walks.
    const sos = jpg.indexOf(Buffer.from([0xff, 0xda]));
    jpg.fill(0x55, sos + 20, jpg.length - 2);
    expect(await decodeImageOffThread(new Uint8Array(jpg), "jpeg")).toMatchObject({ ok: false, reason: "malformed", detail: expect.stringContaining("marker") });
  }, 60_000);
});
