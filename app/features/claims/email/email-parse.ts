// Over 400 lines: one lenient reader of hand-typed claim e-mails (subject, "Label : value" lines, amounts, dates, attachments) whose parsers share their vocabulary.
import type { InspectedDocument } from "../member/documents";
import { inspectUpload } from "../member/upload-inspection.server";
import type { CareCategory, ClaimLineInput } from "../engine/types";
import { formatEuros } from "~/platform/format/euros";

/*
 * Reading a claim sent by e-mail (degraded mode): pure functions over what mailparser produced.
 * Members are told to put `BAS-<member number>` in the subject and to attach their documents;
 * they may also write a few "Label : value" lines in the body (beneficiary, care date, category,
 * amounts). Everything is read leniently — people type these by hand on a phone — but a value that
 * cannot be read with certainty is left out (staff key it in) rather than guessed.
 */

/** The subset of mailparser's ParsedMail this module reads (kept structural for tests). */
export type MailLike = {
  from?: { value: { address?: string; name?: string }[] } | undefined;
  subject?: string | undefined;
  text?: string | undefined;
  /** mailparser gives `false` when there is no HTML part. */
  html?: string | false | undefined;
  messageId?: string | undefined;
  date?: Date | undefined;
  headers?: Map<string, unknown>;
  attachments: AttachmentLike[];
};

export type AttachmentLike = {
  filename?: string | undefined;
  contentType: string;
  content: Uint8Array;
  /** Inline part referenced by the HTML body (a logo in a signature): not a document. */
  related?: boolean;
};

export type ParsedClaimEmail = {
  /** Lower-case sender address, or null when the From header has none that is well-formed. */
  sender: string | null;
  /** Member number read from the subject (`A` + 8 digits), or null. */
  memberNumber: string | null;
  /** Several different member numbers in the subject: nobody can tell which one is meant. */
  ambiguousReference: boolean;
  /** The receiving server reported a failed DMARC check: the From address may be forged. */
  authenticationFailed: boolean;
  body: ParsedBody;
  /** Documents: every attachment that is not inline content of the HTML body. */
  attachments: { fileName: string; contentType: string; bytes: Uint8Array }[];
};

export type ParsedBody = {
  beneficiary: string | null;
  careDate: string | null;
  category: CareCategory | null;
  realCostCents: number | null;
  secuPaidCents: number | null;
  secuBaseCents: number | null;
  secuRatePct: number | null;
  /** "Sécu : non remboursé" and the like. */
  secuNotCovered: boolean;
  providerName: string | null;
  /** Values that were given but could not be read, in French, for the handler. */
  problems: string[];
};

/** Above this, an amount is not a health-care invoice but a typo (same bound as the online form). */
export const MAX_AMOUNT_CENTS = 100_000_00;
const MAX_BODY_LINES = 200;
const MAX_LINE_LENGTH = 300;
const MAX_FIELD_LENGTH = 120;

const EMAIL = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

export function parseClaimEmail(mail: MailLike): ParsedClaimEmail {
  const reference = parseReference(mail.subject ?? "");
  return {
    sender: parseSender(mail),
    memberNumber: reference.memberNumber,
    ambiguousReference: reference.ambiguous,
    authenticationFailed: dmarcFailed(mail.headers),
    body: parseBody(mail.text ?? (mail.html ? htmlToText(mail.html) : "")),
    attachments: mail.attachments
      .filter((a) => !a.related)
      .map((a) => ({ fileName: a.filename?.trim() || "piece-jointe", contentType: a.contentType, bytes: a.content })),
  };
}

function parseSender(mail: MailLike): string | null {
  const addresses = mail.from?.value ?? [];
  // A From header naming several people does not identify one sender.
  if (addresses.length !== 1) return null;
  const address = addresses[0]!.address?.trim().toLowerCase() ?? "";
  return address.length <= 254 && EMAIL.test(address) ? address : null;
}

function dmarcFailed(headers: Map<string, unknown> | undefined): boolean {
  const value = headers?.get("authentication-results");
  const texts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  return texts.some((t) => /\bdmarc\s*=\s*fail\b/i.test(t));
}

const ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", euro: "€", rsquo: "’", lsquo: "‘",
  laquo: "«", raquo: "»", eacute: "é", egrave: "è", ecirc: "ê", euml: "ë", agrave: "à", acirc: "â",
  ccedil: "ç", icirc: "î", iuml: "ï", ocirc: "ô", ugrave: "ù", ucirc: "û", Eacute: "É", Egrave: "È",
};

