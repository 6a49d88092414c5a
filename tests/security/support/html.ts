/*
 * Just enough HTML reading for the suite: links and forms of the pages the portal renders
 * (React's output is regular: quoted attributes, escaped text, no `<` inside scripts' JSON).
 */

export type Field = { name: string; kind: string; value: string };
export type Form = { action: string; method: string; enctype: string; fields: Field[]; submitters: Field[] };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") return String.fromCodePoint(name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(/([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

/** Without scripts and styles, whose text is not markup. */
function markupOnly(html: string): string {
  return html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, "");
}

export function links(html: string): string[] {
  return [...markupOnly(html).matchAll(/<a\b([^>]*)>/gi)].map((m) => attributes(m[1]!).href).filter((h): h is string => Boolean(h));
}

export function forms(html: string, pageUrl: string): Form[] {
  const result: Form[] = [];
  for (const m of markupOnly(html).matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]!);
    const body = m[2]!;
    const fields: Field[] = [];
    const submitters: Field[] = [];
    for (const tag of body.matchAll(/<(input|textarea|select|button)\b([^>]*)>(?:([\s\S]*?)<\/\1>)?/gi)) {
      const kind = tag[1]!.toLowerCase();
      const a = attributes(tag[2]!);
      if (!a.name || "disabled" in a) continue;
      if (kind === "button") {
        if ((a.type ?? "submit") === "submit") submitters.push({ name: a.name, kind: "submit", value: a.value ?? "" });
        continue;
      }
      if (kind === "textarea") {
        fields.push({ name: a.name, kind, value: decodeEntities(tag[3] ?? "") });
        continue;
      }
      if (kind === "select") {
        const options = [...(tag[3] ?? "").matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi)].map((o) => ({ attrs: attributes(o[1]!), text: decodeEntities(o[2]!) }));
        const chosen = options.find((o) => "selected" in o.attrs && o.attrs.value !== "") ?? options.find((o) => (o.attrs.value ?? o.text) !== "");
        fields.push({ name: a.name, kind, value: chosen ? (chosen.attrs.value ?? chosen.text) : "" });
        continue;
      }
      const type = (a.type ?? "text").toLowerCase();
      if (type === "submit" || type === "image") {
        submitters.push({ name: a.name, kind: "submit", value: a.value ?? "" });
        continue;
      }
      if ((type === "checkbox" || type === "radio") && !("checked" in a)) {
        // A radio group is sent with one value: the first one when none is checked.
        if (type === "radio" && !fields.some((f) => f.name === a.name) && !body.includes(`name="${a.name}" checked`)) fields.push({ name: a.name, kind: type, value: a.value ?? "on" });
        continue;
      }
      fields.push({ name: a.name, kind: type, value: type === "checkbox" || type === "radio" ? (a.value ?? "on") : (a.value ?? "") });
    }
    const action = new URL(attrs.action || pageUrl, pageUrl);
    result.push({
      action: `${action.pathname}${action.search}`,
      method: (attrs.method ?? "get").toUpperCase(),
      enctype: attrs.enctype ?? "application/x-www-form-urlencoded",
      fields,
      submitters,
    });
  }
  return result;
}
