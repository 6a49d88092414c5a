import { PDFDocument, type PDFFont, type PDFPage, StandardFonts, rgb } from "pdf-lib";
import { INSURER } from "~/ui/insurer";
import { QUOTE_VALIDITY_DAYS } from "./create-quote.server";
import type { SavedQuote } from "./saved-quote";
import { ROLE_LABELS } from "./format";
import type { FormulaSummary } from "./guarantees.server";
import { formatEuros } from "~/platform/format/euros";
import { formatCivilDate } from "~/platform/time/civil-date";
import { formatParisDate } from "~/platform/time/paris";

/*
 * The saved quote as an A4 PDF (pdf-lib, standard Helvetica: nothing to embed). Standard fonts only
 * encode WinAnsi: the narrow no-break spaces Intl puts in French amounts, typographic quotes and
 * any other character outside the font's set are replaced before drawing, so that no value can make
 * the rendering fail.
 */

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const WIDTH = PAGE[0] - 2 * MARGIN;
const BOTTOM = 70;
const INK = rgb(0.1, 0.12, 0.16);
const MUTED = rgb(0.33, 0.36, 0.42);
const BRAND = rgb(0.07, 0.3, 0.55);
const RULE = rgb(0.8, 0.82, 0.86);
const HIGHLIGHT = rgb(0.9, 0.94, 0.98);

const REPLACEMENTS: Record<string, string> = {
  "\u202F": " ",
  "\u2009": " ",
  "\u00A0": " ",
  "\u2019": "'",
  "\u2018": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\u2212": "-",
};

/** Text the standard font can draw: known replacements, then "?" for anything it cannot encode. */
export function pdfSafe(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  let out = "";
  for (const ch of text) {
    const replaced = REPLACEMENTS[ch] ?? ch;
    for (const c of replaced) out += supported.has(c.codePointAt(0)!) ? c : "?";
  }
  return out;
}

type Column = { title: string; width: number; align?: "left" | "right" };

class Writer {
  page: PDFPage;
  y = PAGE[1] - MARGIN;
  constructor(
    readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage(PAGE);
  }

  ensure(height: number) {
    if (this.y - height < BOTTOM) {
      this.page = this.pdf.addPage(PAGE);
      this.y = PAGE[1] - MARGIN;
    }
  }

  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    // Lines break on ordinary spaces only, and a sign after a space (%, €, :, ;, ?, !, ») is glued
    // to the word before it with a no-break space, as French typography wants.
    const glued = text.replace(/ ([%€:;?!»])/g, "\u00A0$1").replace(/« /g, "«\u00A0");
    for (const raw of glued.split(/[ \t\r\n]+/).filter(Boolean)) {
      const word = pdfSafe(raw, font);
      const candidate = line ? `${line} ${word}` : word;
      if (line && font.widthOfTextAtSize(candidate, size) > width) {
        lines.push(line);
        line = word;
      } else line = candidate;
    }
    if (line) lines.push(line);
    return lines.length ? lines : [""];
  }

  text(value: string, opts: { bold?: boolean; size?: number; color?: ReturnType<typeof rgb>; after?: number } = {}) {
    const font = opts.bold ? this.bold : this.regular;
    const size = opts.size ?? 10;
    for (const line of this.wrap(value, font, size, WIDTH)) {
      this.ensure(size + 4);
      this.page.drawText(line, { x: MARGIN, y: this.y - size, size, font, color: opts.color ?? INK });
      this.y -= size + 4;
    }
    this.y -= opts.after ?? 0;
  }

  heading(value: string) {
    this.ensure(40);
    this.y -= 8;
    this.text(value, { bold: true, size: 13, color: BRAND, after: 4 });
  }

  table(columns: Column[], rows: string[][], highlightRow?: number) {
    const size = 9;
    const pad = 4;
    const drawRow = (cells: string[], font: PDFFont, fill?: ReturnType<typeof rgb>) => {
      const wrapped = cells.map((c, i) => this.wrap(c, font, size, columns[i]!.width - 2 * pad));
      const height = Math.max(...wrapped.map((w) => w.length)) * (size + 3) + 2 * pad;
      this.ensure(height);
      if (fill) this.page.drawRectangle({ x: MARGIN, y: this.y - height, width: WIDTH, height, color: fill });
      let x = MARGIN;
      wrapped.forEach((lines, i) => {
        const col = columns[i]!;
        lines.forEach((line, n) => {
          const w = font.widthOfTextAtSize(line, size);
          const lx = col.align === "right" ? x + col.width - pad - w : x + pad;
          this.page.drawText(line, { x: lx, y: this.y - pad - size - n * (size + 3) + 1, size, font, color: INK });
        });
        x += col.width;
      });
      this.y -= height;
      this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: MARGIN + WIDTH, y: this.y }, thickness: 0.5, color: RULE });
    };
    drawRow(
      columns.map((c) => c.title),
      this.bold,
    );
    rows.forEach((r, i) => drawRow(r, i === highlightRow ? this.bold : this.regular, i === highlightRow ? HIGHLIGHT : undefined));
    this.y -= 6;
  }
}

