import { createHash } from "node:crypto";
import { blindIndex, decryptBytesBinary, encryptBytesBinary } from "~/platform/crypto/keyring.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { BodyLimitExceeded, readBodyWithLimit } from "~/platform/http/read-body.server";
import { claimDocuments } from "~/platform/db/schema";
import type { InspectedDocument } from "./documents";

/*
 * Storage of claim documents: encrypted with the application keys (a stolen database copy holds no
 * readable invoice), with a keyed hash of the content so that the same file sent twice is found
 * without decrypting anything.
 */

/** Additional authenticated data of every stored document: a value moved elsewhere fails to decrypt. */
const PURPOSE = "claim_documents.content";

/**
 * SHA-256 of a file's bytes, computed once per buffer (uploaded bytes are never modified): a claim's files are hashed for its
 * idempotency key, its duplicate checks and its stored rows, and an invoice can weigh 10 MB.
 */
const digests = new WeakMap<Uint8Array, Buffer>();
export function contentSha256(bytes: Uint8Array): Buffer {
  let digest = digests.get(bytes);
  if (!digest) {
    digest = createHash("sha256").update(bytes).digest();
    digests.set(bytes, digest);
  }
  return digest;
}

/** Keyed hash of a file's bytes (HMAC over its SHA-256): equal files, equal hashes; unguessable without the key. */
export function documentFileHash(bytes: Uint8Array): string {
  return blindIndex("claim_documents.file", contentSha256(bytes).toString("base64url"));
}

/** Writes the inspected documents of a claim. Call inside the claim's transaction. */
export async function storeClaimDocuments(tx: DbOrTx, claimId: string, documents: readonly InspectedDocument[], now: Date): Promise<void> {
  if (documents.length === 0) return;
  await tx.insert(claimDocuments).values(
    documents.map((d) => ({
      claimId,
      kind: d.kind,
      fileName: d.fileName,
      mimeType: d.mimeType,
      sizeBytes: d.bytes.length,
      fileHash: documentFileHash(d.bytes),
      contentEnc: encryptBytesBinary(PURPOSE, d.bytes),
      createdAt: now,
    })),
  );
}

/** The clear bytes of a stored document. Callers check access first and audit staff reads. */
export function decryptDocumentContent(contentEnc: Uint8Array): Buffer {
  return decryptBytesBinary(PURPOSE, contentEnc);
}

/** Two documents of 10 MB at most, plus the form's fields and the multipart framing. */
export const MAX_CLAIM_BODY_BYTES = 2 * 10 * 1024 * 1024 + 512 * 1024;

export class UploadRejected extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = "UploadRejected";
  }
}

/** Shown to a member whose claim is over the size limit, by the route or by the server-wide limit. */
export const CLAIM_TOO_LARGE_MESSAGE = "L’envoi dépasse la taille autorisée : chaque justificatif doit faire 10 Mo au plus. Rien n’a été enregistré.";

/**
 * Reads a multipart claim form without ever holding more than the limit: a declared length over it
 * is refused before a byte is read, and a body that grows past it (chunked, or lying about its
 * length) is no longer read as it streams. Nothing is written before the whole form is read.
 */
export async function readClaimForm(request: Request, maxBytes = MAX_CLAIM_BODY_BYTES): Promise<FormData> {
  if (!request.body) throw new UploadRejected(400, "Le formulaire envoyé est vide.");
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readBodyWithLimit(request, maxBytes);
  } catch (error) {
    if (error instanceof BodyLimitExceeded) throw new UploadRejected(413, CLAIM_TOO_LARGE_MESSAGE);
    throw new UploadRejected(400, "Le formulaire envoyé est illisible.");
  }
  try {
    return await new Response(bytes, { headers: { "Content-Type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw new UploadRejected(400, "Le formulaire envoyé est illisible.");
  }
}