/**
 * The text of an HTML-only body, enough to read "Label : value" lines: block ends become line
 * breaks, tags go, common entities are decoded. mailparser does this itself for a message whose
 * only part is HTML, but not for HTML inside multipart/related (a mail client's signature logo).
 */
export function htmlToText(html: string): string {
  return html
    .slice(0, 200_000)
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, code: string) => {
      if (code[0] !== "#") return ENTITIES[code] ?? whole;
      const n = code[1] === "x" || code[1] === "X" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    });
}

/**
 * `BAS-A00000018` in the subject, tolerating case, spaces, other dashes, a missing dash, spaces
 * inside the number, and the bare member number (the instructions ask for it when a member has no
 * reference on screen). "Re:"/"TR:" prefixes are ignored by construction.
 */
export function parseReference(subject: string): { memberNumber: string | null; ambiguous: boolean } {
  const text = subject.slice(0, 500).normalize("NFKC");
  const found = new Set<string>();
  const pattern = /(?:\bBAS\s*[-–—_:.]?\s*|\b)(A(?:\s?\d){8})(?!\d)/gi;
  for (const match of text.matchAll(pattern)) {
    found.add(match[1]!.replace(/\s/g, "").toUpperCase());
  }
  // "BAS 00000018": the `A` forgotten, only when the BAS prefix makes the intent clear.
  for (const match of text.matchAll(/\bBAS\s*[-–—_:.]?\s*((?:\d\s?){7}\d)(?!\d)/gi)) {
    found.add(`A${match[1]!.replace(/\s/g, "")}`);
  }
  if (found.size === 1) return { memberNumber: [...found][0]!, ambiguous: false };
  return { memberNumber: null, ambiguous: found.size > 1 };
}

type FieldKey = "beneficiary" | "careDate" | "category" | "realCost" | "secuPaid" | "secuBase" | "secuRate" | "provider";

/**
 * Label patterns, matched on the label lower-cased and without accents. Order matters: the first
 * match wins (a "base de remboursement Sécu" is the base, not the amount Sécu paid).
 */
const LABELS: [FieldKey, RegExp][] = [
  ["secuBase", /^(base|br$)/],
  ["secuRate", /^taux/],
  ["secuPaid", /\b(secu|securite sociale|assurance maladie|cpam|ameli)\b/],
  ["careDate", /^date/],
  ["category", /^(categorie|type|soins?$|nature)/],
  ["beneficiary", /^(beneficiaire|patient|pour$|personne|nom du beneficiaire|prenom)/],
  ["provider", /^(professionnel|praticien|medecin$|prestataire|pharmacie$|opticien|etablissement|fournisseur|docteur)/],
  ["realCost", /^(montant|total|paye|regle|prix|cout|depense|somme)/],
];
/** Longer "labels" are sentences that happen to contain a colon. */
const MAX_LABEL_LENGTH = 45;

const FIELD_NAMES: Record<FieldKey, string> = {
  beneficiary: "bénéficiaire",
  careDate: "date des soins",
  category: "catégorie",
  realCost: "montant payé",
  secuPaid: "montant remboursé par la Sécurité sociale",
  secuBase: "base de remboursement",
  secuRate: "taux",
  provider: "professionnel de santé",
};

function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

export function parseBody(text: string): ParsedBody {
  const result: ParsedBody = {
    beneficiary: null,
    careDate: null,
    category: null,
    realCostCents: null,
    secuPaidCents: null,
    secuBaseCents: null,
    secuRatePct: null,
    secuNotCovered: false,
    providerName: null,
    problems: [],
  };
  const seen = new Set<FieldKey>();
  const lines = text.split(/\r?\n/).slice(0, MAX_BODY_LINES);
  for (const raw of lines) {
    // Quoted replies ("> …") belong to an earlier message; signatures end the useful part.
    if (/^\s*>/.test(raw)) continue;
    if (/^-- ?$/.test(raw)) break;
    const line = raw.slice(0, MAX_LINE_LENGTH);
    const colon = line.search(/[:=]/);
    if (colon <= 0) continue;
    const label = fold(line.slice(0, colon).replace(/^[\s*•\-–]+/, "").replace(/[*_]+$/, ""));
    const value = line
      .slice(colon + 1)
      .replace(/\p{Cc}/gu, "")
      .trim();
    if (label.length > MAX_LABEL_LENGTH) continue;
    const key = LABELS.find(([, re]) => re.test(label))?.[0];
    if (!key || seen.has(key)) continue;
    seen.add(key);
    if (value === "") continue;
    applyField(result, key, value);
  }
  return result;
}

