import { createHash } from "node:crypto";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { simplePdf } from "../../app/platform/uploads/simple-pdf";

/*
 * Supporting documents for tests and benchmarks: real, well-formed files (they pass the upload
 * inspection), each different from the others through its label (claims deduplicate by file hash).
 */

/** A one-page PDF saying `label`, of at least `minBytes`. */
export function pdfDocument(label: string, minBytes = 0): Uint8Array {
  return simplePdf(["Facture", label], { minBytes });
}

/** Pixels (RGBA) drawn from the label: two labels, two images. */
function pixels(label: string, width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let seed = createHash("sha256").update(label).digest();
  for (let i = 0; i < width * height; i++) {
    if (i % 8 === 0) seed = createHash("sha256").update(seed).digest();
    data[i * 4] = seed[(i * 3) % 32]!;
    data[i * 4 + 1] = seed[(i * 3 + 1) % 32]!;
    data[i * 4 + 2] = seed[(i * 3 + 2) % 32]!;
    data[i * 4 + 3] = 255;
  }
  return data;
}

export function jpegImage(label: string, width = 16, height = 16, quality = 80): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: pixels(label, width, height), width, height }, quality).data);
}

export function pngImage(label: string, width = 16, height = 16): Uint8Array {
  const png = new PNG({ width, height });
  pixels(label, width, height).copy(png.data);
  return new Uint8Array(PNG.sync.write(png));
}
