import fc from "fast-check";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { pdfDocument } from "../../../../tests/support/documents";
import {
  decideIntake,
  htmlToText,
  inspectAttachments,
  namesBeneficiary,
  parseBody,
  parseCategory,
  parseClaimEmail,
  parseEuroAmount,
  parseFrenchDate,
  parseReference,
  toClaimLine,
  TRIAGE_REASONS,
} from "./email-parse";

describe("parseReference", () => {
  it.each([
    ["BAS-A00000018", "A00000018"],
    ["bas-a00000018", "A00000018"],
    ["BAS A00000018", "A00000018"],
    ["BASA00000018", "A00000018"],
    ["Bas – A 0000 0018", "A00000018"],
    ["Re: TR: BAS-A00000018 facture pharmacie", "A00000018"],
    ["Remboursement A00000018", "A00000018"],
    ["BAS-00000018", "A00000018"],
    ["[BAS-A00000018]", "A00000018"],
    ["BAS-A00000018 et encore BAS-A00000018", "A00000018"],
  ])("%s → %s", (subject, expected) => {
    expect(parseReference(subject)).toEqual({ memberNumber: expected, ambiguous: false });
  });

  it.each([
    ["", false],
    ["Facture", false],
    ["BAS-A0000001", false], // one digit short
    ["BAS-A000000189", false], // one digit too many
    ["A12345678 ou A87654321", true],
    ["commande 123456789", false],
  ])("%s → none (ambiguous: %s)", (subject, ambiguous) => {
    expect(parseReference(subject)).toEqual({ memberNumber: null, ambiguous });
  });

  it("never throws and stays fast on hostile subjects", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        const r = parseReference(s);
        expect(r.memberNumber === null || /^A\d{8}$/.test(r.memberNumber)).toBe(true);
      }),
    );
    const started = performance.now();
    parseReference(`BAS${" ".repeat(100_000)}A`);
    parseReference("A1 ".repeat(50_000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("parseEuroAmount", () => {
  it.each([
    ["45,60 €", 4560],
    ["45.60", 4560],
    ["45,6", 4560],
    ["45 €", 4500],
    ["€12", 1200],
    ["1 234,56 €", 123456],
    ["1\u202f234,56 €", 123456],
    ["1.234,56", 123456],
    ["12 EUR", 1200],
    ["0", 0],
    ["100000", 10_000_000],
  ])("%s → %i cents", (text, cents) => {
    expect(parseEuroAmount(text)).toBe(cents);
  });

  it.each(["-12", "12,345", "100000,01", "1e5", "douze", "12 ou 13", "", "12,", "Infinity", "9".repeat(400)])("%s → refused", (text) => {
    expect(parseEuroAmount(text)).toBeNull();
  });
});

describe("parseFrenchDate", () => {
  it.each([
    ["12/03/2026", "2026-03-12"],
    ["12-3-26", "2026-03-12"],
    ["2026-03-12", "2026-03-12"],
    ["12 mars 2026", "2026-03-12"],
    ["1er février 2026", "2026-02-01"],
    ["le 29/02/2024", "2024-02-29"],
    ["3 août 2025", "2025-08-03"],
  ])("%s → %s", (text, iso) => {
    expect(parseFrenchDate(text)).toBe(iso);
  });

  it.each(["29/02/2026", "31/04/2026", "00/01/2026", "12/13/2026", "hier", "12 brumaire 2026", "2026-3"])("%s → refused", (text) => {
    expect(parseFrenchDate(text)).toBeNull();
  });
});

describe("parseCategory", () => {
  it.each([
    ["pharmacie", "PHARMACY"],
    ["Médicaments", "PHARMACY"],
    ["médecin généraliste", "GP"],
    ["Dentiste", "DENTAL_CARE"],
    ["couronne dentaire", "DENTAL_PROSTHESIS"],
    ["Lunettes", "OPTICS"],
    ["appareil auditif", "HEARING_AID"],
    ["hospitalisation", "HOSPITAL"],
    ["ostéopathe", "ALTERNATIVE_MEDICINE"],
    ["dermatologue", "SPECIALIST"],
    ["autre", "OTHER"],
    ["cours de yoga", null],
  ])("%s → %s", (text, category) => {
    expect(parseCategory(text)).toBe(category);
  });
});

describe("parseBody", () => {
  const complete = [
    "Bonjour,",
    "Voici ma demande.",
    "Bénéficiaire : Léa",
    "Date des soins : 12/03/2026",
    "Catégorie : pharmacie",
    "Montant payé : 45,60 €",
    "Remboursé par la Sécurité sociale : 20,10 €",
    "Base de remboursement : 30,92 €",
    "Taux : 65 %",
    "Pharmacie : Pharmacie du Port",
    "",
    "--",
    "Montant payé : 999 €",
  ].join("\n");

  it("reads the structured lines and stops at the signature", () => {
    const body = parseBody(complete);
    expect(body).toMatchObject({
      beneficiary: "Léa",
      careDate: "2026-03-12",
      category: "PHARMACY",
      realCostCents: 4560,
      secuPaidCents: 2010,
      secuBaseCents: 3092,
      secuRatePct: 65,
      providerName: "Pharmacie du Port",
      problems: [],
    });
    expect(toClaimLine(body)).toEqual({
      category: "PHARMACY",
      careDate: "2026-03-12",
      realCostCents: 4560,
      providerName: "Pharmacie du Port",
      secu: { covered: true, baseCents: 3092, ratePct: 65, paidCents: 2010 },
    });
  });

  it("tolerates case, missing accents, bullets and equals signs", () => {
    const body = parseBody("* BENEFICIAIRE= lea\n- date de soins: 1er mars 2026\n  montant : 30\nSECU : non remboursé\nPraticien: Mme Roux, ostéopathe\ntype: osteopathie");
    expect(body).toMatchObject({ beneficiary: "lea", careDate: "2026-03-01", realCostCents: 3000, secuNotCovered: true, category: "ALTERNATIVE_MEDICINE" });
    expect(toClaimLine(body)).toEqual({
      category: "ALTERNATIVE_MEDICINE",
      careDate: "2026-03-01",
      realCostCents: 3000,
      providerName: "Mme Roux, ostéopathe",
      secu: { covered: false },
    });
  });

  it("keeps the first value of a repeated field, ignores quoted replies and prose", () => {
    const body = parseBody("> Montant payé : 1 €\nMontant payé : 12 €\nMontant payé : 13 €\nJe vous écris car je n’ai pas reçu mon remboursement du mois dernier : merci");
    expect(body.realCostCents).toBe(1200);
    expect(body.problems).toEqual([]);
  });

  it("reports values it cannot read instead of guessing", () => {
    const body = parseBody("Montant payé : 45,678 €\nDate des soins : 31/02/2026\nCatégorie : yoga\nTaux : 170 %");
    expect(body.realCostCents).toBeNull();
    expect(body.careDate).toBeNull();
    expect(body.problems).toHaveLength(4);
    expect(toClaimLine(body)).toBeNull();
  });

  it.each([
    ["no provider", "Catégorie : pharmacie\nDate : 12/03/2026\nMontant : 10\nSécu : non"],
    ["Sécu paid more than the invoice", "Catégorie : pharmacie\nDate : 12/03/2026\nMontant : 10\nSécu : 12\nBase : 20\nTaux : 65\nPharmacie : X"],
    ["Sécu paid more than rate × base", "Catégorie : pharmacie\nDate : 12/03/2026\nMontant : 50\nSécu : 40\nBase : 20\nTaux : 65\nPharmacie : X"],
    ["Sécu figures incomplete", "Catégorie : pharmacie\nDate : 12/03/2026\nMontant : 50\nSécu : 10\nPharmacie : X"],
    ["amount zero", "Catégorie : autre\nDate : 12/03/2026\nMontant : 0\nSécu : non\nPrestataire : X"],
  ])("no engine line when %s", (_label, text) => {
    expect(toClaimLine(parseBody(text))).toBeNull();
  });

  it("never throws on arbitrary text and never yields an out-of-range amount", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("Montant", "Sécu", "Base", "Taux", "Date", "Bénéficiaire", "x"), fc.string()), { maxLength: 20 }), (pairs) => {
        const body = parseBody(pairs.map(([k, v]) => `${k} : ${v}`).join("\n"));
        for (const cents of [body.realCostCents, body.secuPaidCents, body.secuBaseCents]) {
          if (cents !== null) expect(cents >= 0 && cents <= 100_000_00 && Number.isInteger(cents)).toBe(true);
        }
      }),
    );
  });
});

