import { type SQL, and, desc, eq, gte, ilike, isNotNull, like, lt } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "../db/client.server";
import { auditLog } from "../db/schema";
import { CSV_BOM, csvLine } from "../http/csv";
import { type Actor, type AuditEntry, appendAudit } from "./audit.server";
import { canonicalJson } from "./chain";
import { formatParisDateTimeSeconds, parisCivilToInstant, parisDateOf } from "~/platform/time/paris";

export type AuditOutcome = AuditEntry["outcome"];

export type AuditFilters = {
  /** Prefix of the action code, e.g. `auth.` */
  action?: string;
  /** Case-insensitive substring of the actor label. */
  actor?: string;
  outcome?: AuditOutcome;
  /** Inclusive lower bound of `at`. */
  from?: Date;
  /** Exclusive upper bound of `at`. */
  to?: Date;
};

export type AuditRecord = typeof auditLog.$inferSelect;

export type AuditPage = {
  /** Newest first (insertion order), sealed or not. */
  entries: AuditRecord[];
  /** `before` (an `id`) of the next, older page; null on the last page. */
  nextBefore: number | null;
};

/** Escapes LIKE wildcards so that user text matches literally (backslash is the default escape). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

function whereOf(filters: AuditFilters, before: number | undefined): SQL | undefined {
  return and(
    filters.action === undefined ? undefined : like(auditLog.action, `${likeLiteral(filters.action)}%`),
    filters.actor === undefined ? undefined : ilike(auditLog.actorLabel, `%${likeLiteral(filters.actor)}%`),
    filters.outcome === undefined ? undefined : eq(auditLog.outcome, filters.outcome),
    filters.from === undefined ? undefined : gte(auditLog.at, filters.from),
    filters.to === undefined ? undefined : lt(auditLog.at, filters.to),
    before === undefined ? undefined : lt(auditLog.id, before),
  );
}

/**
 * One page of entries, newest first; pages are chained by `id` (keyset), never by offset. Entries
 * show at once, before the sealer has given them their place in the chain.
 */
export async function listAuditEntries(
  db: DbOrTx,
  filters: AuditFilters & { before?: number; limit: number },
): Promise<AuditPage> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(whereOf(filters, filters.before))
    .orderBy(desc(auditLog.id))
    .limit(filters.limit + 1);
  const entries = rows.slice(0, filters.limit);
  const last = entries.at(-1);
  return { entries, nextBefore: rows.length > filters.limit && last ? last.id : null };
}

/** Every matching entry, newest first, one batch at a time. */
export async function* iterateAuditEntries(
  db: DbOrTx,
  filters: AuditFilters,
  batchSize: number,
): AsyncGenerator<AuditRecord[], void, undefined> {
  let before: number | undefined;
  for (;;) {
    const page = await listAuditEntries(db, { ...filters, before, limit: batchSize });
    if (page.entries.length > 0) yield page.entries;
    if (page.nextBefore === null) return;
    before = page.nextBefore;
  }
}

/** The newest sealed entry: its hash is what an operator copies elsewhere to anchor the chain. */
export async function latestAuditEntry(db: DbOrTx): Promise<{ seq: number; at: Date; hash: string } | null> {
  const [last] = await db
    .select({ seq: auditLog.seq, at: auditLog.at, hash: auditLog.hash })
    .from(auditLog)
    .where(isNotNull(auditLog.seq))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return last && last.seq !== null && last.hash !== null ? { seq: last.seq, at: last.at, hash: last.hash } : null;
}

// ---------------------------------------------------------------------------------------------
// Filters from the query string

/** Query-string values of the outcome filter (French URLs) and the stored outcome they select. */
const OUTCOME_PARAMS = { reussite: "success", echec: "failure", refus: "denied" } as const satisfies Record<
  string,
  AuditOutcome
>;

export type AuditFilterParam = "action" | "auteur" | "resultat" | "du" | "au" | "avant";
type FilterParam = Exclude<AuditFilterParam, "avant">;
const PARAMS: readonly AuditFilterParam[] = ["action", "auteur", "resultat", "du", "au", "avant"];

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;


/** The instant a civil day starts in Paris; `dayOffset` moves to a following day. */
function startOfParisDay(day: string, dayOffset = 0): Date {
  const [, y, m, d] = CALENDAR_DAY.exec(day) ?? [];
  const civilMidnight = Date.UTC(Number(y), Number(m) - 1, Number(d) + dayOffset);
  return parisCivilToInstant(civilMidnight);
}

