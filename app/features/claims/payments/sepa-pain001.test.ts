import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateFrenchIban, isValidIban } from "~/platform/identifiers/identifiers";
import { pain001Problems } from "../../../../tests/integration/support/pain001-structure";
import { at, childrenNamed, parseXml } from "../../../../tests/integration/support/strict-xml";
import { buildPain001, formatSepaAmount, isValidBic, PAIN_001_NAMESPACE, SepaError, type SepaBatchInput, sepaText } from "./sepa-pain001";

const DEBTOR = { name: "Mutuelle Bascule", iban: "FR76 3000 6000 0112 3456 7890 189", bic: "AGRIFRPP" };

function batch(overrides: Partial<SepaBatchInput> = {}): SepaBatchInput {
  return {
    messageId: "VIR-2026-0001",
    paymentInfoId: "VIR-2026-0001-1",
    createdAt: new Date("2026-11-29T10:15:30.123Z"),
    requestedExecutionDate: "2026-11-30",
    initiatingPartyName: "Mutuelle Bascule",
    debtor: DEBTOR,
    transfers: [
      {
        endToEndId: "RB-2026-0000123",
        amountCents: 3900,
        creditorName: "Marie Dupont",
        creditorIban: "FR1420041010050500013M02606",
        creditorBic: "PSSTFRPPMAR",
        remittance: "Remboursement Bascule RB-2026-0000123",
      },
      {
        endToEndId: "RB-2026-0000124",
        amountCents: 905,
        creditorName: "Karim Benali",
        creditorIban: "FR7630006000011234567890189",
        remittance: "Remboursement Bascule RB-2026-0000124",
      },
    ],
    ...overrides,
  };
}

