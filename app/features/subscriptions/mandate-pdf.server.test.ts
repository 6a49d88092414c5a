import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { renderMandatePdf, winAnsiSafe } from "./mandate-pdf.server";
import { buildMandate } from "./sepa-mandate";

describe("SEPA mandate PDF", () => {
  it("keeps French typography and replaces what standard fonts cannot encode", () => {
    expect(winAnsiSafe("Zoé L’Hôte « Œuvre » 12 €")).toBe("Zoé L’Hôte « Œuvre » 12 €");
    expect(winAnsiSafe("Łukasz 李 💥")).toBe("?ukasz ? ?");
  });

  it("renders one page whatever the debtor's name", async () => {
    const bytes = await renderMandatePdf(
      buildMandate({
        reference: "BSC-20261129-ABCDEFGHJK",
        creditorIdentifier: "FR15ZZZ832000",
        debtorName: "Anaïs Ørsted 李 <script>alert(1)</script>",
        debtorAddress: "12 rue des Lilas, 83000 Toulon",
        iban: "FR7630006000011234567890189",
        bic: "BNPAFRPP",
        city: "Toulon",
        signedAt: "2026-11-29T10:00:00.000Z",
      }),
    );
    expect(Buffer.from(bytes).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe("Mandat de prélèvement SEPA BSC-20261129-ABCDEFGHJK");
  });
});
