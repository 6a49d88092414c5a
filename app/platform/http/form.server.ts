import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import type { z } from "zod";
import { HONEYPOT_FIELD } from "./honeypot";

/** Forms of the portal are small; anything larger is refused before it is parsed. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Reads an urlencoded or multipart form with a size limit. Malformed bodies become a 400, never
 * a 500.
 */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<FormData> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > maxBytes) throw data({ message: "Le formulaire envoyé est trop volumineux." }, { status: 413 });
  try {
    return await request.formData();
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
