import { describe, expect, it } from "vitest";
import { MAX_DOCUMENT_BYTES, attachmentDisposition, inspectUpload, sanitiseFileName } from "./documents";

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (text: string) => new TextEncoder().encode(text);
const PDF = ascii("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n");
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00);

describe("inspectUpload", () => {
  it.each([
    ["a PDF", PDF, "facture.pdf", "application/pdf", "facture.pdf"],
    ["a JPEG", JPEG, "photo.jpeg", "image/jpeg", "photo.jpg"],
    ["a PNG", PNG, "scan.PNG", "image/png", "scan.png"],
    ["a PDF named .png", PDF, "decompte.png", "application/pdf", "decompte.png.pdf"],
  ])("accepts %s by its content", (_what, content, name, mimeType, fileName) => {
    expect(inspectUpload(content, name)).toEqual({ ok: true, mimeType, extension: mimeType === "application/pdf" ? "pdf" : mimeType === "image/png" ? "png" : "jpg", fileName });
  });

  it.each([
    ["HTML renamed .pdf", ascii("<!doctype html><script>alert(1)</script>"), "facture.pdf"],
    ["SVG renamed .png", ascii('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "scan.png"],
    ["a PDF signature not at the start", ascii("<html>%PDF-1.4</html>"), "facture.pdf"],
    ["a Windows executable", bytes(0x4d, 0x5a, 0x90, 0x00), "facture.pdf"],
    ["a ZIP (docx)", bytes(0x50, 0x4b, 0x03, 0x04), "facture.docx"],
    ["a truncated PNG signature", bytes(0x89, 0x50, 0x4e), "scan.png"],
    ["an empty file", new Uint8Array(0), "facture.pdf"],
  ])("refuses %s with 415", (_what, content, name) => {
    const result = inspectUpload(content, name);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status).toBe(415);
      expect(result.message).toMatch(/PDF|vide/);
    }
  });

  it("refuses more than 10 MB with 413, and accepts exactly 10 MB", () => {
    const limit = new Uint8Array(MAX_DOCUMENT_BYTES);
    limit.set(PDF);
    expect(inspectUpload(limit, "gros.pdf").ok).toBe(true);
    const over = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
    over.set(PDF);
    expect(inspectUpload(over, "gros.pdf")).toMatchObject({ ok: false, status: 413, message: expect.stringContaining("10 Mo") });
  });
});

describe("sanitiseFileName", () => {
  it.each([
    ["../../etc/passwd", "pdf", "passwd.pdf"],
    ["C:\\Users\\marie\\Facture médecin.pdf", "pdf", "Facture médecin.pdf"],
    ['<img src=x onerror="alert(1)">.pdf', "pdf", "img src_x onerror_alert(1)_.pdf"],
    ["facture.pdf.html", "pdf", "facture.pdf.html.pdf"],
    [".htaccess", "png", "htaccess.png"],
    ["", "jpg", "document.jpg"],
    ["\u0000\u0007\u202e.pdf", "pdf", "document.pdf"],
    ["ordonnance\r\nContent-Type: text_html.pdf", "pdf", "ordonnance_Content-Type_ text_html.pdf"],
  ])("%j → %j", (declared, extension, expected) => {
    expect(sanitiseFileName(declared, extension)).toBe(expected);
  });

  it("limits the length to 100 characters, extension kept", () => {
    const name = sanitiseFileName(`${"é".repeat(300)}.pdf`, "pdf");
    expect(name.length).toBe(100);
    expect(name.endsWith(".pdf")).toBe(true);
  });
});

describe("attachmentDisposition", () => {
  it("always says attachment, with an ASCII fallback and the UTF-8 name", () => {
    expect(attachmentDisposition("Décompte Sécu.pdf")).toBe(
      `attachment; filename="Decompte Secu.pdf"; filename*=UTF-8''D%C3%A9compte%20S%C3%A9cu.pdf`,
    );
  });
});
