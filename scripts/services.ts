/*
 * `npm run services -- <commande>`: the service switchboard from a terminal, for when the back
 * office is itself unavailable. Works on the configured database (PostgreSQL through
 * DATABASE_URL, or the embedded PGlite in BASCULE_DATA_DIR — single-process: only while the
 * server is stopped).
 *
 *   status                      services, states, versions; live instances and their version
 *   close <service> …           closes a service (and what depends on it)
 *   fallback <service> …        puts a service in its fallback mode (online claims → e-mail)
 *   profile <profil> …          applies an incident profile
 *
 * Changes need --reason and --by (the e-mail of an active administrator), and wait until every
 * live instance has applied them (--timeout, 10 s). Reopening is refused: it needs the re-test
 * and a second administrator in the back office (/admin/services); the refusal is audited.
 *
 * Exit codes: 0 done (and applied everywhere), 1 refused, 2 error, 3 applied in the database but
 * not confirmed by every live instance within the timeout.
 */
import { parseArgs } from "node:util";
import { and, eq, inArray } from "drizzle-orm";
import { SERVICE_CATALOGUE } from "~/features/switchboard/catalogue";
import { type ChangePlan, previewServiceChange } from "~/features/switchboard/change-plan";
import { changeServices, changeServicesByProfile } from "~/features/switchboard/change-services.server";
import { isSwitchboardError } from "~/features/switchboard/errors";
import { INCIDENT_PROFILES, profileByKey } from "~/features/switchboard/profiles";
import { LIVE_WITHIN_MS, liveInstances, waitForPropagation, type SwitchboardInstance } from "~/features/switchboard/propagation.server";
import { defaultMessage } from "~/features/switchboard/public-status";
import { ensureServiceRows, isServiceKey, loadServiceStatuses } from "~/features/switchboard/store.server";
import { SERVICE_KEYS, type ServiceKey, type ServiceState } from "~/features/switchboard/types";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { rolesWith } from "~/platform/auth/permissions";
import { sealAuditBacklog } from "~/platform/audit/seal.server";
import { config } from "~/platform/config/env.server";
import type { DatabaseHandle, Db } from "~/platform/db/client.server";
import { DatabaseLockedError } from "~/platform/db/lock.server";
import { openConfiguredDatabase } from "~/platform/db/open-configured.server";
import { switchboardServices, users } from "~/platform/db/schema";
import { formatParisDateTimeShort } from "~/platform/time/paris";
import { emailIndex } from "~/platform/crypto/personal-data.server";

const USAGE = `Usage : npm run services -- <commande> [options]

Commandes :
  status                          état des services et des instances
  close <service> [options]       ferme un service (et les services qui en dépendent)
  fallback <service> [options]    passe un service en mode de secours (remboursements par courriel)
  profile <profil> [options]      applique un profil d’incident

Options des changements :
  --reason "…"      motif interne (obligatoire)
  --by <e-mail>     adresse d’un administrateur actif (obligatoire)
  --message "…"     message affiché au public (par défaut : un message standard)
  --until <date>    retour prévu, date ISO 8601 (ex. 2026-12-01T18:00:00+01:00)
  --timeout <s>     attente maximale de la propagation aux instances, en secondes (10)

Services : ${SERVICE_KEYS.join(", ")}
Profils : ${INCIDENT_PROFILES.map((p) => p.key).join(", ")}

La réouverture d’un service ne se fait pas ici : elle exige un re-test automatique, la liste de
contrôle signée et l’accord d’un second administrateur, dans le back-office (/admin/services).

Codes de sortie : 0 fait, 1 refusé, 2 erreur, 3 appliqué en base mais pas confirmé par toutes les
instances dans le délai.`;

const REOPEN_COMMANDS = new Set(["reopen", "open", "rouvrir", "reouvrir", "réouvrir"]);
const PROFILE_DEFAULT_MESSAGE =
  "Certains services en ligne sont temporairement indisponibles. Les autres moyens de nous joindre sont indiqués sur chaque page concernée.";
/** Instances silent for longer than this are not even mentioned by `status`. */
const STATUS_SILENT_WITHIN_MS = 3_600_000;

const EXIT = { done: 0, refused: 1, error: 2, notConfirmed: 3 } as const;

class Refusal extends Error {}

