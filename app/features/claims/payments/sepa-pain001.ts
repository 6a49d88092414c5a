import { isValidIban, normalizeIban } from "~/platform/identifiers/identifiers";
import { escapeXml } from "~/platform/http/escape";

/*
 * SEPA Credit Transfer initiation, ISO 20022 pain.001.001.09, as the EPC implementation
 * guidelines restrict it: one message per payment batch, one payment information block (one
 * debtor account, one execution date), one transaction per claim with the claim number as
 * end-to-end id. Pure: the caller passes every value, including the creation instant; the member
 * IBANs it receives exist in clear only for the duration of the call.
 */

export const PAIN_001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

export type SepaDebtor = { name: string; iban: string; bic: string };

export type SepaTransfer = {
  /** The claim number: banks hand it back on statements and in returns (R-transactions). */
  endToEndId: string;
  amountCents: number;
  creditorName: string;
  creditorIban: string;
  /** Optional since the IBAN-only rule; when known it speeds up routing. */
  creditorBic?: string | null;
  /** Unstructured remittance text the member reads on their bank statement. */
  remittance: string;
};

export type SepaBatchInput = {
  messageId: string;
  paymentInfoId: string;
  createdAt: Date;
  /** Civil date `YYYY-MM-DD` the debtor's bank should execute the transfers. */
  requestedExecutionDate: string;
  initiatingPartyName: string;
  debtor: SepaDebtor;
  transfers: SepaTransfer[];
};

export type SepaMessage = { xml: string; transactionCount: number; controlSumCents: number };

export class SepaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SepaError";
  }
}

/** EPC limits of the fields Bascule fills. */
const SEPA_MAX = { id: 35, name: 70, remittance: 140 } as const;
/** Largest amount a SEPA credit transfer may carry: 999,999,999.99 €. */
const MAX_AMOUNT_CENTS = 99_999_999_999;

