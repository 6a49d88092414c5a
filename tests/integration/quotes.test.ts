import { outboxMails } from "./support/outbox";
import { randomUUID } from "node:crypto";
import { inflateSync } from "node:zlib";
import { and, eq } from "drizzle-orm";
import { PDFArray, PDFDocument, PDFRawStream, PDFRef } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  QUOTE_REOPEN_RULE,
  QUOTE_SAVE_RULE,
  QUOTE_VALIDITY_DAYS,
  computeQuote,
  findQuoteByReference,
  getQuoteForSubscription,
  reopenQuote,
  saveQuote,
} from "~/features/quotes/create-quote.server";
import { ensureTariff, tariffFor } from "~/features/quotes/ensure-tariff.server";
import { formulaSummaries } from "~/features/quotes/guarantees.server";
import { hasQuoteAccess, quoteAccessCookie } from "~/features/quotes/quote-access.server";
import { renderQuotePdf } from "~/features/quotes/quote-pdf.server";
import { REFERENCE_PATTERN, type SaveQuoteForm } from "~/features/quotes/schemas";
import { auditLog, quotes, tariffVersions } from "~/platform/db/schema";
import { type TestDatabase, createTestDatabase } from "./support/test-db";
import { insertQuoteCatalogue } from "./support/quotes-fixtures";

let t: TestDatabase;
const NOW = new Date("2027-02-10T10:00:00Z");
const DAY = 24 * 60 * 60_000;

/** Member aged 42 and spouse aged 40 in 2027, three children: the third is free. */
const FAMILY: SaveQuoteForm = {
  postcode: "83000",
  startDate: "2027-03-01",
  memberBirthDate: "1985-04-02",
  spouseBirthDate: "1987-09-30",
  children: [{ birthDate: "2015-01-10" }, { birthDate: "2018-06-01" }, { birthDate: "2021-11-20" }],
  priorities: ["optique", "dentaire"],
  formula: "F3",
  email: "  Prospect.Devis@Exemple.fr ",
  sendByEmail: true,
};

let ipSeq = 0;
const client = () => ({ ipHash: `ip-${++ipSeq}` });

beforeAll(async () => {
  t = await createTestDatabase();
  await insertQuoteCatalogue(t.db);
});
afterAll(async () => {
  await t.dispose();
});

/** WinAnsi is Latin-1 but for 0x80–0x9F; the euro sign is the only one of those the quote uses. */
const winAnsi = (bytes: Buffer) => bytes.toString("latin1").replace(/\x80/g, "€");

/** The text drawn on every page (pdf-lib writes standard-font text as hex strings in Flate streams). */
async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const pdf = await PDFDocument.load(bytes);
  let text = "";
  for (const page of pdf.getPages()) {
    const contents = page.node.Contents();
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    for (const ref of refs) {
      const stream = ref instanceof PDFRef ? pdf.context.lookup(ref) : ref;
      if (!(stream instanceof PDFRawStream)) continue;
      const raw = Buffer.from(inflateSync(stream.contents)).toString("latin1");
      for (const m of raw.matchAll(/<([0-9A-Fa-f]*)> Tj/g)) text += `${winAnsi(Buffer.from(m[1]!, "hex"))}\n`;
    }
  }
  return { pages: pdf.getPageCount(), text };
}

