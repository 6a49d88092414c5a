/*
 * Inspection of uploaded supporting documents (invoices, Sécu statements), pure: the type is
 * decided by the first bytes of the content, never by the declared name or Content-Type, so an
 * HTML page renamed `facture.pdf` is refused. Used by the online form and the e-mail intake alike.
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

const SIGNATURES: readonly { mimeType: DocumentMimeType; extension: "pdf" | "jpg" | "png"; magic: readonly number[] }[] = [
  // "%PDF-"
  { mimeType: "application/pdf", extension: "pdf", magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mimeType: "image/jpeg", extension: "jpg", magic: [0xff, 0xd8, 0xff] },
  { mimeType: "image/png", extension: "png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

const UNSUPPORTED_TYPE_MESSAGE = "Ce fichier n’est ni un PDF, ni une image JPEG ou PNG. Envoyez la facture ou le décompte dans l’un de ces formats.";

function tooLargeMessage(): string {
  return `Ce fichier dépasse ${MAX_DOCUMENT_SIZE_LABEL}. Envoyez une version plus légère (par exemple une photo moins grande ou un PDF compressé).`;
}

/** Checks one uploaded file: size, then type by content. */
export function inspectUpload(bytes: Uint8Array, declaredName: string): UploadInspection {
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, status: 413, message: tooLargeMessage() };
  if (bytes.length === 0) return { ok: false, status: 415, message: "Ce fichier est vide." };
  const signature = SIGNATURES.find((s) => startsWith(bytes, s.magic));
  if (!signature) return { ok: false, status: 415, message: UNSUPPORTED_TYPE_MESSAGE };
  return { ok: true, mimeType: signature.mimeType, extension: signature.extension, fileName: sanitiseFileName(declaredName, signature.extension) };
}

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
