import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import type { z } from "zod";
import { HONEYPOT_FIELD } from "./honeypot";
import { BodyLimitExceeded, readBodyWithLimit } from "./read-body.server";

/** Forms of the portal are small; anything larger is refused while it streams. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Reads an urlencoded or multipart form with a size limit, counted while the body streams
 * (chunked or not): over the limit, a 413 before anything more is read. Malformed bodies become a
 * 400, never a 500.
 */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<FormData> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readBodyWithLimit(request, maxBytes);
  } catch (error) {
    if (error instanceof BodyLimitExceeded) throw data({ message: "Le formulaire envoyé est trop volumineux." }, { status: 413 });
    throw data({ message: "Le formulaire envoyé est illisible." }, { status: 400 });
  }
  try {
    return await new Response(bytes, { headers: { "Content-Type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw data({ message: "Le formulaire envoyé est illisible." }, { status: 400 });
  }
}

/**
 * The one server-side parser of every form: Conform's `parseWithZod`, except that a malformed
 * Conform control field (`__intent__` or `__state__` that is not Conform's JSON, or given twice)
 * is the sender's fault — a 400, never a 500.
 */
export function parseForm<Schema extends z.ZodType>(form: FormData, schema: Schema) {
  try {
    return parseWithZod(form, { schema });
  } catch {
    throw data({ message: "Le formulaire envoyé est illisible." }, { status: 400 });
  }
}

/** Public forms: a filled honeypot means a bot; it gets a plain 400 and nothing is done. */
export function rejectBots(form: FormData): void {
  const trap = form.get(HONEYPOT_FIELD);
  if (typeof trap === "string" && trap.length > 0) {
    throw data({ message: "Le formulaire n’a pas pu être traité." }, { status: 400 });
  }
}
