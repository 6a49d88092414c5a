import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import type { z } from "zod";

/**
 * parseWithZod, except that a malformed Conform control field (`__intent__` or `__state__` that is
 * not Conform's JSON, or given twice) is the sender's fault: a 400, never a 500.
 */
export function parseQuoteForm<Schema extends z.ZodType>(form: FormData, schema: Schema) {
  try {
    return parseWithZod(form, { schema });
  } catch {
    throw data({ message: "Le formulaire envoyé est illisible." }, { status: 400 });
  }
}