describe("htmlToText", () => {
  it("keeps lines, drops tags and scripts, decodes entities", () => {
    expect(htmlToText('<div>Montant pay&eacute;&nbsp;: 12,50&#8239;&euro;</div><script>alert("x")</script><p>Taux : 65&#x20;%<br/>fin &bogus;</p>')).toBe(
      "Montant payé : 12,50\u202f€\nTaux : 65 %\nfin &bogus;\n",
    );
  });
});

describe("namesBeneficiary", () => {
  const lea = { firstName: "Léa-Rose", lastName: "Martin" };
  it.each([
    ["lea rose", true],
    ["Léa-Rose Martin", true],
    ["MARTIN Léa-Rose", true],
    ["Léa", false],
    ["Martin", false],
  ])("%s → %s", (written, expected) => {
    expect(namesBeneficiary(written, lea)).toBe(expected);
  });
});

describe("parseClaimEmail on real mailparser output", () => {
  const pdf = Buffer.from(pdfDocument("facture"));

  function raw(headers: string, body: string) {
    return Buffer.from(`${headers}\r\nMIME-Version: 1.0\r\n${body}`);
  }

  it("reads sender, reference, body and attachments; inline images are not documents", async () => {
    const mail = await simpleParser(
      raw(
        `From: "Marie Dupont" <Marie.Dupont@Exemple.FR>\r\nTo: remboursements@bascule.example\r\nSubject: =?UTF-8?Q?bas_a00000018_=E2=80=93_pharmacie?=\r\nMessage-ID: <abc@exemple.fr>`,
        [
          "Content-Type: multipart/mixed; boundary=OUT",
          "",
          "--OUT",
          "Content-Type: multipart/related; boundary=REL",
          "",
          "--REL",
          "Content-Type: text/html; charset=utf-8",
          "",
          '<p>Montant pay&eacute; : 12,50 &euro;</p><img src="cid:logo">',
          "--REL",
          "Content-Type: image/png",
          "Content-ID: <logo>",
          "Content-Transfer-Encoding: base64",
          "",
          "iVBORw0KGgo=",
          "--REL--",
          "--OUT",
          'Content-Type: application/pdf; name="facture.pdf"',
          'Content-Disposition: attachment; filename="facture.pdf"',
          "Content-Transfer-Encoding: base64",
          "",
          pdf.toString("base64"),
          "--OUT--",
          "",
        ].join("\r\n"),
      ),
    );
    const parsed = parseClaimEmail(mail);
    expect(parsed.sender).toBe("marie.dupont@exemple.fr");
    expect(parsed.memberNumber).toBe("A00000018");
    expect(parsed.body.realCostCents).toBe(1250);
    expect(parsed.authenticationFailed).toBe(false);
    expect(parsed.attachments.map((a) => a.fileName)).toEqual(["facture.pdf"]);
    expect(Buffer.from(parsed.attachments[0]!.bytes).equals(pdf)).toBe(true);
  });

  it.each([
    ["no From", "Subject: BAS-A00000018"],
    ["two senders", "From: a@exemple.fr, b@exemple.fr\r\nSubject: BAS-A00000018"],
    ["a From without address", "From: Marie Dupont\r\nSubject: BAS-A00000018"],
    ["a malformed address", 'From: "<script>alert(1)</script>" <a@@b>\r\nSubject: BAS-A00000018'],
  ])("no sender with %s", async (_label, headers) => {
    const parsed = parseClaimEmail(await simpleParser(raw(headers, "Content-Type: text/plain\r\n\r\nbonjour\r\n")));
    expect(parsed.sender).toBeNull();
  });

  it("flags a DMARC failure reported by the receiving server", async () => {
    const parsed = parseClaimEmail(
      await simpleParser(
        raw(
          "Authentication-Results: mx.bascule.example; spf=pass smtp.mailfrom=exemple.fr; dmarc=fail header.from=exemple.fr\r\nFrom: a@exemple.fr\r\nSubject: BAS-A00000018",
          "Content-Type: text/plain\r\n\r\nbonjour\r\n",
        ),
      ),
    );
    expect(parsed.authenticationFailed).toBe(true);
  });

  it("survives garbage: binary bytes, broken MIME, hostile names", async () => {
    const garbage = Buffer.concat([Buffer.from("From: <x@exemple.fr>\r\nSubject: \u0000BAS-A00000018<img src=x>\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))]);
    const parsed = parseClaimEmail(await simpleParser(garbage));
    expect(parsed.sender).toBe("x@exemple.fr");
    expect(parsed.memberNumber).toBe("A00000018");
  });
});

describe("decideIntake", () => {
  const pdf = pdfDocument("facture");
  const member = { id: "p-member", contractId: "c-1", firstName: "Camille", lastName: "Testeur", email: "camille@exemple.fr" };
  const child = { id: "p-child", contractId: "c-1", firstName: "Léo", lastName: "Testeur", email: null };
  const stranger = { id: "p-other", contractId: "c-2", firstName: "Paul", lastName: "Autre", email: "camille@exemple.fr" };
  const referenced = { contractId: "c-1", persons: [member, child] };

  function email(overrides: Partial<ReturnType<typeof parseClaimEmail>> = {}) {
    return {
      sender: "camille@exemple.fr",
      memberNumber: "A00000018",
      ambiguousReference: false,
      authenticationFailed: false,
      body: parseBody(""),
      attachments: [{ fileName: "facture.pdf", contentType: "application/pdf", bytes: pdf }],
      ...overrides,
    };
  }

  it("creates a claim for the sender when address and reference agree", () => {
    const decision = decideIntake(email(), { senderPersons: [stranger, member], referenced });
    expect(decision).toMatchObject({ kind: "CLAIM", contractId: "c-1", beneficiaryId: "p-member", line: null });
    expect(decision.kind === "CLAIM" && decision.documents.map((d) => [d.kind, d.mimeType])).toEqual([["INVOICE", "application/pdf"]]);
  });

  it("files it for the beneficiary named in the body", () => {
    const decision = decideIntake(email({ body: parseBody("Bénéficiaire : leo") }), { senderPersons: [member], referenced });
    expect(decision).toMatchObject({ kind: "CLAIM", beneficiaryId: "p-child" });
  });

  it.each([
    ["NO_SENDER", email({ sender: null }), { senderPersons: [member], referenced }],
    ["AUTHENTICATION_FAILED", email({ authenticationFailed: true }), { senderPersons: [member], referenced }],
    ["UNKNOWN_SENDER", email(), { senderPersons: [], referenced }],
    ["AMBIGUOUS_REFERENCE", email({ memberNumber: null, ambiguousReference: true }), { senderPersons: [member], referenced }],
    ["NO_REFERENCE", email({ memberNumber: null }), { senderPersons: [member], referenced }],
    ["UNKNOWN_REFERENCE", email(), { senderPersons: [member], referenced: null }],
    ["SENDER_NOT_ON_CONTRACT", email(), { senderPersons: [stranger], referenced }],
    ["UNKNOWN_BENEFICIARY", email({ body: parseBody("Bénéficiaire : Zoé") }), { senderPersons: [member], referenced }],
    ["NO_ATTACHMENT", email({ attachments: [] }), { senderPersons: [member], referenced }],
    [
      "TOO_MANY_ATTACHMENTS",
      email({ attachments: Array.from({ length: 11 }, () => ({ fileName: "f.pdf", contentType: "application/pdf", bytes: pdf })) }),
      { senderPersons: [member], referenced },
    ],
    [
      "REJECTED_ATTACHMENT",
      email({ attachments: [{ fileName: "facture.pdf", contentType: "application/pdf", bytes: new Uint8Array(Buffer.from("<html><script>x</script>")) }] }),
      { senderPersons: [member], referenced },
    ],
  ] as const)("%s goes to triage", (reason, parsed, lookup) => {
    const decision = decideIntake(parsed, { senderPersons: [...lookup.senderPersons], referenced: lookup.referenced });
    expect(decision).toMatchObject({ kind: "TRIAGE", reason });
    expect(decision.kind === "TRIAGE" && decision.detail.startsWith(TRIAGE_REASONS[reason])).toBe(true);
  });

  it("types documents by name: Sécu statement, invoice, then others", () => {
    const { documents } = inspectAttachments([
      { fileName: "releve-ameli.pdf", contentType: "application/pdf", bytes: pdf },
      { fileName: "scan1.pdf", contentType: "application/pdf", bytes: pdf },
      { fileName: "scan2.pdf", contentType: "application/pdf", bytes: pdf },
    ]);
    expect(documents.map((d) => d.kind)).toEqual(["SECU_STATEMENT", "INVOICE", "OTHER"]);
  });
});