function isCalendarDay(day: string): boolean {
  const [, y, m, d] = CALENDAR_DAY.exec(day) ?? [];
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return Number(y) >= 1970 && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

const noControlCharacters = /^[^\p{Cc}]*$/u;

const calendarDay = (label: string) =>
  z
    .string()
    .regex(CALENDAR_DAY, `${label} : date attendue au format AAAA-MM-JJ.`)
    .refine(isCalendarDay, `${label} : date invalide.`);

const auditFilterSchema = z
  .object({
    action: z
      .string()
      .max(100, "Action : 100 caractères au plus.")
      .regex(/^[A-Za-z0-9._:-]+$/, "Action : lettres, chiffres, points, tirets et deux-points uniquement."),
    auteur: z
      .string()
      .max(200, "Auteur : 200 caractères au plus.")
      .regex(noControlCharacters, "Auteur : caractères non imprimables refusés."),
    resultat: z.enum(Object.keys(OUTCOME_PARAMS) as [keyof typeof OUTCOME_PARAMS], {
      error: "Résultat : valeur inconnue.",
    }),
    du: calendarDay("Du"),
    au: calendarDay("Au"),
    avant: z
      .string()
      .regex(/^[1-9][0-9]{0,14}$/, "Pagination : numéro d’entrée invalide.")
      .transform(Number),
  })
  .partial()
  .refine((f) => f.du === undefined || f.au === undefined || f.du <= f.au, {
    path: ["au"],
    error: "Au : la date de fin précède la date de début.",
  });

export type ParsedAuditFilters = {
  filters: AuditFilters;
  before: number | undefined;
  /** Valid filters as written in the query string, without `avant`: for links and the audit trail. */
  accepted: Partial<Record<FilterParam, string>>;
  /** `accepted` as a query string (no leading `?`). */
  query: string;
  /** What was typed, made safe to show again in the form so that it can be corrected. */
  typed: Partial<Record<FilterParam, string>>;
  /** French message per rejected parameter; a rejected parameter does not filter. */
  errors: Partial<Record<AuditFilterParam, string>>;
};

function isParam(key: PropertyKey | undefined): key is AuditFilterParam {
  return PARAMS.includes(key as AuditFilterParam);
}

/**
 * Reads the journal filters from a query string. Never throws: each invalid parameter is
 * reported and dropped, the valid ones still apply.
 */
export function parseAuditFilters(searchParams: URLSearchParams): ParsedAuditFilters {
  const input: Partial<Record<AuditFilterParam, string>> = {};
  const typed: Partial<Record<FilterParam, string>> = {};
  for (const param of PARAMS) {
    const raw = searchParams.get(param)?.trim();
    if (!raw) continue;
    input[param] = raw;
    if (param !== "avant") typed[param] = raw.replace(/\p{Cc}/gu, "").slice(0, 200);
  }

  const errors: Partial<Record<AuditFilterParam, string>> = {};
  let result = auditFilterSchema.safeParse(input);
  // Each pass drops the parameters at fault and tries again with the others, so the loop ends.
  while (!result.success) {
    for (const issue of result.error.issues) {
      const param = issue.path[0];
      // Every issue names its parameter; one that would not rejects the whole query.
      for (const rejected of isParam(param) ? [param] : (Object.keys(input) as AuditFilterParam[])) {
        errors[rejected] ??= issue.message;
        delete input[rejected];
      }
    }
    result = auditFilterSchema.safeParse(input);
  }

  const valid = result.data;
  const accepted: Partial<Record<FilterParam, string>> = {};
  for (const param of PARAMS) {
    const value = input[param];
    if (param !== "avant" && value !== undefined) accepted[param] = value;
  }
  return {
    filters: {
      action: valid.action,
      actor: valid.auteur,
      outcome: valid.resultat === undefined ? undefined : OUTCOME_PARAMS[valid.resultat],
      from: valid.du === undefined ? undefined : startOfParisDay(valid.du),
      to: valid.au === undefined ? undefined : startOfParisDay(valid.au, 1),
    },
    before: valid.avant,
    accepted,
    query: new URLSearchParams(accepted).toString(),
    typed,
    errors,
  };
}

// ---------------------------------------------------------------------------------------------
// Presentation shared by the back office and the export

// ---------------------------------------------------------------------------------------------
// CSV export

const EXPORT_BATCH_SIZE = 1000;

const CSV_HEADERS = [
  "n°",
  "horodatage (UTC)",
  "date et heure (Paris)",
  "auteur",
  "identifiant de l’auteur",
  "action",
  "résultat",
  "type de cible",
  "cible",
  "empreinte IP",
  "détails",
  "empreinte précédente",
  "empreinte",
];

/** Raw stored values (plus the Paris time), so the chain can be re-verified from the file. */
function csvRecord(e: AuditRecord): string {
  return csvLine([
    e.seq,
    e.at.toISOString(),
    formatParisDateTimeSeconds(e.at),
    e.actorLabel,
    e.actorUserId,
    e.action,
    e.outcome,
    e.targetType,
    e.targetId,
    e.ipHash,
    canonicalJson(e.details),
    e.prevHash,
    e.hash,
  ]);
}

function auditCsvStream(db: Db, filters: AuditFilters): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = iterateAuditEntries(db, filters, EXPORT_BATCH_SIZE);
  // Pull-based: the next batch is read only when the client has taken the previous one.
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_BOM + csvLine(CSV_HEADERS)));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(csvRecord).join("")));
    },
    async cancel() {
      await batches.return();
    },
  });
}

/**
 * Records the export in the audit log, then returns the CSV of the matching entries, streamed
 * by batches. The export is refused (throws) if it cannot be recorded.
 */
export async function exportAuditCsv(
  db: Db,
  parsed: ParsedAuditFilters,
  who: { actor: Actor; ipHash: string | null },
  now: Date = new Date(),
): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  await appendAudit(
    db,
    {
      actor: who.actor,
      action: "audit.exported",
      outcome: "success",
      targetType: "audit_log",
      ipHash: who.ipHash,
      details: { filters: parsed.accepted, ignored: Object.keys(parsed.errors) },
    },
    now,
  );
  return {
    filename: `journal-audit-${parisDateOf(now).replaceAll("-", "")}.csv`,
    body: auditCsvStream(db, parsed.filters),
  };
}
