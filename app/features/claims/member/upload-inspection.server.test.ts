import fc from "fast-check";
import { PDFDocument, PDFName, PDFString, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { jpegImage, pdfDocument, pngImage } from "../../../../tests/support/documents";
import { MAX_DOCUMENT_BYTES } from "./documents";
import { IMAGE_MALFORMED_MESSAGE, IMAGE_TOO_LARGE_MESSAGE, inspectUpload, PDF_REFUSAL_MESSAGES } from "./upload-inspection.server";

/*
 * Crafted files: each attack is generated here, from a well-formed file, so that the test shows
 * exactly what makes it refused.
 */

const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));

/** A PDF written object by object, with exact offsets: `objects[i]` is object i + 1. */
function craftPdf(objects: readonly string[], trailerExtra = "", options: { header?: string; xrefShift?: number } = {}): Uint8Array {
  let out = options.header ?? "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset + (options.xrefShift ?? 0)).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return ascii(out);
}

const page = (extra = "") => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R ${extra}>>`;
const content = "<< /Length 44 >>\nstream\nBT /F1 12 Tf 56 780 Td (Facture) Tj ET 0 0 m\nendstream";
const basic = (catalogExtra = "", pageExtra = "", more: string[] = []) =>
  craftPdf([`<< /Type /Catalog /Pages 2 0 R ${catalogExtra}>>`, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page(pageExtra), content, ...more]);

/** CRC-32 of PNG chunks (type and data). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG whose IHDR announces width × height, followed by a tiny (valid) IDAT and IEND. */
function pngAnnouncing(width: number, height: number, idat: Uint8Array = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return concat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", idat), pngChunk("IEND", new Uint8Array(0)));
}

/** A JPEG whose frame header announces width × height (the rest of the image is a real 16 × 16). */
function jpegAnnouncing(width: number, height: number): Uint8Array {
  const bytes = Buffer.from(jpegImage("bombe"));
  for (let i = 2; i < bytes.length - 8; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) {
      bytes.writeUInt16BE(height, i + 5);
      bytes.writeUInt16BE(width, i + 7);
      return new Uint8Array(bytes);
    }
  }
  throw new Error("no SOF0 in the generated JPEG");
}

async function pdfLibDocument(options: { lines: string[]; objectStreams: boolean; image?: "jpg" | "png"; edit?: (doc: PDFDocument) => void }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const p = doc.addPage([595, 842]);
  options.lines.forEach((line, i) => p.drawText(line, { x: 50, y: 780 - i * 16, size: 11, font }));
  if (options.image === "jpg") p.drawImage(await doc.embedJpg(jpegImage(options.lines.join("|"), 24, 16)), { x: 50, y: 400, width: 240, height: 160 });
  if (options.image === "png") p.drawImage(await doc.embedPng(pngImage(options.lines.join("|"), 24, 16)), { x: 50, y: 400, width: 240, height: 160 });
  options.edit?.(doc);
  return doc.save({ useObjectStreams: options.objectStreams });
}

const refused = (bytes: Uint8Array, message: string) => {
  expect(inspectUpload(bytes, "facture.pdf")).toEqual({ ok: false, status: 415, message });
};

describe("inspectUpload: type by content", () => {
  it.each([
    ["a PDF", pdfDocument("facture"), "facture.pdf", "application/pdf", "pdf", "facture.pdf"],
    ["a JPEG", jpegImage("photo"), "photo.jpeg", "image/jpeg", "jpg", "photo.jpg"],
    ["a PNG", pngImage("scan"), "scan.PNG", "image/png", "png", "scan.png"],
    ["a PDF named .png", pdfDocument("décompte"), "decompte.png", "application/pdf", "pdf", "decompte.png.pdf"],
  ])("accepts %s by its content", (_what, content, name, mimeType, extension, fileName) => {
    expect(inspectUpload(content, name)).toEqual({ ok: true, mimeType, extension, fileName });
  });

  it.each([
    ["HTML renamed .pdf", ascii("<!doctype html><script>alert(1)</script>")],
    ["SVG renamed .png", ascii('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ["a Windows executable", new Uint8Array([0x4d, 0x5a, 0x90, 0x00])],
    ["a ZIP (docx)", new Uint8Array([0x50, 0x4b, 0x03, 0x04])],
    ["a truncated PNG signature", new Uint8Array([0x89, 0x50, 0x4e])],
  ])("refuses %s with 415 (neither PDF nor image)", (_what, content) => {
    expect(inspectUpload(content, "facture.pdf")).toMatchObject({ ok: false, status: 415, message: expect.stringContaining("ni un PDF") });
  });

  it("refuses an empty file, and more than 10 MB with 413 (exactly 10 MB is accepted)", () => {
    expect(inspectUpload(new Uint8Array(0), "facture.pdf")).toEqual({ ok: false, status: 415, message: "Ce fichier est vide." });
    const limit = pdfDocument("gros", MAX_DOCUMENT_BYTES - 64);
    expect(limit.length).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    expect(inspectUpload(limit, "gros.pdf").ok).toBe(true);
    expect(inspectUpload(concat(limit, new Uint8Array(MAX_DOCUMENT_BYTES + 1 - limit.length)), "gros.pdf")).toMatchObject({ ok: false, status: 413, message: expect.stringContaining("10 Mo") });
  });
});

describe("inspectUpload: PDFs are read structurally", () => {
  const good = pdfDocument("facture");
  const html = ascii("<html><body><script>alert(document.cookie)</script></body></html>\n");

  it.each([
    ["HTML before the header (polyglot)", concat(html, good)],
    ["a header not at the first byte", concat(ascii("\n"), good)],
  ])("refuses %s: not a PDF", (_what, bytes) => {
    expect(inspectUpload(bytes, "facture.pdf")).toMatchObject({ ok: false, status: 415, message: expect.stringContaining("ni un PDF") });
  });

  it("accepts the hand-written reference PDF and harmless features (link, destination to open at, GoTo action)", () => {
    expect(inspectUpload(basic(), "f.pdf").ok).toBe(true);
    expect(inspectUpload(basic("/OpenAction [3 0 R /Fit] "), "f.pdf").ok).toBe(true);
    expect(inspectUpload(basic("/OpenAction 5 0 R ", "", ["<< /S /GoTo /D [3 0 R /Fit] >>"]), "f.pdf").ok).toBe(true);
    expect(inspectUpload(basic("", "/Annots [5 0 R] ", ["<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://www.ameli.fr) >> >>"]), "f.pdf").ok).toBe(true);
  });

  it.each([
    ["HTML after %%EOF (polyglot)", () => concat(good, html)],
    ["HTML between two objects", () => {
      const text = Buffer.from(good).toString("latin1");
      const at = text.indexOf("endobj\n") + "endobj\n".length;
      return ascii(text.slice(0, at) + "<script>alert(1)</script>\n" + text.slice(at));
    }],
    ["HTML in a comment", () => craftPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"], "", { header: "%PDF-1.7\n%<html><script>alert(1)</script>\n" })],
    ["a truncated file", () => good.subarray(0, Math.floor(good.length / 2))],
    ["no %%EOF", () => good.subarray(0, good.length - 6)],
    ["a cross-reference offset that points elsewhere", () => craftPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"], "", { xrefShift: 3 })],
    ["a stream whose Length is wrong", () => craftPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page(), content.replace("/Length 44", "/Length 30")])],
    ["an unterminated dictionary", () => craftPdf(["<< /Type /Catalog /Pages 2 0 R", "<< /Type /Pages /Kids [] /Count 0 >>"])],
    ["only a header", () => ascii("%PDF-1.7\n")],
    ["no catalogue", () => ascii(Buffer.from(craftPdf(["<< /Type /Pages /Kids [] /Count 0 >>"])).toString("latin1").replace("/Root 1 0 R", "/Info 1 0 R"))],
  ])("refuses %s as malformed", (_what, make) => {
    refused(make(), PDF_REFUSAL_MESSAGES.malformed);
  });

  it.each([
    ["an encrypted PDF", () => basic("", "", ["<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 /Length 128 >>"]), "encrypted"],
    ["JavaScript run on opening", () => basic("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "), "active-content"],
    ["JavaScript behind a hex-escaped name", () => basic("/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> "), "active-content"],
    ["a document-level JavaScript name tree", () => basic("/Names << /JavaScript 5 0 R >> ", "", ["<< /Names [(x) 6 0 R] >>"]), "active-content"],
    ["an OpenAction to a web address", () => basic("/OpenAction << /S /URI /URI (https://evil.example) >> "), "active-content"],
    ["additional actions (AA) on a page", () => basic("", "/AA << /O << /S /URI /URI (https://evil.example) >> >> "), "active-content"],
    ["a Launch action", () => basic("", "/Annots [5 0 R] ", ["<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /Launch /F (calc.exe) >> >>"]), "active-content"],
    ["a form that submits itself", () => basic("", "/Annots [5 0 R] ", ["<< /Type /Annot /Subtype /Widget /Rect [0 0 10 10] /A << /S /SubmitForm /F (https://evil.example) >> >>"]), "active-content"],
    ["an embedded file", () => basic("/Names << /EmbeddedFiles 5 0 R >> ", "", ["<< /Names [(a.exe) 6 0 R] >>", "<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>", "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"]), "embedded-file"],
    ["a file attachment annotation", () => basic("", "/Annots [5 0 R] ", ["<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 6 0 R >>", "<< /Type /Filespec /F (x.html) >>"]), "embedded-file"],
  ] as const)("refuses %s", (_what, make, reason) => {
    const bytes = make();
    if (reason === "encrypted") {
      // The encryption dictionary is named by the trailer.
      const text = Buffer.from(bytes).toString("latin1").replace("/Root 1 0 R", "/Root 1 0 R /Encrypt 5 0 R /ID [<01> <01>]");
      refused(ascii(text), PDF_REFUSAL_MESSAGES.encrypted);
      return;
    }
    refused(bytes, PDF_REFUSAL_MESSAGES[reason]);
  });

  it("finds JavaScript packed in a compressed object stream (pdf-lib, object streams)", async () => {
    const bytes = await pdfLibDocument({
      lines: ["Facture"],
      objectStreams: true,
      edit(doc) {
        doc.catalog.set(PDFName.of("OpenAction"), doc.context.obj({ S: "JavaScript", JS: PDFString.of("app.alert(1)") }));
      },
    });
    expect(Buffer.from(bytes).includes(Buffer.from("JavaScript"))).toBe(false); // compressed: invisible to a byte search
    refused(bytes, PDF_REFUSAL_MESSAGES["active-content"]);
  });

  it("finds an embedded file attached with pdf-lib", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(ascii("<html></html>"), "page.html", { mimeType: "text/html" });
    refused(await doc.save(), PDF_REFUSAL_MESSAGES["embedded-file"]);
  });

  it("accepts every well-formed PDF generated by pdf-lib (text, images, with or without object streams)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789€éèàçôû.,:;()/-%"), maxLength: 60 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom(undefined, "jpg" as const, "png" as const),
        async (lines, objectStreams, image) => {
          const bytes = await pdfLibDocument({ lines: lines.map((l) => l.replaceAll("€", "EUR")), objectStreams, image });
          expect(inspectUpload(bytes, "facture.pdf")).toMatchObject({ ok: true, mimeType: "application/pdf" });
        },
      ),
      { numRuns: 40 },
    );
  }, 30_000);

  it("accepts every PDF of the hand-written generator, whatever its text and size", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 6 }), fc.nat({ max: 20_000 }), (lines, minBytes) => {
        expect(inspectUpload(pdfDocument(lines.join(" "), minBytes), "f.pdf").ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  }, 30_000);
});

describe("inspectUpload: images are decoded in full", () => {
  const jpg = jpegImage("photo de facture", 32, 24);
  const png = pngImage("scan de décompte", 32, 24);
  const html = ascii("<html><script>alert(1)</script></html>");

  it("accepts a JPEG followed by another complete JPEG (multi-picture photos)", () => {
    expect(inspectUpload(concat(jpg, jpegImage("carte de gain", 8, 8)), "photo.jpg").ok).toBe(true);
  });

  it.each([
    ["a truncated JPEG", () => jpg.subarray(0, jpg.length - 40), "malformed"],
    ["a JPEG cut before its end marker", () => jpg.subarray(0, jpg.length - 2), "malformed"],
    ["a JPEG with HTML after its end (polyglot)", () => concat(jpg, html), "malformed"],
    ["a JPEG with only headers", () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]), "malformed"],
    ["the old magic-bytes-only JPEG", () => concat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), new Uint8Array(64).fill(7), new Uint8Array([0xff, 0xd9])), "malformed"],
    ["a JPEG announcing 60,000 × 60,000 pixels (pixel bomb)", () => jpegAnnouncing(60_000, 60_000), "too-many-pixels"],
    ["a JPEG announcing 0 pixels", () => jpegAnnouncing(0, 16), "malformed"],
    ["a PNG with a bad CRC", () => {
      const bad = Buffer.from(png);
      bad[29] = bad[29]! ^ 0xff; // last byte of IHDR's CRC
      return new Uint8Array(bad);
    }, "malformed"],
    ["a PNG whose pixel data is missing (valid CRCs)", () => pngAnnouncing(32, 24), "malformed"],
    ["a PNG whose pixel data does not decompress (valid CRCs)", () => pngAnnouncing(32, 24, ascii("<html>pas du zlib</html>")), "malformed"],
    ["a truncated PNG", () => png.subarray(0, png.length - 20), "malformed"],
    ["a PNG with HTML after IEND (polyglot)", () => concat(png, html), "malformed"],
    ["a PNG announcing 100,000 × 100,000 pixels (pixel bomb)", () => pngAnnouncing(100_000, 100_000), "too-many-pixels"],
  ] as const)("refuses %s", (_what, make, reason) => {
    const bytes = make();
    const result = inspectUpload(bytes, "photo.jpg");
    expect(result).toEqual({ ok: false, status: 415, message: reason === "too-many-pixels" ? IMAGE_TOO_LARGE_MESSAGE : IMAGE_MALFORMED_MESSAGE });
  });

  it("refuses a pixel bomb at once, before decoding anything", () => {
    const started = performance.now();
    inspectUpload(pngAnnouncing(100_000, 100_000), "bombe.png");
    inspectUpload(jpegAnnouncing(60_000, 60_000), "bombe.jpg");
    // Decoding either would allocate gigabytes and take minutes.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("accepts every JPEG and PNG the encoders make, whatever their size and quality", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 10, max: 100 }), (label, width, height, quality) => {
        expect(inspectUpload(jpegImage(label, width, height, quality), "p.jpg")).toMatchObject({ ok: true, mimeType: "image/jpeg" });
        expect(inspectUpload(pngImage(label, width, height), "p.png")).toMatchObject({ ok: true, mimeType: "image/png" });
      }),
      { numRuns: 40 },
    );
  }, 30_000);
});