function applyField(result: ParsedBody, key: FieldKey, value: string): void {
  const problem = () => result.problems.push(`« ${FIELD_NAMES[key]} » illisible : ${value.slice(0, 60)}`);
  switch (key) {
    case "beneficiary":
      result.beneficiary = value.slice(0, MAX_FIELD_LENGTH);
      return;
    case "provider":
      result.providerName = value.slice(0, MAX_FIELD_LENGTH);
      return;
    case "careDate": {
      const date = parseFrenchDate(value);
      if (date) result.careDate = date;
      else problem();
      return;
    }
    case "category": {
      const category = parseCategory(value);
      if (category) result.category = category;
      else problem();
      return;
    }
    case "secuRate": {
      const rate = /^(\d{1,3})(?:[,.]0+)?\s*%?$/.exec(value.trim());
      const pct = rate ? Number(rate[1]) : NaN;
      if (Number.isInteger(pct) && pct >= 0 && pct <= 100) result.secuRatePct = pct;
      else problem();
      return;
    }
    case "secuPaid":
      if (/^(non|aucun|rien|neant|pas (de )?(prise en charge|rembours)|non (rembourse|pris en charge))/.test(fold(value))) {
        result.secuNotCovered = true;
        return;
      }
      setAmount(result, "secuPaidCents", value, problem);
      return;
    case "realCost":
      setAmount(result, "realCostCents", value, problem);
      return;
    case "secuBase":
      setAmount(result, "secuBaseCents", value, problem);
      return;
  }
}

function setAmount(
  result: ParsedBody,
  field: "realCostCents" | "secuPaidCents" | "secuBaseCents",
  value: string,
  problem: () => void,
): void {
  const cents = parseEuroAmount(value);
  if (cents === null) problem();
  else result[field] = cents;
}

/**
 * "45,60 €", "45.60", "1 234,5 EUR", "€12" → cents. Refused (null): negative, more than two
 * decimals, more than 100,000 €, several numbers, anything else around the number.
 */
export function parseEuroAmount(input: string): number | null {
  const text = input
    .normalize("NFKC")
    .replace(/\s*(€|eur(os?)?)\s*/gi, " ")
    .trim();
  // Thousands separated by spaces (incl. no-break) or dots followed by exactly 3 digits.
  const match = /^(\d{1,3}(?:[ .]\d{3})+|\d+)(?:[,.](\d{1,2}))?$/.exec(text.replace(/[\u00a0\u202f]/g, " "));
  if (!match) return null;
  const euros = Number(match[1]!.replace(/[ .]/g, ""));
  const decimals = match[2] ?? "";
  const cents = euros * 100 + (decimals === "" ? 0 : Number(decimals.padEnd(2, "0")));
  if (!Number.isSafeInteger(cents) || cents > MAX_AMOUNT_CENTS) return null;
  return cents;
}

const MONTHS: Record<string, number> = {
  janvier: 1, janv: 1, fevrier: 2, fevr: 2, fev: 2, mars: 3, avril: 4, avr: 4, mai: 5, juin: 6,
  juillet: 7, juil: 7, aout: 8, septembre: 9, sept: 9, octobre: 10, oct: 10, novembre: 11, nov: 11,
  decembre: 12, dec: 12,
};

/** "12/03/2026", "12-3-26", "2026-03-12", "12 mars 2026", "1er mars 2026" → "2026-03-12". */
export function parseFrenchDate(input: string): string | null {
  const text = fold(input).replace(/^le /, "");
  let day: number, month: number, year: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$/.exec(text))) {
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})(?:er)? ([a-z]+)\.? (\d{4})$/.exec(text)) && MONTHS[m[2]!]) {
    [day, month, year] = [Number(m[1]), MONTHS[m[2]!]!, Number(m[3])];
  } else {
    return null;
  }
  if (year < 100) year += 2000;
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Words members use for each category, folded (no accents, lower-case). First match wins. */
const CATEGORY_WORDS: [CareCategory, RegExp][] = [
  ["DENTAL_PROSTHESIS", /prothese|couronne|bridge|implant|dentier/],
  ["DENTAL_CARE", /dentaire|dentiste|detartrage|carie|soins? dent/],
  ["HEARING_AID", /audit|audio|appareil auditif|aide auditive|oreille/],
  ["OPTICS", /optique|opticien|lunettes?|verres?|monture|lentilles?/],
  ["PHARMACY", /pharmacie|medicaments?|ordonnance/],
  ["HOSPITAL", /hospital|hopital|clinique|chambre particuliere|forfait journalier/],
  ["ALTERNATIVE_MEDICINE", /osteo|chiropra|acupunct|naturopath|sophrolog|medecine (douce|alternative)|psycholog/],
  ["SPECIALIST", /specialiste|cardiolog|dermatolog|gynecolog|ophtalmolog|pediatr|psychiatr|rhumatolog|orl\b/],
  ["GP", /generaliste|medecin traitant|consultation|docteur|^medecin$/],
  ["OTHER", /^autres?$/],
];

