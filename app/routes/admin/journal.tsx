import { Form, Link, useNavigation } from "react-router";
import { canonicalJson } from "~/platform/audit/chain";
import { latestAuditEntry, listAuditEntries, parseAuditFilters } from "~/platform/audit/query.server";
import { describeAuditVerification, verifyAuditChainAs } from "~/platform/audit/verify.server";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { FieldError, SubmitButton } from "~/ui/form";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/journal";
import { formatParisDateTimeSeconds } from "~/platform/time/paris";

export const meta: Route.MetaFunction = () => [{ title: "Journal d’audit — Bascule" }];

const PAGE_SIZE = 50;

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "audit:read");
  const parsed = parseAuditFilters(new URL(args.request.url).searchParams);
  const [page, latest] = await Promise.all([
    listAuditEntries(db(), { ...parsed.filters, before: parsed.before, limit: PAGE_SIZE }),
    latestAuditEntry(db()),
  ]);
  const older = new URLSearchParams(parsed.query);
  if (page.nextBefore !== null) older.set("avant", String(page.nextBefore));
  return {
    entries: page.entries.map((e) => ({
      // Null until the sealer has chained the entry, within a second or so of its commit.
      seq: e.seq,
      hashPrefix: e.hash === null ? null : e.hash.slice(0, 16),
      atIso: e.at.toISOString(),
      at: formatParisDateTimeSeconds(e.at),
      actor: e.actorLabel,
      action: e.action,
      outcome: e.outcome,
      target: [e.targetType, e.targetId].filter((part) => part !== null).join(" "),
      details: canonicalJson(e.details),
    })),
    query: parsed.query,
    olderQuery: page.nextBefore === null ? null : older.toString(),
    isFirstPage: parsed.before === undefined,
    typed: parsed.typed,
    errors: parsed.errors,
    latest: latest && { seq: latest.seq, at: formatParisDateTimeSeconds(latest.at), hash: latest.hash },
  };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "audit:read");
  const result = await verifyAuditChainAs(db(), {
    actor: auditActorOf(user),
    ipHash: ipHashOf(args.context),
  });
  return { ok: result.ok, message: describeAuditVerification(result) };
}

const OUTCOME_LABELS: Record<string, string> = { success: "Réussite", failure: "Échec", denied: "Refusé" };

const OUTCOME_OPTIONS = [
  { value: "", label: "Tous" },
  { value: "reussite", label: "Réussite" },
  { value: "echec", label: "Échec" },
  { value: "refus", label: "Refusé" },
] as const;

function FilterField({
  name,
  label,
  hint,
  type = "search",
  options,
  value,
  error,
}: {
  name: string;
  label: string;
  hint?: string;
  type?: "search" | "date";
  options?: readonly { value: string; label: string }[];
  value: string | undefined;
  error: string | undefined;
}) {
  const id = `filtre-${name}`;
  const hintId = hint ? `${id}-aide` : undefined;
  const errorId = `${id}-erreur`;
  const control = {
    id,
    name,
    defaultValue: value ?? "",
    "aria-describedby": [hintId, error ? errorId : undefined].filter(Boolean).join(" ") || undefined,
    "aria-invalid": error ? true : undefined,
    className:
      "mt-2 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger",
  };
  return (
    <div>
      <label htmlFor={id} className="block font-medium text-ink">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      {options ? (
        <select {...control}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input type={type} {...control} />
      )}
      <FieldError id={errorId} errors={error ? [error] : undefined} />
    </div>
  );
}

