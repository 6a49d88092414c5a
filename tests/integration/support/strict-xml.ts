/*
 * A small, strict XML 1.0 reader for tests (no XML library is installed): one root element,
 * properly nested and closed tags, quoted and unique attributes, only the five predefined and
 * numeric entities, no raw `<` or `&` in text, nothing but whitespace, comments and processing
 * instructions around the root. Anything else throws with the offset of the problem.
 */

export type XmlElement = {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
};

export type XmlDocument = { declaration: Record<string, string> | null; root: XmlElement };

const NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

class XmlSyntaxError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} (offset ${offset})`);
    this.name = "XmlSyntaxError";
  }
}

function decodeEntities(raw: string, offset: number): string {
  if (raw.includes("<")) throw new XmlSyntaxError("raw '<' in character data", offset);
  return raw.replace(/&([^;]*);|&/g, (match, body: string | undefined) => {
    if (body === undefined) throw new XmlSyntaxError("bare '&' in character data", offset);
    if (Object.hasOwn(PREDEFINED, body)) return PREDEFINED[body]!;
    const numeric = /^#(?:x([0-9A-Fa-f]+)|(\d+))$/.exec(body);
    if (!numeric) throw new XmlSyntaxError(`unknown entity ${match}`, offset);
    return String.fromCodePoint(numeric[1] ? Number.parseInt(numeric[1], 16) : Number(numeric[2]));
  });
}

export function parseXml(source: string): XmlDocument {
  let pos = 0;
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, pos);
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(source);
    if (!m) fail("expected a name");
    pos += m![0].length;
    return m![0];
  };
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source[pos]!)) pos++;
  };
  const attributes = (closing: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (source.startsWith(closing, pos) || source.startsWith("/>", pos) || source.startsWith(">", pos)) return out;
      if (pos === before) fail("expected whitespace before an attribute");
      const key = name();
      skipSpace();
      if (source[pos] !== "=") fail("expected '='");
      pos++;
      skipSpace();
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail("attribute values must be quoted");
      const end = source.indexOf(quote!, pos + 1);
      if (end < 0) fail("unterminated attribute value");
      if (Object.hasOwn(out, key)) fail(`duplicate attribute ${key}`);
      out[key] = decodeEntities(source.slice(pos + 1, end), pos);
      pos = end + 1;
    }
  };
  const misc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith("<!--", pos)) {
        const end = source.indexOf("-->", pos + 4);
        if (end < 0) fail("unterminated comment");
        pos = end + 3;
      } else if (source.startsWith("<?", pos)) {
        const end = source.indexOf("?>", pos + 2);
        if (end < 0) fail("unterminated processing instruction");
        pos = end + 2;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (source[pos] !== "<") fail("expected '<'");
    pos++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: "" };
    el.attributes = attributes(">");
    if (source.startsWith("/>", pos)) {
      pos += 2;
      return el;
    }
    if (source[pos] !== ">") fail("expected '>'");
    pos++;
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) fail(`unclosed element <${el.name}>`);
      el.text += decodeEntities(source.slice(pos, next), pos);
      pos = next;
      if (source.startsWith("</", pos)) {
        pos += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        skipSpace();
        if (source[pos] !== ">") fail("expected '>'");
        pos++;
        return el;
      }
      if (source.startsWith("<!--", pos)) {
        const end = source.indexOf("-->", pos + 4);
        if (end < 0) fail("unterminated comment");
        pos = end + 3;
      } else if (source.startsWith("<![CDATA[", pos)) {
        const end = source.indexOf("]]>", pos);
        if (end < 0) fail("unterminated CDATA section");
        el.text += source.slice(pos + 9, end);
        pos = end + 3;
      } else if (source.startsWith("<?", pos) || source.startsWith("<!", pos)) {
        fail("unexpected markup declaration inside an element");
      } else {
        el.children.push(element());
      }
    }
  };

  let declaration: Record<string, string> | null = null;
  if (source.startsWith("<?xml", 0) && /\s/.test(source[5] ?? "")) {
    pos = 5;
    declaration = attributes("?>");
    if (!source.startsWith("?>", pos)) fail("unterminated XML declaration");
    pos += 2;
  }
  misc();
  if (source.startsWith("<!DOCTYPE", pos)) fail("document type declarations are not accepted");
  const root = element();
  misc();
  if (pos !== source.length) fail("content after the root element");
  return { declaration, root };
}

/** The children of `el` with that name. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Follows a path of child names (first match at each step); throws if one is missing. */
export function at(el: XmlElement, ...path: string[]): XmlElement {
  let current = el;
  for (const step of path) {
    const next = current.children.find((c) => c.name === step);
    if (!next) throw new Error(`<${current.name}> has no <${step}>`);
    current = next;
  }
  return current;
}
