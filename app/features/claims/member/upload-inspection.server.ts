import { decodeImageOffThread } from "~/platform/uploads/image-decode-pool.server";
import { type ImageVerdict, inspectJpeg, inspectPng, MAX_IMAGE_PIXELS } from "~/platform/uploads/image-decode.server";
import { inspectPdfStructure, type PdfRefusal } from "~/platform/uploads/pdf-structure.server";
import { type DocumentMimeType, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_SIZE_LABEL, sanitiseFileName, type UploadInspection } from "./documents";

/*
 * Inspection of an uploaded supporting document, for the online form and the e-mail intake alike.
 * The type is decided by the content, never by the declared name or Content-Type (an HTML page
 * renamed `facture.pdf` is refused); then the content must be what it claims to be, all of it: a
 * PDF is read structurally from its first byte to its last (no polyglot, no encryption, no
 * JavaScript or automatic action, no embedded file), an image is decoded pixel by pixel (no
 * truncated or corrupted file, no pixel bomb). See ADR 021.
 */

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

export const PDF_REFUSAL_MESSAGES: Record<PdfRefusal, string> = {
  malformed: "Ce PDF est endommagé ou n’est pas un vrai PDF. Enregistrez-le à nouveau au format PDF, puis renvoyez-le.",
  encrypted: "Ce PDF est protégé par un mot de passe ou chiffré : nous ne pouvons pas le lire. Envoyez une version sans protection.",
  "active-content":
    "Ce PDF contient du code ou des actions automatiques (JavaScript, ouverture d’une application, envoi de formulaire) : pour votre sécurité, il est refusé. Imprimez-le en PDF (« Enregistrer au format PDF »), puis renvoyez-le.",
  "embedded-file": "Ce PDF contient des fichiers joints : il est refusé. Envoyez la facture ou le décompte seul, sans pièce jointe.",
};

export const IMAGE_MALFORMED_MESSAGE = "Cette image est endommagée ou n’est pas une vraie image JPEG ou PNG. Reprenez la photo, ou envoyez un PDF.";
export const IMAGE_TOO_LARGE_MESSAGE = `Cette image compte plus de ${MAX_IMAGE_PIXELS / 1_000_000} millions de pixels. Envoyez une photo de taille normale, ou un PDF.`;

export const IMAGE_BUSY_MESSAGE = "Trop d’images sont en cours de vérification en ce moment. Réessayez dans quelques instants.";
export const IMAGE_TIMEOUT_MESSAGE = "La vérification de cette image a pris trop de temps : elle est refusée. Envoyez une photo plus légère, ou un PDF.";

const IMAGE_REFUSAL_MESSAGES: Record<Exclude<ImageVerdict, { ok: true }>["reason"], string> = {
  malformed: IMAGE_MALFORMED_MESSAGE,
  "too-many-pixels": IMAGE_TOO_LARGE_MESSAGE,
  busy: IMAGE_BUSY_MESSAGE,
  timeout: IMAGE_TIMEOUT_MESSAGE,
};

const imageRefusal = (verdict: ImageVerdict) => (verdict.ok ? null : IMAGE_REFUSAL_MESSAGES[verdict.reason]);

/**
 * Decodes the image among `files` (if any) in a worker thread, off the event loop; `inspectUpload`
 * on these same byte arrays then uses those verdicts instead of decoding in-process. Sequential:
 * one upload's images never take more than one of the pool's slots.
 */
export async function prepareImageInspection(files: readonly Uint8Array[]): Promise<void> {
  for (const bytes of files) {
    if (bytes.length === 0 || bytes.length > MAX_DOCUMENT_BYTES) continue;
    const signature = SIGNATURES.find((s) => startsWith(bytes, s.magic));
    if (signature?.mimeType === "image/jpeg") await decodeImageOffThread(bytes, "jpeg");
    else if (signature?.mimeType === "image/png") await decodeImageOffThread(bytes, "png");
  }
}

/** `inspectUpload`, the image decode running in a worker thread: what request handlers call. */
export async function inspectUploadOffThread(bytes: Uint8Array, declaredName: string): Promise<UploadInspection> {
  await prepareImageInspection([bytes]);
  return inspectUpload(bytes, declaredName);
}

/**
 * Checks one uploaded file: size, type by content, then the content itself. An image not decoded
 * beforehand by `prepareImageInspection` is decoded here, on the calling thread.
 */
export function inspectUpload(bytes: Uint8Array, declaredName: string): UploadInspection {
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, status: 413, message: tooLargeMessage() };
  if (bytes.length === 0) return { ok: false, status: 415, message: "Ce fichier est vide." };
  const signature = SIGNATURES.find((s) => startsWith(bytes, s.magic));
  if (!signature) return { ok: false, status: 415, message: UNSUPPORTED_TYPE_MESSAGE };
  let refusal: string | null;
  if (signature.mimeType === "application/pdf") {
    const verdict = inspectPdfStructure(bytes);
    refusal = verdict.ok ? null : PDF_REFUSAL_MESSAGES[verdict.reason];
  } else {
    refusal = imageRefusal(signature.mimeType === "image/png" ? inspectPng(bytes) : inspectJpeg(bytes));
  }
  if (refusal) return { ok: false, status: 415, message: refusal };
  return { ok: true, mimeType: signature.mimeType, extension: signature.extension, fileName: sanitiseFileName(declaredName, signature.extension) };
}