export function parseCategory(input: string): CareCategory | null {
  const text = fold(input);
  return CATEGORY_WORDS.find(([, re]) => re.test(text))?.[0] ?? null;
}

/**
 * A complete engine line from the body, or null when anything the engine needs is missing or
 * inconsistent: the claim then goes to staff for data entry, with the documents.
 */
export function toClaimLine(body: ParsedBody): ClaimLineInput | null {
  const { category, careDate, realCostCents, providerName } = body;
  if (!category || !careDate || realCostCents === null || realCostCents === 0 || !providerName) return null;
  if (body.secuNotCovered) {
    if (body.secuPaidCents !== null) return null;
    return { category, careDate, realCostCents, providerName, secu: { covered: false } };
  }
  const { secuBaseCents, secuRatePct, secuPaidCents } = body;
  if (secuBaseCents === null || secuRatePct === null || secuPaidCents === null) return null;
  // Sécu never pays more than the invoice, nor more than its rate applied to its base.
  if (secuPaidCents > realCostCents) return null;
  if (secuPaidCents > Math.ceil((secuBaseCents * secuRatePct) / 100)) return null;
  return {
    category,
    careDate,
    realCostCents,
    providerName,
    secu: { covered: true, baseCents: secuBaseCents, ratePct: secuRatePct, paidCents: secuPaidCents },
  };
}

/** The body fields as a short French summary for the claim's note (what staff should key in). */
function describeBody(body: ParsedBody): string | null {
  const parts: string[] = [];
  if (body.beneficiary) parts.push(`bénéficiaire indiqué : ${body.beneficiary}`);
  if (body.careDate) parts.push(`date des soins : ${body.careDate}`);
  if (body.category) parts.push(`catégorie : ${body.category}`);
  if (body.realCostCents !== null) parts.push(`montant payé : ${formatEuros(body.realCostCents)}`);
  if (body.secuNotCovered) parts.push("non remboursé par la Sécurité sociale");
  else if (body.secuPaidCents !== null) parts.push(`Sécurité sociale : ${formatEuros(body.secuPaidCents)}`);
  if (body.providerName) parts.push(`professionnel : ${body.providerName}`);
  parts.push(...body.problems);
  return parts.length ? `Indications du courriel — ${parts.join(" ; ")}` : null;
}