describe("buildPain001", () => {
  it("writes a pain.001.001.09 message that has the structure of the standard", () => {
    const { xml, transactionCount, controlSumCents } = buildPain001(batch());
    expect(pain001Problems(xml)).toEqual([]);
    expect(transactionCount).toBe(2);
    expect(controlSumCents).toBe(4805);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);

    const { root } = parseXml(xml);
    expect(root.attributes.xmlns).toBe(PAIN_001_NAMESPACE);
    const header = at(root, "CstmrCdtTrfInitn", "GrpHdr");
    expect(header.children.map((c) => c.name)).toEqual(["MsgId", "CreDtTm", "NbOfTxs", "CtrlSum", "InitgPty"]);
    expect(at(header, "MsgId").text).toBe("VIR-2026-0001");
    expect(at(header, "CreDtTm").text).toBe("2026-11-29T10:15:30Z");
    expect(at(header, "NbOfTxs").text).toBe("2");
    expect(at(header, "CtrlSum").text).toBe("48.05");

    const block = at(root, "CstmrCdtTrfInitn", "PmtInf");
    expect(block.children.map((c) => c.name)).toEqual([
      "PmtInfId",
      "PmtMtd",
      "NbOfTxs",
      "CtrlSum",
      "PmtTpInf",
      "ReqdExctnDt",
      "Dbtr",
      "DbtrAcct",
      "DbtrAgt",
      "ChrgBr",
      "CdtTrfTxInf",
      "CdtTrfTxInf",
    ]);
    expect(at(block, "DbtrAcct", "Id", "IBAN").text).toBe("FR7630006000011234567890189");
    expect(at(block, "ReqdExctnDt", "Dt").text).toBe("2026-11-30");

    const [first, second] = childrenNamed(block, "CdtTrfTxInf");
    expect(at(first!, "PmtId", "EndToEndId").text).toBe("RB-2026-0000123");
    expect(at(first!, "Amt", "InstdAmt").text).toBe("39.00");
    expect(at(first!, "Amt", "InstdAmt").attributes.Ccy).toBe("EUR");
    expect(at(first!, "CdtrAgt", "FinInstnId", "BICFI").text).toBe("PSSTFRPPMAR");
    expect(at(first!, "CdtrAcct", "Id", "IBAN").text).toBe("FR1420041010050500013M02606");
    expect(at(first!, "RmtInf", "Ustrd").text).toBe("Remboursement Bascule RB-2026-0000123");
    // Without a known BIC the creditor agent is left out (IBAN-only rule).
    expect(second!.children.map((c) => c.name)).toEqual(["PmtId", "Amt", "Cdtr", "CdtrAcct", "RmtInf"]);
    expect(at(second!, "Amt", "InstdAmt").text).toBe("9.05");
  });

  it("turns hostile or accented names into the SEPA character set, escaped and within limits", () => {
    const { xml } = buildPain001(
      batch({
        transfers: [
          {
            endToEndId: "RB-2026-0000200",
            amountCents: 1,
            creditorName: `Zoë Lœuvre-Ñúñez <script>alert("x")</script> & Cie ${"é".repeat(100)}`,
            creditorIban: "FR7630006000011234567890189",
            remittance: `Remboursement ]]> <b>&amp; ${"x".repeat(300)}`,
          },
        ],
      }),
    );
    expect(pain001Problems(xml)).toEqual([]);
    expect(xml).not.toContain("<script>");
    const tx = at(parseXml(xml).root, "CstmrCdtTrfInitn", "PmtInf", "CdtTrfTxInf");
    const name = at(tx, "Cdtr", "Nm").text;
    expect(name.startsWith("Zoe Loeuvre-Nunez script alert( x ) /script Cie eee")).toBe(true);
    expect(name.length).toBeLessThanOrEqual(70);
    expect(at(tx, "RmtInf", "Ustrd").text.length).toBeLessThanOrEqual(140);
  });

  it("refuses what a bank would reject instead of writing it", () => {
    const invalid: [string, Partial<SepaBatchInput>][] = [
      ["empty batch", { transfers: [] }],
      ["bad debtor IBAN", { debtor: { ...DEBTOR, iban: "FR7630006000011234567890188" } }],
      ["bad debtor BIC", { debtor: { ...DEBTOR, bic: "AGRI-FR" } }],
      ["message id too long", { messageId: "X".repeat(36) }],
      ["message id with a space", { messageId: "VIR 1" }],
      ["bad execution date", { requestedExecutionDate: "30/11/2026" }],
    ];
    for (const [label, overrides] of invalid) {
      expect(() => buildPain001(batch(overrides)), label).toThrow(SepaError);
    }
    const [t] = batch().transfers;
    const withTransfer = (change: object) => batch({ transfers: [{ ...t!, ...change }] });
    expect(() => buildPain001(withTransfer({ amountCents: 0 }))).toThrow(SepaError);
    expect(() => buildPain001(withTransfer({ amountCents: 12.5 }))).toThrow(SepaError);
    expect(() => buildPain001(withTransfer({ amountCents: -100 }))).toThrow(SepaError);
    expect(() => buildPain001(withTransfer({ creditorIban: "FR14 2004 1010 0505 0001 3M02 607" }))).toThrow(SepaError);
    expect(() => buildPain001(withTransfer({ creditorBic: "PSST" }))).toThrow(SepaError);
    expect(() => buildPain001(withTransfer({ creditorName: "<<<>>>" }))).toThrow(SepaError);
    expect(() => buildPain001(withTransfer({ endToEndId: "/RB-1" }))).toThrow(SepaError);
    expect(() => buildPain001(batch({ transfers: [t!, { ...t! }] }))).toThrow(/en double/);
  });
});