const STATE_LABELS: Record<ServiceState, string> = {
  OPEN: "ouvert",
  CLOSED: "fermé",
  FALLBACK: "secours",
  RETESTING: "re-test",
  REOPENING: "réouverture",
};

const when = (date: Date | string | null) => (date === null ? "—" : formatParisDateTimeShort(new Date(date)));

/** Plain-text table with aligned columns. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}

const shorten = (text: string | null, max: number) => (text === null ? "—" : text.length > max ? `${text.slice(0, max - 1)}…` : text);

// ---------------------------------------------------------------------------------------------

async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openConfiguredDatabase(config(), { applicationName: "bascule-services" });
  try {
    return await work(handle);
  } finally {
    // What this command recorded is chained before it exits (ADR 014): on PGlite no server runs to do it.
    try {
      await sealAuditBacklog(handle.db);
    } finally {
      await handle.close();
    }
  }
}

async function status(db: Db): Promise<number> {
  await ensureServiceRows(db);
  const rows = await db.select().from(switchboardServices);
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const version = Math.max(0, ...rows.map((row) => row.version));
  console.log(`Version du tableau des services : ${version} (heures de Paris)\n`);
  console.log(
    table(
      ["clé", "état", "depuis", "version", "message", "retour prévu"],
      SERVICE_KEYS.map((key) => {
        const row = byKey.get(key)!;
        const state = row.state === "REOPENING" ? `${STATE_LABELS[row.state]} ${row.rolloutPercent ?? 0} %` : STATE_LABELS[row.state];
        return [key, state, when(row.since), String(row.version), shorten(row.publicMessage, 60), when(row.expectedReturnAt)];
      }),
    ),
  );

  const now = Date.now();
  const live = await liveInstances(db, now);
  console.log(`\nInstances en service (battement depuis moins de ${LIVE_WITHIN_MS / 1000} s) : ${live.length}`);
  if (live.length > 0) {
    console.log(
      table(
        ["id", "hôte", "pid", "dernier battement (s)", "version appliquée", "à jour"],
        live.map((i) => [
          i.id,
          i.hostname,
          String(i.pid),
          ((now - i.heartbeatAt.getTime()) / 1000).toFixed(1),
          String(i.appliedVersion),
          i.appliedVersion >= version ? "✓" : "✗",
        ]),
      ),
    );
  }
  const silent = (await liveInstances(db, now, STATUS_SILENT_WITHIN_MS)).filter((i) => !live.some((l) => l.id === i.id));
  if (silent.length > 0) {
    console.log(
      `\nSans battement depuis plus de ${LIVE_WITHIN_MS / 1000} s sans avoir été arrêtées (arrêt brutal ?) : ` +
        silent.map((i) => `${i.id} (dernier battement ${when(i.heartbeatAt)})`).join(", "),
    );
  }
  return EXIT.done;
}

// ---------------------------------------------------------------------------------------------

type ChangeCommand = {
  command: "close" | "fallback" | "profile";
  target: string;
  reason: string;
  by: string;
  message: string | undefined;
  until: Date | undefined;
  timeoutSeconds: number;
};

function parseChange(command: ChangeCommand["command"], args: string[]): ChangeCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        reason: { type: "string" },
        by: { type: "string" },
        message: { type: "string" },
        until: { type: "string" },
        timeout: { type: "string" },
      },
    });
  } catch (err) {
    throw new Refusal(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const what = command === "profile" ? "profil" : "service";
  if (positionals.length !== 1) throw new Refusal(`Indiquez un seul ${what} : npm run services -- ${command} <${what}> …\n\n${USAGE}`);
  const reason = values.reason?.trim();
  if (!reason) throw new Refusal("--reason est obligatoire : le motif est enregistré dans le journal d’audit.");
  const by = values.by?.trim().toLowerCase();
  if (!by) throw new Refusal("--by est obligatoire : l’adresse e-mail d’un administrateur actif, qui répond du changement.");
  let until: Date | undefined;
  if (values.until !== undefined) {
    until = new Date(values.until);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.until) || Number.isNaN(until.getTime())) {
      throw new Refusal(`--until attend une date ISO 8601 (ex. 2026-12-01T18:00:00+01:00), reçu « ${values.until} ».`);
    }
    if (until.getTime() <= Date.now()) throw new Refusal(`--until doit être dans le futur (reçu ${when(until)}).`);
  }
  const timeoutSeconds = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600) {
    throw new Refusal(`--timeout attend un nombre entier de secondes entre 1 et 600, reçu « ${values.timeout} ».`);
  }
  const message = values.message?.trim();
  return { command, target: positionals[0]!, reason, by, message: message || undefined, until, timeoutSeconds };
}

/** The active administrator behind --by, as the actor of the change. */
async function adminActor(db: Db, email: string): Promise<Actor> {
  const [user] = await db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.emailBidx, emailIndex(email)), inArray(users.role, rolesWith("services:close")), eq(users.status, "ACTIVE")));
  if (!user) throw new Refusal(`Refusé : « ${email} » n’est pas l’adresse d’un administrateur actif de Bascule.`);
  // The actor is the account (id and name), never its address (ADR 019).
  return { userId: user.id, label: `cli:${user.displayName}` };
}