export default function AuditJournal({ loaderData, actionData }: Route.ComponentProps) {
  const { entries, typed, errors, latest, query } = loaderData;
  const navigation = useNavigation();
  const verifying = navigation.state !== "idle" && navigation.formMethod === "POST";
  const rejected = Object.values(errors);

  return (
    <>
      <PageHeader
        title="Journal d’audit"
        lead="Chaque action sensible y est enregistrée, puis scellée dans la seconde : numérotée et chaînée à la précédente par une empreinte SHA-256. Une entrée scellée modifiée, supprimée ou déplacée est détectée."
      />

      <div className="space-y-8">
        <Card title="Intégrité du journal">
          {latest ? (
            <p className="mb-4">
              Dernière entrée scellée : n° {latest.seq}, le {latest.at}.
              <br />
              Empreinte : <code className="break-all">{latest.hash}</code>
            </p>
          ) : (
            <p className="mb-4">Le journal ne contient encore aucune entrée scellée.</p>
          )}
          <p className="mb-4 text-sm text-muted">
            La vérification relit le journal entier : elle peut prendre du temps et est elle-même enregistrée au
            journal.
          </p>
          {actionData ? (
            <Alert tone={actionData.ok ? "success" : "danger"} role={actionData.ok ? "status" : "alert"}>
              {actionData.message}
            </Alert>
          ) : null}
          <Form method="post">
            <SubmitButton pending={verifying}>{verifying ? "Vérification en cours…" : "Vérifier l’intégrité"}</SubmitButton>
          </Form>
        </Card>

        <Card title="Filtrer les entrées">
          {rejected.length > 0 ? (
            <Alert tone="warning" role="alert" title="Certains filtres ont été ignorés">
              <ul className="list-disc pl-5">
                {rejected.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
          <Form method="get" key={JSON.stringify(typed)} className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3">
            <FilterField
              name="action"
              label="Action"
              hint="Début du code, par exemple « auth. »"
              value={typed.action}
              error={errors.action}
            />
            <FilterField
              name="auteur"
              label="Auteur"
              hint="Tout ou partie de l’adresse électronique"
              value={typed.auteur}
              error={errors.auteur}
            />
            <FilterField
              name="resultat"
              label="Résultat"
              options={OUTCOME_OPTIONS}
              value={typed.resultat}
              error={errors.resultat}
            />
            <FilterField name="du" label="Du" type="date" value={typed.du} error={errors.du} />
            <FilterField name="au" label="Au (inclus)" type="date" value={typed.au} error={errors.au} />
            <div className="flex flex-wrap items-end gap-4 sm:col-span-2 lg:col-span-3">
              <SubmitButton>Filtrer</SubmitButton>
              <Link to="/admin/journal">Effacer les filtres</Link>
              {/* A document download, not a client-side navigation. */}
              <a href={`/admin/journal.csv${query ? `?${query}` : ""}`}>Exporter en CSV</a>
            </div>
          </Form>
        </Card>

        <section aria-labelledby="entrees-titre">
          <h2 id="entrees-titre" className="mb-4 text-xl font-semibold text-brand-800">
            Entrées
          </h2>
          {entries.length === 0 ? (
            <p>Aucune entrée ne correspond à ces critères.</p>
          ) : (
            <DataTable
              caption="Entrées du journal d’audit, de la plus récente à la plus ancienne"
              captionHidden
              headers={["N°", "Date et heure (Paris)", "Auteur", "Action", "Résultat", "Cible", "Détails", "Empreinte"]}
              rows={entries.map((e) => [
                e.seq ?? (
                  <em key="seq" className="text-muted">
                    en cours de scellement
                  </em>
                ),
                <time key="at" dateTime={e.atIso} className="whitespace-nowrap">
                  {e.at}
                </time>,
                <span key="actor" className="break-all">
                  {e.actor}
                </span>,
                <code key="action">{e.action}</code>,
                OUTCOME_LABELS[e.outcome] ?? e.outcome,
                e.target || "—",
                <code key="details" className="break-all text-xs">
                  {e.details}
                </code>,
                e.hashPrefix === null ? "—" : <code key="hash" className="text-xs">{`${e.hashPrefix}…`}</code>,
              ])}
            />
          )}
          {loaderData.olderQuery !== null || !loaderData.isFirstPage ? (
            <nav aria-label="Pages du journal" className="mt-6 flex flex-wrap gap-6">
              {!loaderData.isFirstPage ? (
                <Link to={`/admin/journal${query ? `?${query}` : ""}`}>Entrées les plus récentes</Link>
              ) : null}
              {loaderData.olderQuery !== null ? (
                <Link to={`/admin/journal?${loaderData.olderQuery}`}>Entrées plus anciennes</Link>
              ) : null}
            </nav>
          ) : null}
        </section>
      </div>
    </>
  );
}
