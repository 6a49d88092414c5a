/*
 * Reading a Fetch request's body with a limit, counting while it streams: a declared length over
 * the limit is refused before a byte is read, and a body that grows past it (chunked, or lying
 * about its length) is no longer read as soon as it does. Nothing larger than the limit is ever held.
 */

export class BodyLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = "BodyLimitExceeded";
  }
}

export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new BodyLimitExceeded(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancelled: cancelling the body of a Node request destroys its socket, and the client
      // would get a reset instead of the 413. The server host stops reading it once answered.
      reader.releaseLock();
      throw new BodyLimitExceeded(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