describe("the structure checker", () => {
  const good = buildPain001(batch()).xml;

  it("catches elements out of order, missing, a wrong control sum or count, a bad IBAN", () => {
    expect(pain001Problems(good.replace("<ChrgBr>SLEV</ChrgBr>", ""))).toEqual(["PmtInf[0]/ChrgBr must be SLEV"]);
    const swapped = good.replace(
      /(<NbOfTxs>2<\/NbOfTxs>\n\s*)(<CtrlSum>48\.05<\/CtrlSum>)/,
      (_m, nb: string, sum: string) => `${sum}\n    ${nb.trim()}`,
    );
    expect(pain001Problems(swapped).join()).toMatch(/out-of-order|missing/);
    expect(pain001Problems(good.replace(/<MsgId>.*<\/MsgId>/, ""))).toContain("Document/CstmrCdtTrfInitn/GrpHdr: missing <MsgId>");
    expect(pain001Problems(good.replaceAll("<CtrlSum>48.05</CtrlSum>", "<CtrlSum>48.06</CtrlSum>")).join()).toMatch(/CtrlSum 48\.06/);
    expect(pain001Problems(good.replace("<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>")).join()).toMatch(/NbOfTxs 3/);
    expect(pain001Problems(good.replace("FR7630006000011234567890189", "FR7630006000011234567890188")).join()).toMatch(/invalid IBAN/);
    expect(pain001Problems(good.replace("<BICFI>AGRIFRPP</BICFI>", "<BICFI>agri</BICFI>")).join()).toMatch(/invalid BIC/);
    expect(pain001Problems(good.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')).join()).toMatch(/UTF-8/);
    expect(() => pain001Problems(good.replace("</Document>", ""))).toThrow(/unclosed|closes/);
    expect(() => pain001Problems(good.replace("Marie Dupont", "Marie & Dupont"))).toThrow(/bare '&'/);
  });
});

describe("SEPA text and amounts", () => {
  it("formats cents with exactly two decimals", () => {
    expect(formatSepaAmount(1)).toBe("0.01");
    expect(formatSepaAmount(100)).toBe("1.00");
    expect(formatSepaAmount(123456789)).toBe("1234567.89");
  });

  it("keeps only the SEPA basic character set", () => {
    expect(sepaText("  Hélène  d’Aubigné-Straße ", 70)).toBe("Helene d'Aubigne-Strasse");
    expect(sepaText("Emoji 😀 \u0000 ok", 70)).toBe("Emoji ok");
    expect(sepaText("abcdef", 3)).toBe("abc");
  });

  it("checks BIC formats", () => {
    expect(isValidBic("AGRIFRPP")).toBe(true);
    expect(isValidBic("PSSTFRPPMAR")).toBe(true);
    expect(isValidBic("AGRIFRP")).toBe(false);
    expect(isValidBic("agrifrpp")).toBe(false);
  });
});

describe("property: any batch", () => {
  it("has a control sum equal to the sum of its amounts, and a well-formed structure", () => {
    const transfer = fc.record({
      amountCents: fc.integer({ min: 1, max: 10_000_000 }),
      seed: fc.integer(),
      name: fc.string({ minLength: 0, maxLength: 90 }),
      remittance: fc.string({ maxLength: 200 }),
      withBic: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 40 }), (items) => {
        const transfers = items.map((item, i) => {
          let state = item.seed >>> 0;
          const rng = () => {
            state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
            return state / 2 ** 32;
          };
          return {
            endToEndId: `RB-2026-${String(i).padStart(7, "0")}`,
            amountCents: item.amountCents,
            // A name is never empty in practice; the generator may produce one that cleans to nothing.
            creditorName: `Adherent ${item.name}`,
            creditorIban: generateFrenchIban(rng),
            creditorBic: item.withBic ? "CMCIFRPP" : null,
            remittance: item.remittance,
          };
        });
        const message = buildPain001(batch({ transfers }));
        const expected = items.reduce((sum, t) => sum + t.amountCents, 0);
        expect(message.controlSumCents).toBe(expected);
        expect(message.transactionCount).toBe(items.length);
        expect(pain001Problems(message.xml)).toEqual([]);
        const tx = childrenNamed(at(parseXml(message.xml).root, "CstmrCdtTrfInitn", "PmtInf"), "CdtTrfTxInf");
        for (const [i, t] of tx.entries()) {
          expect(isValidIban(at(t, "CdtrAcct", "Id", "IBAN").text)).toBe(true);
          expect(at(t, "PmtId", "EndToEndId").text).toBe(transfers[i]!.endToEndId);
        }
        expect(at(parseXml(message.xml).root, "CstmrCdtTrfInitn", "GrpHdr", "CtrlSum").text).toBe(formatSepaAmount(expected));
      }),
      { numRuns: 150 },
    );
  });
});