/** The standard public message of a service's change, naming the dependents that close with it. */
function defaultServiceMessage(key: ServiceKey, plan: ChangePlan, to: "CLOSED" | "FALLBACK"): string {
  const labels = plan.changes.map((c) => `« ${c.label} »`);
  if (labels.length < 2) return defaultMessage(SERVICE_CATALOGUE[key].label, to, null);
  return `Les services ${labels.slice(0, -1).join(", ")} et ${labels.at(-1)} sont temporairement fermés.`;
}

function printPlan(plan: ChangePlan): void {
  console.log("Changements prévus :");
  for (const change of plan.changes) {
    const cause = change.cause === "dependency" ? `  (dépend de ${change.closedBecauseOf.join(", ")})` : "";
    console.log(`  ${change.key.padEnd(24)} ${STATE_LABELS[change.from]} → ${STATE_LABELS[change.to]}${cause}`);
    if (change.refusal) console.log(`    refusé : ${change.refusal.message}`);
  }
  for (const skipped of plan.skipped) console.log(`  ${skipped.key.padEnd(24)} déjà ${STATE_LABELS[skipped.state]} : inchangé`);
}

async function change(db: Db, input: ChangeCommand): Promise<number> {
  await ensureServiceRows(db);
  const profile = input.command === "profile" ? profileByKey(input.target) : null;
  if (input.command === "profile" && !profile) {
    throw new Refusal(`Profil inconnu : « ${input.target} ». Profils : ${INCIDENT_PROFILES.map((p) => p.key).join(", ")}.`);
  }
  if (input.command !== "profile" && !isServiceKey(input.target)) {
    throw new Refusal(`Service inconnu : « ${input.target} ». Services : ${SERVICE_KEYS.join(", ")}.`);
  }
  const actor = await adminActor(db, input.by);
  const to = input.command === "fallback" ? "FALLBACK" : "CLOSED";
  const requested = profile ? profile.changes : [{ key: input.target as ServiceKey, to }];
  const { services } = await loadServiceStatuses(db);
  const plan = previewServiceChange(services, requested);
  const publicMessage = input.message ?? (profile ? PROFILE_DEFAULT_MESSAGE : defaultServiceMessage(input.target as ServiceKey, plan, to));
  if (profile) console.log(`Profil : ${profile.label}`);
  printPlan(plan);
  console.log(`Motif : ${input.reason}`);
  console.log(`Message public : ${publicMessage}`);
  console.log(`Retour prévu : ${input.until ? `${when(input.until)} (heure de Paris)` : "non indiqué"}`);
  if (plan.changes.length === 0) {
    console.log("\nRien à changer.");
    return EXIT.done;
  }
  if (!plan.applicable) throw new Refusal("\nRefusé : aucun changement n’a été enregistré.");

  const common = {
    actor,
    reason: input.reason,
    publicMessage,
    ...(input.until ? { expectedReturnAt: input.until } : {}),
  };
  const result = profile
    ? await changeServicesByProfile(db, { ...common, profileKey: profile.key })
    : await changeServices(db, { ...common, changes: [{ key: input.target as ServiceKey, to }] });
  console.log(`\nEnregistré : version ${result.version}, groupe ${result.groupId}.`);

  console.log(`Attente de la propagation aux instances (au plus ${input.timeoutSeconds} s)…`);
  const propagation = await waitForPropagation(db, { version: result.version, timeoutMs: input.timeoutSeconds * 1000 });
  const total = propagation.applied.length + propagation.missing.length;
  if (total === 0) {
    console.log(
      `Aucune instance en service (aucun battement depuis ${LIVE_WITHIN_MS / 1000} s) : chaque instance appliquera ce changement à son démarrage.`,
    );
    return EXIT.done;
  }
  console.log(`Appliqué sur ${propagation.applied.length}/${total} instances.`);
  if (propagation.missing.length === 0) return EXIT.done;
  console.log(`Sans confirmation après ${input.timeoutSeconds} s :`);
  console.log(describeInstances(propagation.missing));
  return EXIT.notConfirmed;
}