const SCHEME_LABELS = { GENERAL: "Régime général", ALSACE_MOSELLE: "Régime local d’Alsace-Moselle" } as const;

export async function renderQuotePdf(quote: SavedQuote, formulas: readonly FormulaSummary[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Devis Bascule ${quote.reference}`);
  pdf.setAuthor(INSURER.legalName);
  pdf.setCreator(INSURER.name);
  pdf.setCreationDate(quote.createdAt);
  pdf.setModificationDate(quote.createdAt);
  const w = new Writer(pdf, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));

  w.text(INSURER.legalName, { bold: true, size: 18, color: BRAND });
  w.text(`${INSURER.postalAddress} · ${INSURER.phone} · ${INSURER.email}`, { size: 9, color: MUTED, after: 14 });
  w.text("Devis de complémentaire santé", { bold: true, size: 16, after: 6 });
  w.text(`Référence : ${quote.reference}`, { bold: true });
  w.text(`Établi le ${formatParisDate(quote.createdAt)}, valable ${QUOTE_VALIDITY_DAYS} jours, jusqu’au ${formatParisDate(quote.expiresAt)}.`);
  w.text(`Début de la couverture souhaité : ${formatCivilDate(quote.startDate)}.`);
  w.text(`Code postal ${quote.postcode} (département ${quote.departement}, zone tarifaire ${quote.zone}) · ${SCHEME_LABELS[quote.scheme]}.`, { after: 4 });

  w.heading("Personnes couvertes");
  w.table(
    [
      { title: "Personne", width: 170 },
      { title: "Date de naissance", width: 150 },
      { title: "Âge retenu", width: 175 },
    ],
    quote.chosen.persons.map((p) => [
      p.childRank ? `${ROLE_LABELS[p.role]} ${p.childRank}` : ROLE_LABELS[p.role],
      formatCivilDate(p.birthDate),
      `${p.age} ans`,
    ]),
  );

  w.heading("Les quatre formules");
  const chosenIndex = quote.formulas.findIndex((f) => f.code === quote.chosenFormula);
  w.table(
    [
      { title: "Formule", width: 215 },
      { title: "Par mois", width: 140, align: "right" },
      { title: "Par an", width: 140, align: "right" },
    ],
    quote.formulas.map((f) => {
      const marks = [f.code === quote.chosenFormula ? "choisie" : "", f.code === quote.recommendedFormula ? "recommandée" : ""].filter(Boolean);
      return [`${f.code} ${f.name}${marks.length ? ` (${marks.join(", ")})` : ""}`, formatEuros(f.monthlyCents), formatEuros(f.yearlyCents)];
    }),
    chosenIndex,
  );

  w.heading(`Détail par personne : formule ${quote.chosen.code} ${quote.chosen.name}`);
  w.table(
    [
      { title: "Personne", width: 215 },
      { title: "Âge", width: 100 },
      { title: "Cotisation mensuelle", width: 180, align: "right" },
    ],
    [
      ...quote.chosen.persons.map((p) => [
        p.childRank ? `${ROLE_LABELS[p.role]} ${p.childRank}` : ROLE_LABELS[p.role],
        `${p.age} ans`,
        p.free ? "gratuit (3e enfant et suivants)" : formatEuros(p.monthlyCents),
      ]),
      ["Total", "", `${formatEuros(quote.chosen.monthlyCents)} par mois, ${formatEuros(quote.chosen.yearlyCents)} par an`],
    ],
  );

  const guarantees = formulas.find((f) => f.code === quote.chosenFormula);
  if (guarantees) {
    w.heading(`Garanties de la formule ${guarantees.code} ${guarantees.name}`);
    w.table(
      [
        { title: "Poste", width: 170 },
        { title: "Ce que Bascule rembourse", width: 325 },
      ],
      guarantees.lines.map((l) => [l.label, l.summary]),
    );
  }

  w.heading("Mentions légales");
  for (const mention of [
    "Contrat responsable et solidaire : aucun questionnaire de santé, la cotisation ne dépend ni de l’état de santé ni du sexe. Elle dépend de l’âge (année de début moins année de naissance), de la formule, de la zone du domicile et du régime d’assurance maladie ; les enfants sont gratuits à partir du troisième.",
    "Pourcentages exprimés en base de remboursement de la Sécurité sociale, part de l’Assurance Maladie comprise. La participation forfaitaire et les franchises médicales ne sont pas remboursées.",
    `Ce devis est valable ${QUOTE_VALIDITY_DAYS} jours. Il n’engage pas à adhérer. Après une adhésion à distance, vous disposez d’un délai de rétractation de 14 jours calendaires.`,
    INSURER.legalMention,
  ]) {
    w.text(mention, { size: 9, color: MUTED, after: 4 });
  }

  const pages = pdf.getPages();
  pages.forEach((page, i) => {
    const footer = pdfSafe(`Devis ${quote.reference} · page ${i + 1} sur ${pages.length}`, w.regular);
    page.drawText(footer, { x: MARGIN, y: 36, size: 8, font: w.regular, color: MUTED });
  });
  return pdf.save();
}