/** Does a first name written by the member designate this person? Accents, case and hyphens ignored. */
export function namesBeneficiary(written: string, person: { firstName: string; lastName: string }): boolean {
  const w = fold(written).replace(/[-']/g, " ");
  const first = fold(person.firstName).replace(/[-']/g, " ");
  const full = `${first} ${fold(person.lastName).replace(/[-']/g, " ")}`;
  return w === first || w === full || w === `${fold(person.lastName).replace(/[-']/g, " ")} ${first}`;
}

// ---------------------------------------------------------------------------------------------
// Matching a message to a member: pure, over what the database said about the sender and reference

export type IntakePerson = { id: string; contractId: string; firstName: string; lastName: string; email: string | null };

export type IntakeLookup = {
  /** Persons whose e-mail address is the sender's (lower-case comparison). */
  senderPersons: IntakePerson[];
  /** The contract whose subscriber has the member number of the subject, with all its persons. */
  referenced: { contractId: string; persons: IntakePerson[] } | null;
};

export const TRIAGE_REASONS = {
  UNREADABLE: "Message illisible",
  NO_SENDER: "Adresse d’expéditeur absente ou invalide",
  AUTHENTICATION_FAILED: "L’authentification de l’expéditeur a échoué (DMARC) : l’adresse est peut-être usurpée",
  UNKNOWN_SENDER: "Adresse d’expéditeur inconnue",
  NO_REFERENCE: "Aucune référence BAS-… dans l’objet",
  AMBIGUOUS_REFERENCE: "Plusieurs références différentes dans l’objet",
  UNKNOWN_REFERENCE: "La référence ne correspond à aucun adhérent",
  SENDER_NOT_ON_CONTRACT: "L’expéditeur n’est pas bénéficiaire du contrat de cette référence",
  UNKNOWN_BENEFICIARY: "Le bénéficiaire indiqué n’est pas (ou pas un seul) bénéficiaire du contrat",
  NO_ATTACHMENT: "Aucune pièce jointe",
  TOO_MANY_ATTACHMENTS: "Trop de pièces jointes",
  REJECTED_ATTACHMENT: "Pièce jointe refusée",
} as const;

export type TriageReason = keyof typeof TRIAGE_REASONS;

/** More documents than any single claim needs: likely not a claim (or a mailbox flood). */
export const MAX_EMAIL_DOCUMENTS = 10;

export type IntakeDecision =
  | {
      kind: "CLAIM";
      contractId: string;
      beneficiaryId: string;
      documents: InspectedDocument[];
      line: ClaimLineInput | null;
      note: string | null;
    }
  | { kind: "TRIAGE"; reason: TriageReason; detail: string; contractId: string | null };

const triage = (reason: TriageReason, contractId: string | null = null, extra?: string): IntakeDecision => ({
  kind: "TRIAGE",
  reason,
  detail: extra ? `${TRIAGE_REASONS[reason]} : ${extra}` : TRIAGE_REASONS[reason],
  contractId,
});

/**
 * A claim only when the sender's address AND the subject's reference designate the same contract
 * and every attachment is a real PDF/JPEG/PNG; anything else goes to a handler with the reason.
 */
export function decideIntake(parsed: ParsedClaimEmail, lookup: IntakeLookup): IntakeDecision {
  if (!parsed.sender) return triage("NO_SENDER");
  if (parsed.authenticationFailed) return triage("AUTHENTICATION_FAILED");
  if (lookup.senderPersons.length === 0) return triage("UNKNOWN_SENDER");
  if (parsed.ambiguousReference) return triage("AMBIGUOUS_REFERENCE");
  if (!parsed.memberNumber) return triage("NO_REFERENCE");
  const contract = lookup.referenced;
  if (!contract) return triage("UNKNOWN_REFERENCE", null, parsed.memberNumber);
  const sender = lookup.senderPersons.find((p) => p.contractId === contract.contractId);
  if (!sender) return triage("SENDER_NOT_ON_CONTRACT", contract.contractId);

  let beneficiaryId = sender.id;
  if (parsed.body.beneficiary) {
    const written = parsed.body.beneficiary;
    const byName = contract.persons.filter((p) => namesBeneficiary(written, p));
    const byFirstName = contract.persons.filter((p) => fold(p.firstName) === fold(written));
    const candidates = byName.length > 0 ? byName : byFirstName;
    if (candidates.length !== 1) return triage("UNKNOWN_BENEFICIARY", contract.contractId, written.slice(0, 60));
    beneficiaryId = candidates[0]!.id;
  }

  if (parsed.attachments.length === 0) return triage("NO_ATTACHMENT", contract.contractId);
  if (parsed.attachments.length > MAX_EMAIL_DOCUMENTS) {
    return triage("TOO_MANY_ATTACHMENTS", contract.contractId, `${parsed.attachments.length} (au plus ${MAX_EMAIL_DOCUMENTS})`);
  }
  const inspected = inspectAttachments(parsed.attachments);
  if (inspected.rejected.length > 0) {
    const first = inspected.rejected[0]!;
    return triage("REJECTED_ATTACHMENT", contract.contractId, `« ${first.fileName.slice(0, 80)} » — ${first.message}`);
  }
  return {
    kind: "CLAIM",
    contractId: contract.contractId,
    beneficiaryId,
    documents: inspected.documents,
    line: toClaimLine(parsed.body),
    note: describeBody(parsed.body),
  };
}

/** The attachments that are real documents, typed by content; the others with FILING's French reason. */
export function inspectAttachments(attachments: ParsedClaimEmail["attachments"]): {
  documents: InspectedDocument[];
  rejected: { fileName: string; message: string }[];
} {
  const documents: InspectedDocument[] = [];
  const rejected: { fileName: string; message: string }[] = [];
  for (const a of attachments) {
    const inspection = inspectUpload(a.bytes, a.fileName);
    if (!inspection.ok) {
      rejected.push({ fileName: a.fileName, message: inspection.message });
      continue;
    }
    documents.push({ kind: guessDocumentKind(a.fileName, documents), fileName: inspection.fileName, mimeType: inspection.mimeType, bytes: a.bytes });
  }
  return { documents, rejected };
}

/** By name: "décompte", "ameli"… is the Sécu statement; the first other document is the invoice. */
function guessDocumentKind(fileName: string, before: readonly InspectedDocument[]): InspectedDocument["kind"] {
  const name = fold(fileName);
  if (/decompte|releve|secu|ameli|cpam|assurance maladie/.test(name)) return "SECU_STATEMENT";
  if (/facture|note|honoraires|ticket|recu|quittance|invoice/.test(name)) return "INVOICE";
  return before.some((d) => d.kind === "INVOICE") ? "OTHER" : "INVOICE";
}
