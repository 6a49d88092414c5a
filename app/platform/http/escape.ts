/*
 * Escaping for markup built as strings (the switchboard shutter page, the Atom feed), where no
 * React renderer escapes for us. Every dynamic value goes through one of these.
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Characters XML 1.0 forbids (C0 controls except tab, line feed and carriage return; U+FFFE,
 * U+FFFF; lone surrogates). HTML parsers tolerate some of them, XML parsers reject the whole
 * document: both renderers drop them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe in HTML element content and in double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(FORBIDDEN, "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Text safe in XML element content and attribute values (same rules, same output). */
export const escapeXml = escapeHtml;
