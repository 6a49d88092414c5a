import { describe, expect, it } from "vitest";
import { attachmentDisposition, sanitiseFileName } from "./documents";

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
