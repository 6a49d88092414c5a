import { isValidIban } from "~/platform/identifiers/identifiers";
import { childrenNamed, parseXml, type XmlElement } from "./strict-xml";

/*
 * Checks a pain.001.001.09 message against the structure of the standard (the XSD's sequences,
 * cardinalities and simple types for the elements a SEPA credit transfer uses) and the EPC rules
 * (SEPA service level, euros, SLEV, name lengths, character set), plus the arithmetic: NbOfTxs
 * and CtrlSum at both levels, IBAN checksums, BIC format. Returns every problem found; an empty
 * list means the message is well formed.
 */

type Slot = { name: string; min: number; max: number; choice?: string };
const one = (name: string): Slot => ({ name, min: 1, max: 1 });
const opt = (name: string, max = 1): Slot => ({ name, min: 0, max });
const many = (name: string, min = 1): Slot => ({ name, min, max: Number.POSITIVE_INFINITY });
/** Members of an XSD choice: exactly one of the group must appear. */
const alt = (group: string, name: string): Slot => ({ name, min: 0, max: 1, choice: group });

const PARTY = [opt("Nm"), opt("PstlAdr"), opt("Id"), opt("CtryOfRes"), opt("CtctDtls")];
const ACCOUNT = [one("Id"), opt("Tp"), opt("Ccy"), opt("Nm"), opt("Prxy")];
const AGENT = [one("FinInstnId"), opt("BrnchId")];

/** Sequences keyed by `parent/child` (contextual) or by element name. */
const SEQUENCES: Record<string, Slot[]> = {
  Document: [one("CstmrCdtTrfInitn")],
  CstmrCdtTrfInitn: [one("GrpHdr"), many("PmtInf"), opt("SplmtryData", Infinity)],
  GrpHdr: [one("MsgId"), one("CreDtTm"), opt("Authstn", 2), one("NbOfTxs"), opt("CtrlSum"), one("InitgPty"), opt("FwdgAgt")],
  InitgPty: PARTY,
  Dbtr: PARTY,
  Cdtr: PARTY,
  PmtInf: [
    one("PmtInfId"),
    one("PmtMtd"),
    opt("BtchBookg"),
    opt("NbOfTxs"),
    opt("CtrlSum"),
    opt("PmtTpInf"),
    one("ReqdExctnDt"),
    opt("PoolgAdjstmntDt"),
    one("Dbtr"),
    one("DbtrAcct"),
    one("DbtrAgt"),
    opt("DbtrAgtAcct"),
    opt("InstrForDbtrAgt"),
    opt("UltmtDbtr"),
    opt("ChrgBr"),
    opt("ChrgsAcct"),
    opt("ChrgsAcctAgt"),
    many("CdtTrfTxInf"),
  ],
  PmtTpInf: [opt("InstrPrty"), opt("SvcLvl", Infinity), opt("LclInstrm"), opt("CtgyPurp")],
  SvcLvl: [alt("svc", "Cd"), alt("svc", "Prtry")],
  ReqdExctnDt: [alt("dt", "Dt"), alt("dt", "DtTm")],
  DbtrAcct: ACCOUNT,
  CdtrAcct: ACCOUNT,
  "DbtrAcct/Id": [alt("acct", "IBAN"), alt("acct", "Othr")],
  "CdtrAcct/Id": [alt("acct", "IBAN"), alt("acct", "Othr")],
  DbtrAgt: AGENT,
  CdtrAgt: AGENT,
  FinInstnId: [opt("BICFI"), opt("ClrSysMmbId"), opt("LEI"), opt("Nm"), opt("PstlAdr"), opt("Othr")],
  CdtTrfTxInf: [
    one("PmtId"),
    opt("PmtTpInf"),
    one("Amt"),
    opt("XchgRateInf"),
    opt("ChrgBr"),
    opt("ChqInstr"),
    opt("UltmtDbtr"),
    opt("IntrmyAgt1"),
    opt("IntrmyAgt1Acct"),
    opt("IntrmyAgt2"),
    opt("IntrmyAgt2Acct"),
    opt("IntrmyAgt3"),
    opt("IntrmyAgt3Acct"),
    opt("CdtrAgt"),
    opt("CdtrAgtAcct"),
    opt("Cdtr"),
    opt("CdtrAcct"),
    opt("UltmtCdtr"),
    opt("InstrForCdtrAgt", Infinity),
    opt("InstrForDbtrAgt"),
    opt("Purp"),
    opt("RgltryRptg", 10),
    opt("Tax"),
    opt("RltdRmtInf", 10),
    opt("RmtInf"),
    opt("SplmtryData", Infinity),
  ],
  PmtId: [opt("InstrId"), one("EndToEndId"), opt("UETR")],
  Amt: [alt("amt", "InstdAmt"), alt("amt", "EqvtAmt")],
  RmtInf: [opt("Ustrd", Infinity), opt("Strd", Infinity)],
};