const BIC_FORMAT = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
/** Identifiers: the SEPA "Latin" set without space, not starting or ending with `/`, no `//`. */
const SEPA_ID = /^(?!\/)(?!.*\/\/)[A-Za-z0-9/\-?:().,'+]+(?<!\/)$/;
const CIVIL_DATE = /^\d{4}-\d{2}-\d{2}$/;

const LIGATURES: Record<string, string> = { ß: "ss", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", đ: "d", Đ: "D", ł: "l", Ł: "L" };

/**
 * Text restricted to the SEPA basic character set (a–z A–Z 0–9 / - ? : ( ) . , ' + space), the
 * only one every bank of the scheme must accept: accents are dropped (é → e), ligatures spelled
 * out, anything else (markup, quotes, emoji, control characters) becomes a space. Spaces are
 * collapsed, and the result cut at `max` characters.
 */
export function sepaText(value: string, max: number): string {
  const latin = value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[ßæÆœŒøØđĐłŁ]/g, (c) => LIGATURES[c]!)
    .replace(/[‘’ʼ`´]/g, "'");
  return latin
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, " ")
    .replace(/ {2,}/g, " ")
    .trim()
    .slice(0, max)
    .trim();
}

/** `12345` cents → `123.45`: ISO 20022 amounts use a dot and, in euros, exactly two decimals. */
export function formatSepaAmount(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${String(cents % 100).padStart(2, "0")}`;
}

export function isValidBic(bic: string): boolean {
  return BIC_FORMAT.test(bic);
}

function isValidSepaId(id: string): boolean {
  return id.length <= SEPA_MAX.id && SEPA_ID.test(id);
}

/** ISO date-time to the second in UTC, the form every bank's parser accepts. */
function isoDateTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function requireId(label: string, id: string): string {
  if (!isValidSepaId(id)) throw new SepaError(`${label}: identifiant SEPA invalide (35 caractères au plus, jeu de caractères SEPA)`);
  return id;
}

function requireIban(label: string, raw: string): string {
  const iban = normalizeIban(raw);
  if (!isValidIban(iban)) throw new SepaError(`${label}: IBAN invalide`);
  return iban;
}

function requireBic(label: string, raw: string): string {
  const bic = raw.replace(/\s/g, "").toUpperCase();
  if (!isValidBic(bic)) throw new SepaError(`${label}: BIC invalide`);
  return bic;
}

function requireName(label: string, raw: string): string {
  const name = sepaText(raw, SEPA_MAX.name);
  if (!name) throw new SepaError(`${label}: nom vide après conversion au jeu de caractères SEPA`);
  return name;
}

/** A tiny element writer: every text node is escaped, indentation is two spaces per level. */
class XmlWriter {
  private readonly lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  private depth = 0;

  open(name: string, attributes: Record<string, string> = {}): this {
    this.lines.push(`${this.indent()}<${name}${this.attrs(attributes)}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.lines.push(`${this.indent()}</${name}>`);
    return this;
  }

  leaf(name: string, text: string, attributes: Record<string, string> = {}): this {
    this.lines.push(`${this.indent()}<${name}${this.attrs(attributes)}>${escapeXml(text)}</${name}>`);
    return this;
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }

  private indent(): string {
    return "  ".repeat(this.depth);
  }

  private attrs(attributes: Record<string, string>): string {
    return Object.entries(attributes)
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join("");
  }
}

/**
 * Builds the pain.001.001.09 message of one batch. Throws a SepaError (never writes a file a bank
 * would reject) on an invalid IBAN or BIC, a bad identifier, a duplicate end-to-end id, an amount
 * that is not a positive whole number of cents, or an empty batch.
 */
export function buildPain001(input: SepaBatchInput): SepaMessage {
  if (input.transfers.length === 0) throw new SepaError("Lot vide : aucun virement à émettre");
  if (!CIVIL_DATE.test(input.requestedExecutionDate)) throw new SepaError("Date d’exécution invalide");
  const messageId = requireId("MsgId", input.messageId);
  const paymentInfoId = requireId("PmtInfId", input.paymentInfoId);
  const debtorName = requireName("Débiteur", input.debtor.name);
  const debtorIban = requireIban("Débiteur", input.debtor.iban);
  const debtorBic = requireBic("Débiteur", input.debtor.bic);
  const initiatingParty = requireName("Émetteur", input.initiatingPartyName);

  const seen = new Set<string>();
  let controlSumCents = 0;
  const transfers = input.transfers.map((t) => {
    const endToEndId = requireId("EndToEndId", t.endToEndId);
    if (seen.has(endToEndId)) throw new SepaError(`${endToEndId}: référence de bout en bout en double dans le lot`);
    seen.add(endToEndId);
    if (!Number.isSafeInteger(t.amountCents) || t.amountCents <= 0 || t.amountCents > MAX_AMOUNT_CENTS) {
      throw new SepaError(`${endToEndId}: montant invalide`);
    }
    controlSumCents += t.amountCents;
    return {
      endToEndId,
      amountCents: t.amountCents,
      name: requireName(endToEndId, t.creditorName),
      iban: requireIban(endToEndId, t.creditorIban),
      bic: t.creditorBic ? requireBic(endToEndId, t.creditorBic) : null,
      remittance: sepaText(t.remittance, SEPA_MAX.remittance),
    };
  });
  const count = String(transfers.length);
  const ctrlSum = formatSepaAmount(controlSumCents);

  const w = new XmlWriter();
  w.open("Document", { xmlns: PAIN_001_NAMESPACE }).open("CstmrCdtTrfInitn");
  w.open("GrpHdr")
    .leaf("MsgId", messageId)
    .leaf("CreDtTm", isoDateTime(input.createdAt))
    .leaf("NbOfTxs", count)
    .leaf("CtrlSum", ctrlSum)
    .open("InitgPty")
    .leaf("Nm", initiatingParty)
    .close("InitgPty")
    .close("GrpHdr");
  w.open("PmtInf")
    .leaf("PmtInfId", paymentInfoId)
    .leaf("PmtMtd", "TRF")
    .leaf("NbOfTxs", count)
    .leaf("CtrlSum", ctrlSum)
    .open("PmtTpInf")
    .open("SvcLvl")
    .leaf("Cd", "SEPA")
    .close("SvcLvl")
    .close("PmtTpInf")
    .open("ReqdExctnDt")
    .leaf("Dt", input.requestedExecutionDate)
    .close("ReqdExctnDt")
    .open("Dbtr")
    .leaf("Nm", debtorName)
    .close("Dbtr")
    .open("DbtrAcct")
    .open("Id")
    .leaf("IBAN", debtorIban)
    .close("Id")
    .close("DbtrAcct")
    .open("DbtrAgt")
    .open("FinInstnId")
    .leaf("BICFI", debtorBic)
    .close("FinInstnId")
    .close("DbtrAgt")
    .leaf("ChrgBr", "SLEV");
  for (const t of transfers) {
    w.open("CdtTrfTxInf")
      .open("PmtId")
      .leaf("EndToEndId", t.endToEndId)
      .close("PmtId")
      .open("Amt")
      .leaf("InstdAmt", formatSepaAmount(t.amountCents), { Ccy: "EUR" })
      .close("Amt");
    if (t.bic) w.open("CdtrAgt").open("FinInstnId").leaf("BICFI", t.bic).close("FinInstnId").close("CdtrAgt");
    w.open("Cdtr").leaf("Nm", t.name).close("Cdtr").open("CdtrAcct").open("Id").leaf("IBAN", t.iban).close("Id").close("CdtrAcct");
    if (t.remittance) w.open("RmtInf").leaf("Ustrd", t.remittance).close("RmtInf");
    w.close("CdtTrfTxInf");
  }
  w.close("PmtInf").close("CstmrCdtTrfInitn").close("Document");
  return { xml: w.toString(), transactionCount: transfers.length, controlSumCents };
}
