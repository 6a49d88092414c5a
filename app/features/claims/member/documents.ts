/*
 * Supporting documents (invoices, Sécu statements): limits, types, safe file names and download
 * headers. Shared with the claim form; the inspection of uploaded content is server-only
 * (`upload-inspection.server.ts`).
 */

/** Per file; DOMAIN and the member form say 10 MB. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const MAX_DOCUMENT_SIZE_LABEL = "10 Mo";

export type DocumentKind = "INVOICE" | "SECU_STATEMENT" | "OTHER";
export type DocumentMimeType = "application/pdf" | "image/jpeg" | "image/png";

export type UploadInspection =
  | { ok: true; mimeType: DocumentMimeType; extension: "pdf" | "jpg" | "png"; fileName: string }
  | { ok: false; status: 413 | 415; message: string };

/** A file that passed inspection, ready to be stored with a claim. */
export type InspectedDocument = {
  kind: DocumentKind;
  fileName: string;
  mimeType: DocumentMimeType;
  bytes: Uint8Array;
};

const MAX_NAME_LENGTH = 100;

/**
 * A file name safe to store, show and put in a Content-Disposition header: no directory part, no
 * control or markup characters, no leading dot, at most 100 characters, and ending with the
 * extension of the detected type (so `facture.pdf.html` holding a PDF becomes `facture.pdf.pdf`,
 * never an `.html` download).
 */
export function sanitiseFileName(declared: string, extension: string): string {
  const base = declared.split(/[\\/]/).pop() ?? "";
  let stem = base
    .normalize("NFC")
    .replace(/[^\p{L}\p{N} ._()-]+/gu, "_")
    .replace(/\s+/g, " ")
    .replace(/_+/g, "_")
    .trim();
  const dot = stem.lastIndexOf(".");
  if (dot >= 0 && stem.slice(dot + 1).toLowerCase() === extension) stem = stem.slice(0, dot);
  if (extension === "jpg" && /\.jpeg$/i.test(stem)) stem = stem.slice(0, -5);
  stem = stem
    .replace(/^[.\s_-]+/, "")
    .replace(/[.\s]+$/, "")
    .slice(0, MAX_NAME_LENGTH - extension.length - 1);
  return `${stem || "document"}.${extension}`;
}

/** RFC 6266 Content-Disposition for a download: ASCII fallback plus the UTF-8 name. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  INVOICE: "Facture",
  SECU_STATEMENT: "Décompte de la Sécurité sociale",
  OTHER: "Autre justificatif",
};