function describeInstances(instances: readonly SwitchboardInstance[]): string {
  const now = Date.now();
  return table(
    ["id", "hôte", "pid", "dernier battement (s)", "version appliquée"],
    instances.map((i) => [i.id, i.hostname, String(i.pid), ((now - i.heartbeatAt.getTime()) / 1000).toFixed(1), String(i.appliedVersion)]),
  );
}

// ---------------------------------------------------------------------------------------------

/** `--by` as typed, whatever else is on the command line (the refusal must not depend on it). */
function looseBy(args: readonly string[]): string | null {
  for (const [index, arg] of args.entries()) {
    if (arg === "--by") return args[index + 1]?.trim().toLowerCase() || null;
    if (arg.startsWith("--by=")) return arg.slice("--by=".length).trim().toLowerCase() || null;
  }
  return null;
}

async function refuseReopen(command: string, args: readonly string[]): Promise<number> {
  console.error(
    "Refusé : la réouverture d’un service ne se fait pas en ligne de commande.\n" +
      "Elle exige que le re-test automatique du service soit passé, que chaque point de sa liste de contrôle\n" +
      "soit signé, et qu’un second administrateur approuve la demande : ouvrez une demande de réouverture\n" +
      "dans le back-office, page /admin/services.",
  );
  const by = looseBy(args);
  const target = args.find((arg) => isServiceKey(arg)) ?? null;
  try {
    await withDatabase(async ({ db }) => {
      const [user] = by
        ? await db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.emailBidx, emailIndex(by)))
        : [];
      await appendAudit(db, {
        actor: { userId: user?.id ?? null, label: `cli:${user?.displayName ?? "inconnu"}` },
        action: "switchboard.cli.reopen-refused",
        outcome: "denied",
        ...(target ? { targetType: "service", targetId: target } : {}),
        details: { command, service: target },
      });
    });
  } catch (err) {
    console.error(`(Le refus n’a pas pu être inscrit au journal d’audit : ${describeError(err)})`);
  }
  return EXIT.refused;
}

function describeError(err: unknown): string {
  if (err instanceof DatabaseLockedError) {
    return (
      `la base embarquée (PGlite) est ouverte par le processus ${err.holderPid}, sans doute le serveur Bascule. ` +
      "PGlite ne sert qu’un processus à la fois : avec PGlite, cette commande ne fonctionne que serveur arrêté. " +
      "Arrêtez le serveur puis relancez-la, ou configurez DATABASE_URL (PostgreSQL) pour piloter les services pendant que le serveur tourne."
    );
  }
  // The driver's own error says why (unreachable server…), not the failed SQL.
  const root = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if ((root as { code?: unknown }).code === "42P01") {
    return "la base ne contient pas les tables de Bascule : démarrez le serveur une fois pour appliquer les migrations.";
  }
  return root instanceof Error ? root.message : String(root);
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help" || rest.includes("--help")) {
    console.log(USAGE);
    return command === undefined ? EXIT.refused : EXIT.done;
  }
  if (REOPEN_COMMANDS.has(command)) return refuseReopen(command, rest);
  switch (command) {
    case "status":
      if (rest.length > 0) throw new Refusal(`status ne prend pas d’argument.\n\n${USAGE}`);
      return withDatabase(({ db }) => status(db));
    case "close":
    case "fallback":
    case "profile": {
      const input = parseChange(command, rest);
      return withDatabase(({ db }) => change(db, input));
    }
    default:
      throw new Refusal(`Commande inconnue : « ${command} ».\n\n${USAGE}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof Refusal) {
    console.error(err.message);
    process.exitCode = EXIT.refused;
  } else if (isSwitchboardError(err)) {
    console.error(`Refusé : ${err.message}`);
    process.exitCode = EXIT.refused;
  } else {
    console.error(`Échec : ${describeError(err)}`);
    process.exitCode = EXIT.error;
  }
}