describe(`quotes (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("seeds the tariff once and reads it back as the engine's data", async () => {
    await ensureTariff(t.db);
    expect(await t.db.select().from(tariffVersions)).toHaveLength(1);
    const tariff = await tariffFor(t.db, "2027-03-01");
    expect(tariff?.code).toBe("2026-01");
    expect(tariff?.factors.FORMULA).toEqual({ F1: 750, F2: 1000, F3: 1350, F4: 1800 });
    expect(tariff?.departementZones["75"]).toBe("Z4");
    expect(await tariffFor(t.db, "2025-06-01")).toBeUndefined();
  });

  it("prices the four formulas for a family, third child free", async () => {
    const outcome = await computeQuote(t.db, FAMILY);
    expect(outcome.kind).toBe("ok");
    if (outcome.kind !== "ok") return;
    const q = outcome.quote;
    expect([q.departement, q.zone, q.scheme, q.recommendedFormula]).toEqual(["83", "Z2", "GENERAL", "F3"]);
    const f2 = q.formulas.find((f) => f.code === "F2")!;
    expect(f2.persons.map((p) => p.monthlyCents)).toEqual([5800, 5800, 2200, 2200, 0]);
    expect(f2.monthlyCents).toBe(16000);
    expect(q.formulas.map((f) => f.monthlyCents)).toEqual([12000, 16000, 21600, 28800]);
  });

  it("applies the Alsace-Moselle scheme and the Paris zone from the postcode", async () => {
    const strasbourg = await computeQuote(t.db, { ...FAMILY, postcode: "67000", children: [], spouseBirthDate: undefined });
    const paris = await computeQuote(t.db, { ...FAMILY, postcode: "75011", children: [], spouseBirthDate: undefined });
    if (strasbourg.kind !== "ok" || paris.kind !== "ok") throw new Error("expected prices");
    expect([strasbourg.quote.zone, strasbourg.quote.scheme]).toEqual(["Z3", "ALSACE_MOSELLE"]);
    expect(strasbourg.quote.formulas[1]!.monthlyCents).toBe(Math.round(5800 * 1.1 * 0.75));
    expect(paris.quote.formulas[1]!.monthlyCents).toBe(6960);
  });

  it("puts an age problem next to the right field", async () => {
    const outcome = await computeQuote(t.db, { ...FAMILY, children: [{ birthDate: "2015-01-10" }, { birthDate: "1990-01-01" }] });
    expect(outcome.kind).toBe("invalid");
    if (outcome.kind === "invalid") expect(Object.keys(outcome.fieldErrors)).toEqual(["children[1].birthDate"]);
    const young = await computeQuote(t.db, { ...FAMILY, memberBirthDate: "2012-01-01" });
    expect(young.kind === "invalid" && Object.keys(young.fieldErrors)).toEqual(["memberBirthDate"]);
  });

  it("saves a quote: reference, 30 days, e-mail encrypted, mail queued, audited", async () => {
    const outcome = await saveQuote(t.db, FAMILY, client(), NOW);
    expect(outcome.kind).toBe("saved");
    if (outcome.kind !== "saved") return;
    expect(outcome.reference).toMatch(REFERENCE_PATTERN);
    expect(outcome.expiresAt.getTime() - NOW.getTime()).toBe(QUOTE_VALIDITY_DAYS * DAY);
    const [row] = await t.db.select().from(quotes).where(eq(quotes.reference, outcome.reference));
    expect(row!.emailEnc).not.toContain("exemple");
    expect(JSON.stringify(row)).not.toContain("prospect.devis");
    expect([row!.chosenFormula, row!.recommendedFormula, row!.emailConsent]).toEqual(["F3", "F3", true]);
    expect(row!.result.formulas.map((f) => [f.code, f.name])).toEqual([
      ["F1", "Essentielle"],
      ["F2", "Équilibre"],
      ["F3", "Confort"],
      ["F4", "Excellence"],
    ]);
    const [mail] = await outboxMails(t.db, { template: "quotes.saved" });
    expect(mail!.toAddress).toBe("prospect.devis@exemple.fr");
    expect(mail!.textBody).toContain(outcome.reference);
    expect(mail!.textBody).toContain("/devis/retrouver");
    expect(mail!.textBody).not.toContain("1985-04-02");
    const audit = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "quote.saved"), eq(auditLog.targetId, row!.id)));
    expect(audit).toHaveLength(1);
  });

  it("queues no e-mail without the prospect's consent", async () => {
    const before = (await outboxMails(t.db)).length;
    const outcome = await saveQuote(t.db, { ...FAMILY, sendByEmail: false, email: "sans.envoi@exemple.fr" }, client(), NOW);
    expect(outcome.kind).toBe("saved");
    expect(await outboxMails(t.db)).toHaveLength(before);
  });

  it("reopens only with the reference AND the e-mail, and not once expired", async () => {
    const saved = await saveQuote(t.db, FAMILY, client(), NOW);
    if (saved.kind !== "saved") throw new Error("not saved");
    const ok = await reopenQuote(t.db, { reference: saved.reference, email: "PROSPECT.devis@exemple.fr" }, client(), NOW);
    expect(ok.kind).toBe("ok");
    if (ok.kind === "ok") expect(ok.quote.chosen.monthlyCents).toBe(21600);
    expect((await reopenQuote(t.db, { reference: saved.reference, email: "autre@exemple.fr" }, client(), NOW)).kind).toBe("no-match");
    expect((await reopenQuote(t.db, { reference: "DV-2222-2222", email: "prospect.devis@exemple.fr" }, client(), NOW)).kind).toBe("no-match");
    const later = new Date(NOW.getTime() + (QUOTE_VALIDITY_DAYS + 1) * DAY);
    expect((await reopenQuote(t.db, { reference: saved.reference, email: "prospect.devis@exemple.fr" }, client(), later)).kind).toBe("expired");
    // A wrong e-mail on an expired quote learns nothing more than on an unknown reference.
    expect((await reopenQuote(t.db, { reference: saved.reference, email: "autre@exemple.fr" }, client(), later)).kind).toBe("no-match");
    const denied = await t.db.select().from(auditLog).where(eq(auditLog.action, "quote.reopen"));
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  it("hands a valid quote to the subscription, never an expired one or on a wrong e-mail", async () => {
    const saved = await saveQuote(t.db, { ...FAMILY, formula: "F2" }, client(), NOW);
    if (saved.kind !== "saved") throw new Error("not saved");
    const quote = await getQuoteForSubscription(t.db, saved.reference, "prospect.devis@exemple.fr", NOW);
    expect(quote?.email).toBe("prospect.devis@exemple.fr");
    expect(quote?.chosenFormula).toBe("F2");
    expect(quote?.chosen.monthlyCents).toBe(16000);
    expect(quote?.persons.map((p) => p.role)).toEqual(["MEMBER", "SPOUSE", "CHILD", "CHILD", "CHILD"]);
    expect(await getQuoteForSubscription(t.db, saved.reference, "autre@exemple.fr", NOW)).toBeNull();
    expect(await getQuoteForSubscription(t.db, saved.reference, "prospect.devis@exemple.fr", new Date(NOW.getTime() + 31 * DAY))).toBeNull();
    expect((await findQuoteByReference(t.db, saved.reference, new Date(NOW.getTime() + 31 * DAY)))?.expired).toBe(true);
    expect(await findQuoteByReference(t.db, "DV-2222-2222")).toBeNull();
  });

  it("grants access to one reference with a signed, expiring cookie", () => {
    const cookie = quoteAccessCookie("DV-ABCD-EFGH", NOW).split(";")[0]!;
    const request = (c: string) => new Request("http://localhost/devis/DV-ABCD-EFGH", { headers: { cookie: c } });
    expect(hasQuoteAccess(request(cookie), "DV-ABCD-EFGH", NOW)).toBe(true);
    expect(hasQuoteAccess(request(cookie), "DV-ABCD-EFGH", new Date(NOW.getTime() + 3 * 60 * 60_000))).toBe(false);
    expect(hasQuoteAccess(request(cookie.replace("DVABCDEFGH", "DVABCDEFGJ")), "DV-ABCD-EFGJ", NOW)).toBe(false);
    const [name, value] = cookie.split("=");
    const [expires, mac] = value!.split(".");
    expect(hasQuoteAccess(request(`${name}=${Number(expires) + 3600}.${mac}`), "DV-ABCD-EFGH", NOW)).toBe(false);
    expect(hasQuoteAccess(request(""), "DV-ABCD-EFGH", NOW)).toBe(false);
  });

  it("renders a PDF that parses back with the quote's content", async () => {
    const saved = await saveQuote(t.db, FAMILY, client(), NOW);
    if (saved.kind !== "saved") throw new Error("not saved");
    const quote = (await findQuoteByReference(t.db, saved.reference, NOW))!;
    const bytes = await renderQuotePdf(quote, await formulaSummaries(t.db));
    expect(Buffer.from(bytes.slice(0, 5)).toString("latin1")).toBe("%PDF-");
    const { pages, text } = await pdfText(bytes);
    expect(pages).toBeGreaterThanOrEqual(1);
    for (const expected of [saved.reference, "Bascule, mutuelle santé", "Confort", "216,00 €", "Enfant 3", "gratuit", "rétractation de 14 jours", "valable 30 jours", "Lunettes classe B", "Prothèses dentaires"]) {
      expect(text).toContain(expected);
    }
  });

  it("rate-limits saving per IP", async () => {
    const ip = client();
    for (let i = 0; i < QUOTE_SAVE_RULE.limit; i++) expect((await saveQuote(t.db, { ...FAMILY, sendByEmail: false }, ip, NOW)).kind).toBe("saved");
    const blocked = await saveQuote(t.db, FAMILY, ip, NOW);
    expect(blocked.kind).toBe("throttled");
    expect((await saveQuote(t.db, { ...FAMILY, sendByEmail: false }, client(), NOW)).kind).toBe("saved");
  });

  it("limits signed-in people per account, not on the address they share with others", async () => {
    const ip = client();
    for (let i = 0; i < QUOTE_SAVE_RULE.limit; i++) expect((await saveQuote(t.db, { ...FAMILY, sendByEmail: false }, ip, NOW)).kind).toBe("saved");
    const account = { ...ip, userId: randomUUID() };
    for (let i = 0; i < QUOTE_SAVE_RULE.limit; i++) expect((await saveQuote(t.db, { ...FAMILY, sendByEmail: false }, account, NOW)).kind).toBe("saved");
    expect((await saveQuote(t.db, { ...FAMILY, sendByEmail: false }, account, NOW)).kind).toBe("throttled");
    expect((await saveQuote(t.db, { ...FAMILY, sendByEmail: false }, { ...ip, userId: randomUUID() }, NOW)).kind).toBe("saved");
  });

  it("rate-limits failed reopening per IP, then refuses even the right pair", async () => {
    const saved = await saveQuote(t.db, FAMILY, client(), NOW);
    if (saved.kind !== "saved") throw new Error("not saved");
    const ip = client();
    for (let i = 0; i < QUOTE_REOPEN_RULE.limit; i++) {
      expect((await reopenQuote(t.db, { reference: saved.reference, email: `x${i}@exemple.fr` }, ip, NOW)).kind).toBe("no-match");
    }
    expect((await reopenQuote(t.db, { reference: saved.reference, email: "prospect.devis@exemple.fr" }, ip, NOW)).kind).toBe("throttled");
  });
});
