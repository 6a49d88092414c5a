import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { pdfSafe } from "./quote-pdf.server";

describe("pdfSafe", () => {
  it("keeps what WinAnsi encodes and replaces the rest", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    expect(pdfSafe("1\u202F296,00\u00A0€ — l’été « Équilibre »…", font)).toBe("1 296,00 € - l'été « Équilibre »...");
    expect(pdfSafe("田中 👩‍👩‍👧 \u0000\u202E", font)).toBe("?? ????? ??");
    // Whatever pdfSafe returns can be drawn.
    const page = pdf.addPage();
    expect(() => page.drawText(pdfSafe("Ω≈ç√∫ 😀 \uFEFF ﷺ", font), { font, size: 10 })).not.toThrow();
  });
});