const SEPA_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const SEPA_ID = /^(?!\/)(?!.*\/\/)[A-Za-z0-9/\-?:().,'+]{1,35}(?<!\/)$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^(?:0|[1-9]\d{0,8})\.\d{2}$/;
const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
const COUNT = /^[1-9]\d{0,14}$/;

const PAIN_001_001_09 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

function checkSequence(el: XmlElement, path: string, parent: string | null, problems: string[]): void {
  const slots = (parent && SEQUENCES[`${parent}/${el.name}`]) || SEQUENCES[el.name];
  if (!slots) {
    if (el.children.length > 0) problems.push(`${path}: unexpected children`);
    return;
  }
  if (el.text.trim() !== "") problems.push(`${path}: unexpected text in a complex element`);
  let i = 0;
  const choices = new Map<string, number>();
  for (const slot of slots) {
    let count = 0;
    while (i < el.children.length && el.children[i]!.name === slot.name) {
      count++;
      i++;
    }
    if (count < slot.min) problems.push(`${path}: missing <${slot.name}>`);
    if (count > slot.max) problems.push(`${path}: too many <${slot.name}> (${count})`);
    if (slot.choice) choices.set(slot.choice, (choices.get(slot.choice) ?? 0) + count);
  }
  for (const [group, count] of choices) if (count !== 1) problems.push(`${path}: choice ${group} needs exactly one element, got ${count}`);
  if (i < el.children.length) problems.push(`${path}: unexpected or out-of-order <${el.children[i]!.name}>`);
  for (const child of el.children) checkSequence(child, `${path}/${child.name}`, el.name, problems);
}

function text(el: XmlElement | undefined): string {
  return el?.text ?? "";
}

function child(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = el;
  for (const n of names) current = current?.children.find((c) => c.name === n);
  return current;
}

function cents(amount: string): number {
  const [whole, fraction] = amount.split(".");
  return Number(whole) * 100 + Number(fraction);
}

function checkParty(label: string, party: XmlElement | undefined, problems: string[]) {
  const name = text(child(party, "Nm"));
  if (!name) problems.push(`${label}: missing name`);
  if (name.length > 70) problems.push(`${label}: name longer than 70 characters`);
  if (!SEPA_TEXT.test(name)) problems.push(`${label}: name outside the SEPA character set`);
}

function checkAccount(label: string, account: XmlElement | undefined, problems: string[]) {
  const iban = text(child(account, "Id", "IBAN"));
  if (!isValidIban(iban)) problems.push(`${label}: invalid IBAN`);
}

function checkAgent(label: string, agent: XmlElement | undefined, problems: string[]) {
  const bic = text(child(agent, "FinInstnId", "BICFI"));
  if (!BIC.test(bic)) problems.push(`${label}: invalid BIC ${JSON.stringify(bic)}`);
}

export function pain001Problems(xml: string): string[] {
  const problems: string[] = [];
  const doc = parseXml(xml);
  if (doc.declaration?.version !== "1.0" || doc.declaration?.encoding?.toUpperCase() !== "UTF-8") {
    problems.push("the document must start with an XML 1.0 declaration in UTF-8");
  }
  const root = doc.root;
  if (root.name !== "Document") problems.push(`root is <${root.name}>, not <Document>`);
  if (root.attributes.xmlns !== PAIN_001_001_09) problems.push("wrong or missing pain.001.001.09 namespace");
  checkSequence(root, "Document", null, problems);
  if (problems.length > 0) return problems;

  const initiation = child(root, "CstmrCdtTrfInitn")!;
  const header = child(initiation, "GrpHdr")!;
  if (!SEPA_ID.test(text(child(header, "MsgId")))) problems.push("GrpHdr/MsgId is not a SEPA identifier");
  if (!ISO_DATE_TIME.test(text(child(header, "CreDtTm")))) problems.push("GrpHdr/CreDtTm is not an ISO date-time");
  checkParty("InitgPty", child(header, "InitgPty"), problems);

  const blocks = childrenNamed(initiation, "PmtInf");
  let allTx = 0;
  let allCents = 0;
  const endToEnd = new Set<string>();
  for (const [b, block] of blocks.entries()) {
    const where = `PmtInf[${b}]`;
    if (!SEPA_ID.test(text(child(block, "PmtInfId")))) problems.push(`${where}/PmtInfId is not a SEPA identifier`);
    if (text(child(block, "PmtMtd")) !== "TRF") problems.push(`${where}/PmtMtd must be TRF`);
    if (text(child(block, "PmtTpInf", "SvcLvl", "Cd")) !== "SEPA") problems.push(`${where}: service level must be SEPA`);
    if (!ISO_DATE.test(text(child(block, "ReqdExctnDt", "Dt")))) problems.push(`${where}/ReqdExctnDt/Dt is not an ISO date`);
    if (text(child(block, "ChrgBr")) !== "SLEV") problems.push(`${where}/ChrgBr must be SLEV`);
    checkParty(`${where}/Dbtr`, child(block, "Dbtr"), problems);
    checkAccount(`${where}/DbtrAcct`, child(block, "DbtrAcct"), problems);
    checkAgent(`${where}/DbtrAgt`, child(block, "DbtrAgt"), problems);
    const txs = childrenNamed(block, "CdtTrfTxInf");
    let blockCents = 0;
    for (const [t, tx] of txs.entries()) {
      const txWhere = `${where}/CdtTrfTxInf[${t}]`;
      const id = text(child(tx, "PmtId", "EndToEndId"));
      if (!SEPA_ID.test(id)) problems.push(`${txWhere}: EndToEndId is not a SEPA identifier`);
      if (endToEnd.has(id)) problems.push(`${txWhere}: duplicate EndToEndId ${id}`);
      endToEnd.add(id);
      const amount = child(tx, "Amt", "InstdAmt");
      if (amount?.attributes.Ccy !== "EUR") problems.push(`${txWhere}: currency must be EUR`);
      const value = text(amount);
      if (!AMOUNT.test(value) || cents(value) < 1)
        problems.push(`${txWhere}: amount ${JSON.stringify(value)} is not a positive amount with 2 decimals`);
      else blockCents += cents(value);
      if (child(tx, "CdtrAgt")) checkAgent(`${txWhere}/CdtrAgt`, child(tx, "CdtrAgt"), problems);
      checkParty(`${txWhere}/Cdtr`, child(tx, "Cdtr"), problems);
      checkAccount(`${txWhere}/CdtrAcct`, child(tx, "CdtrAcct"), problems);
      for (const line of childrenNamed(child(tx, "RmtInf") ?? { name: "", attributes: {}, children: [], text: "" }, "Ustrd")) {
        if (line.text.length > 140 || !SEPA_TEXT.test(line.text))
          problems.push(`${txWhere}: remittance text too long or outside the SEPA set`);
      }
    }
    const nb = text(child(block, "NbOfTxs"));
    if (nb && Number(nb) !== txs.length) problems.push(`${where}/NbOfTxs ${nb} but ${txs.length} transactions`);
    const sum = text(child(block, "CtrlSum"));
    if (sum && (!AMOUNT.test(sum) || cents(sum) !== blockCents))
      problems.push(`${where}/CtrlSum ${sum} but transactions add up to ${blockCents} cents`);
    allTx += txs.length;
    allCents += blockCents;
  }
  const nb = text(child(header, "NbOfTxs"));
  if (!COUNT.test(nb) || Number(nb) !== allTx) problems.push(`GrpHdr/NbOfTxs ${nb} but ${allTx} transactions`);
  const sum = text(child(header, "CtrlSum"));
  if (sum && (!AMOUNT.test(sum) || cents(sum) !== allCents))
    problems.push(`GrpHdr/CtrlSum ${sum} but transactions add up to ${allCents} cents`);
  return problems;
}
