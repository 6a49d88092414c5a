import { PDFDocument, type PDFFont, type PDFPage, StandardFonts, rgb } from "pdf-lib";
import { formatIban } from "~/platform/identifiers/identifiers";
import { INSURER } from "~/ui/insurer";
import { decryptField } from "~/platform/crypto/keyring.server";
import { type MandateData, buildMandate } from "./sepa-mandate";
import { type Draft, IBAN_PURPOSE } from "./subscription-draft.server";
import { config } from "~/platform/config/env.server";
import { formatParisDateTime } from "~/platform/time/paris";

/*
 * The SEPA direct-debit mandate as a one-page PDF (pdf-lib, standard Helvetica: nothing to embed).
 * Standard fonts only encode WinAnsi, so any other character a prospect typed is replaced rather
 * than allowed to make the rendering fail.
 */

const WIN_ANSI_EXTRA = new Set([..."€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"]);

export function winAnsiSafe(text: string): string {
  let out = "";
  for (const ch of text.replace(/[\u202F\u2009]/g, " ")) {
    const code = ch.codePointAt(0)!;
    out += (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) ? ch : "?";
  }
  return out;
}

const INK = rgb(0.1, 0.12, 0.16);
const MUTED = rgb(0.35, 0.38, 0.45);
const BRAND = rgb(0.07, 0.3, 0.55);

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

export async function renderMandatePdf(mandate: MandateData): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Mandat de prélèvement SEPA ${mandate.reference}`);
  pdf.setAuthor(INSURER.legalName);
  pdf.setCreator(INSURER.name);
  const page: PDFPage = pdf.addPage([595.28, 841.89]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const left = 56;
  const width = 595.28 - 2 * left;
  let y = 790;

  const text = (value: string, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; gap?: number } = {}) => {
    const font = opts.font ?? regular;
    const size = opts.size ?? 10;
    for (const line of wrap(winAnsiSafe(value), font, size, width)) {
      page.drawText(line, { x: left, y, size, font, color: opts.color ?? INK });
      y -= size + 4;
    }
    y -= opts.gap ?? 0;
  };
  const field = (label: string, value: string) => {
    page.drawText(winAnsiSafe(label), { x: left, y, size: 9, font: regular, color: MUTED });
    const lines = wrap(winAnsiSafe(value || "—"), bold, 10, width - 170);
    for (const line of lines) {
      page.drawText(line, { x: left + 170, y, size: 10, font: bold, color: INK });
      y -= 14;
    }
  };

  text(INSURER.legalName, { font: bold, size: 16, color: BRAND });
  text(INSURER.postalAddress, { size: 9, color: MUTED });
  text(`${INSURER.phone} · ${INSURER.email}`, { size: 9, color: MUTED, gap: 18 });
  text("Mandat de prélèvement SEPA", { font: bold, size: 18, gap: 10 });

  field("Référence unique du mandat", mandate.reference);
  field("Identifiant créancier SEPA", mandate.creditorIdentifier);
  field("Type de paiement", mandate.paymentType);
  y -= 10;
  text("Créancier", { font: bold, size: 12 });
  field("Nom", mandate.creditor.name);
  field("Adresse", mandate.creditor.address);
  y -= 10;
  text("Débiteur", { font: bold, size: 12 });
  field("Titulaire du compte", mandate.debtor.name);
  field("Adresse", mandate.debtor.address);
  field("IBAN", formatIban(mandate.debtor.iban));
  field("BIC", mandate.debtor.bic ?? "");
  y -= 14;
  for (const paragraph of mandate.text) text(paragraph, { size: 10, gap: 6 });
  y -= 8;
  field("Fait à", mandate.place);
  field(
    "Signé électroniquement le",
    mandate.signedAt
      ? formatParisDateTime(mandate.signedAt)
      : "pas encore signé (signature par code à la dernière étape)",
  );
  y -= 20;
  text(`Version du texte : ${mandate.textVersion}`, { size: 8, color: MUTED });
  text(INSURER.legalMention, { size: 8, color: MUTED });
  return pdf.save();
}

/** The mandate of a draft (before or after signature), or null while no account is saved. */
export async function mandatePdfForDraft(draft: Draft): Promise<{ filename: string; bytes: Uint8Array } | null> {
  if (!draft.ibanEnc || !draft.mandateReference || !draft.data.bank) return null;
  const address = draft.data.address;
  const mandate = buildMandate({
    reference: draft.mandateReference,
    creditorIdentifier: config().sepaCreditorId,
    debtorName: draft.data.bank.accountHolder,
    debtorAddress: address ? [address.addressLine, address.addressLine2, `${address.postcode} ${address.city}`].filter(Boolean).join(", ") : "",
    iban: decryptField(IBAN_PURPOSE, draft.ibanEnc),
    bic: draft.data.bank.bic || null,
    city: address?.city ?? "",
    signedAt: draft.signedAt ? draft.signedAt.toISOString() : null,
  });
  return { filename: `mandat-sepa-${draft.mandateReference}.pdf`, bytes: await renderMandatePdf(mandate) };
}
