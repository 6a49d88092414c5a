/*
 * A one-page PDF with a few lines of Helvetica text, written by hand: well formed (exact
 * cross-reference offsets, stream lengths), synchronous and without dependency. For demo data and
 * test documents; real documents come from members.
 */

/** PDF literal string of `text` in the standard Latin encoding (characters outside Latin-1 become "?"). */
function pdfString(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === "(" || ch === ")" || ch === "\\") out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code >= 0xa0 && code <= 0xff) out += `\\${code.toString(8).padStart(3, "0")}`;
    else out += "?";
  }
  return `(${out})`;
}

/**
 * `lines` printed top-down on an A4 page. `minBytes` pads the page's content stream (with spaces,
 * which a content stream ignores) so that the file reaches at least that size.
 */
export function simplePdf(lines: readonly string[], options: { minBytes?: number } = {}): Uint8Array {
  const text = lines.map((line, i) => `BT /F1 ${i === 0 ? 16 : 11} Tf 56 ${780 - i * 20} Td ${pdfString(line)} Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    null, // the content stream, sized below
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  const build = (padding: number) => {
    const content = `${text}\n${" ".repeat(padding)}`;
    const bodies = objects.map((o) => o ?? `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`);
    let out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const offsets: number[] = [];
    bodies.forEach((body, i) => {
      offsets.push(Buffer.byteLength(out, "latin1"));
      out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = Buffer.byteLength(out, "latin1");
    out += `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
    out += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(out, "latin1");
  };
  const first = build(0);
  const missing = (options.minBytes ?? 0) - first.length;
  if (missing <= 0) return new Uint8Array(first);
  // Padding also lengthens the numbers written after it (Length, offsets): add a little more.
  return new Uint8Array(build(missing + 16));
}
