import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DEMO_KARIM, DEMO_LUCIE } from "../../../app/features/demo/demo-accounts";
import { send } from "./client";
import { type Form, forms } from "./html";

/*
 * The main write paths, driven over HTTP as a member and visitors would: an activation request, a
 * password reset request, a contact message and a claim with two documents. They give the pages
 * with an id something to show, and the dump check secrets to look for: the links and codes the
 * e-mails carried, and the documents' bytes.
 */

export type Written = {
  /** Plain values that must never be found in clear at rest or in logs. */
  secrets: { label: string; value: string }[];
  /** Bytes of the uploaded documents: no window of them may be found in clear. */
  documents: { label: string; base64: string }[];
  steps: { label: string; status: number }[];
};

/** A small, structurally valid PDF (one page, uncompressed text) that no other file contains. */
export function markedPdf(marker: string): Buffer {
  const content = `BT /F1 12 Tf 72 720 Td (${marker}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

async function page(baseUrl: string, cookie: string, pathName: string, action: string): Promise<Form> {
  const response = await send(baseUrl, { method: "GET", path: pathName, cookie });
  const found = forms(await response.text(), `${baseUrl}${pathName}`).find((f) => f.action.split("?")[0] === action);
  if (!found) throw new Error(`No form posting to ${action} on ${pathName} (HTTP ${response.status})`);
  return found;
}

function body(form: Form, values: Record<string, string>, files: Record<string, { name: string; type: string; bytes: Buffer }> = {}, submitter?: string): { body: BodyInit; headers: Record<string, string> } {
  const entries: [string, string][] = [];
  const names = new Set<string>();
  for (const field of form.fields) {
    if (field.kind === "file") continue;
    if (names.has(field.name) && field.name in values) continue;
    names.add(field.name);
    entries.push([field.name, field.name in values ? values[field.name]! : field.value]);
  }
  const button = form.submitters.find((s) => `${s.name}=${s.value}` === submitter);
  if (button) entries.push([button.name, button.value]);
  if (form.enctype === "multipart/form-data") {
    const data = new FormData();
    for (const [k, v] of entries) data.append(k, v);
    for (const [k, f] of Object.entries(files)) data.append(k, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
    return { body: data, headers: {} };
  }
  return { body: new URLSearchParams(entries).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
}

function daysAgo(days: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date(Date.now() - days * 86_400_000));
}

/** Secrets carried by the e-mails the demo transport wrote: links with a token, 6-digit codes. */
export function mailSecrets(dataDir: string): { label: string; value: string }[] {
  const dir = path.join(dataDir, "mail");
  if (!fs.existsSync(dir)) return [];
  const found: { label: string; value: string }[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".eml"))) {
    const text = fs.readFileSync(path.join(dir, file), "utf8").replace(/=\r?\n/g, "");
    for (const m of text.matchAll(/\/(activation|mot-de-passe-oublie)\/([A-Za-z0-9_-]{16,})/g)) found.push({ label: `${m[1]} token (${file})`, value: m[2]! });
    for (const m of text.matchAll(/code[^0-9]{0,40}\b(\d{6})\b/gi)) found.push({ label: `e-mailed code (${file})`, value: m[1]! });
  }
  return found;
}

export async function driveWritePaths(baseUrl: string, sessions: Record<string, string>, dataDir: string): Promise<Written> {
  const written: Written = { secrets: [], documents: [], steps: [] };
  const post = async (label: string, cookie: string, form: Form, payload: ReturnType<typeof body>) => {
    const response = await send(baseUrl, { method: "POST", path: form.action, cookie, headers: payload.headers, body: payload.body });
    await response.body?.cancel();
    written.steps.push({ label, status: response.status });
    return response.status;
  };

  const activation = await page(baseUrl, "", "/activation", "/activation");
  await post("activation request", "", activation, body(activation, { memberNumber: DEMO_LUCIE.memberNumber, birthDate: DEMO_LUCIE.birthDate }));

  const reset = await page(baseUrl, "", "/mot-de-passe-oublie", "/mot-de-passe-oublie");
  await post("password reset request", "", reset, body(reset, { email: DEMO_KARIM.email }));

  const member = sessions.member!;
  const contact = await page(baseUrl, member, "/contact", "/contact");
  await post("contact message", member, contact, body(contact, { message: "Bonjour, je souhaite connaître les garanties optique de mon contrat. Merci." }));

  const claim = await page(baseUrl, member, "/espace/remboursements/nouveau", "/espace/remboursements/nouveau");
  const invoice = markedPdf(`Facture ${randomBytes(12).toString("hex")}`);
  const statement = markedPdf(`Decompte ${randomBytes(12).toString("hex")}`);
  const status = await post(
    "claim with two documents",
    member,
    claim,
    body(
      claim,
      {
        category: "GP",
        careDate: daysAgo(2),
        providerName: "Dr Sécurité (suite)",
        realCost: "30,00",
        providerOptam: "oui",
        secuCovered: "oui",
        secuBase: "30",
        secuRate: "70",
        secuPaid: "19,00",
      },
      {
        invoice: { name: "facture.pdf", type: "application/pdf", bytes: invoice },
        secuStatement: { name: "decompte.pdf", type: "application/pdf", bytes: statement },
      },
      "intent=submit",
    ),
  );
  if (status < 300 || status >= 400) throw new Error(`Filing a claim gave HTTP ${status}, not a redirect to the claim`);
  written.documents.push({ label: "claim invoice", base64: invoice.toString("base64") }, { label: "claim Sécu statement", base64: statement.toString("base64") });

  // The dispatcher writes the e-mails within a few seconds.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && mailSecrets(dataDir).filter((s) => /token/.test(s.label)).length < 2) await new Promise((r) => setTimeout(r, 250));
  written.secrets.push(...mailSecrets(dataDir));
  return written;
}
