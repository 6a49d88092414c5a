import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { can } from "~/platform/auth/permissions";
import { config } from "~/platform/config/env.server";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import {
  listOutboxMail,
  type MailStatus,
  outboxBacklog,
  readOutboxMail,
  retryDeadMail,
} from "~/platform/mail/dispatcher.server";
import { demoMailCopies } from "~/platform/mail/transports.server";
import { Alert, Card, DataTable, PageHeader } from "~/ui/layout";
import { StatusFilter } from "~/ui/status-filter";
import type { Route } from "./+types/courriels";
import { formatParisDateTimeSeconds } from "~/platform/time/paris";

export const meta = () => [{ title: "Courriels — Bascule" }];

const PAGE_SIZE = 50;
const STATUSES = ["PENDING", "SENT", "DEAD"] as const satisfies readonly MailStatus[];
const STATUS_LABELS: Record<MailStatus, string> = {
  PENDING: "En attente",
  SENT: "Envoyé",
  DEAD: "Échec définitif",
};

// Filters are forgiving (an unknown value shows everything); a malformed id is a 404.
const querySchema = z.object({
  statut: z.enum(STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  id: z.uuid().optional(),
});

const retrySchema = z.object({ id: z.uuid() });

/** Dates are formatted on the server so that the browser renders exactly the same text. */
function when(date: Date): { iso: string; label: string } {
  return { iso: date.toISOString(), label: formatParisDateTimeSeconds(date) };
}

function notFound(): never {
  throw data({ message: "Ce courriel est introuvable." }, { status: 404 });
}

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "mail:read");
  const url = new URL(args.request.url);
  const query = querySchema.safeParse({
    statut: url.searchParams.get("statut") ?? undefined,
    page: url.searchParams.get("page") ?? undefined,
    id: url.searchParams.get("id") || undefined,
  });
  if (!query.success) notFound();
  const { statut, page, id } = query.data;
  // Message bodies carry one-time activation and reset links: they are shown only when no relay
  // is configured and messages are kept as files (demo mode), where this page is the only way to
  // read them. Sent messages are erased from the outbox (ADR 019): their file copy is read instead.
  const cfg = config();
  const demoMode = cfg.mailFileCopies;
  const copies = demoMode ? demoMailCopies(cfg.dataDir) : undefined;
  const [backlog, list, selected] = await Promise.all([
    outboxBacklog(db()),
    listOutboxMail(db(), { status: statut, page, pageSize: PAGE_SIZE, copies }),
    id
      ? readOutboxMail(db(), id, {
          revealBody: demoMode,
          actor: auditActorOf(user),
          ipHash: ipHashOf(args.context),
          copies,
        })
      : undefined,
  ]);
  if (id && !selected) notFound();
  return {
    demoMode,
    canRetry: can(user.role, "mail:retry"),
    retried: url.searchParams.has("renvoye"),
    filter: { statut: statut ?? "", page },
    backlog,
    hasNextPage: list.hasNextPage,
    items: list.items.map((m) => ({ ...m, createdAt: when(m.createdAt) })),
    selected: selected
      ? {
          ...selected,
          createdAt: when(selected.createdAt),
          nextAttemptAt: when(selected.nextAttemptAt),
          sentAt: selected.sentAt ? when(selected.sentAt) : null,
        }
      : null,
  };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "mail:retry");
  const form = await readForm(args.request);
  const parsed = retrySchema.safeParse({ id: form.get("id") });
  if (!parsed.success) return data({ error: "L’identifiant du courriel à renvoyer est invalide." }, { status: 400 });
  const retried = await retryDeadMail(
    db(),
    parsed.data.id,
    auditActorOf(user),
    { ipHash: ipHashOf(args.context) },
  );
  if (!retried) {
    return data({ error: "Ce courriel n’est pas en échec définitif : il n’a pas été renvoyé." }, { status: 409 });
  }
  const back = new URL(args.request.url);
  back.searchParams.set("renvoye", "1");
  return redirect(`${back.pathname}${back.search}`);
}

function listHref(filter: { statut: string; page: number }, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filter.statut) params.set("statut", filter.statut);
  if (filter.page > 1) params.set("page", String(filter.page));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const search = params.toString();
  return search ? `/admin/courriels?${search}` : "/admin/courriels";
}

function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} j`;
}

const nf = new Intl.NumberFormat("fr-FR");

/** Shown for the subject of a sent message: its content is erased once sent. */
const ERASED = "(contenu effacé après l’envoi)";

function RetryForm({ id, subject }: { id: string; subject: string }) {
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" && navigation.formData?.get("id") === id;
  return (
    <Form method="post">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-brand-700 px-3 py-1 font-semibold text-brand-800 hover:bg-brand-50 disabled:opacity-70"
      >
        Renvoyer<span className="sr-only"> le courriel « {subject} »</span>
      </button>
    </Form>
  );
}

export default function MailViewer({ loaderData, actionData }: Route.ComponentProps) {
  const { backlog, filter, items, selected } = loaderData;
  const tiles = [
    { label: "En attente", value: nf.format(backlog.pending) },
    { label: "Envoyés", value: nf.format(backlog.sent) },
    { label: "En échec définitif", value: nf.format(backlog.dead) },
    {
      label: "Plus ancien en attente depuis",
      value: backlog.oldestPendingAgeSeconds === null ? "—" : formatAge(backlog.oldestPendingAgeSeconds),
    },
  ];
  return (
    <>
      <PageHeader
        title="Courriels"
        lead="Les courriels envoyés par le portail, leur état de distribution, et le renvoi de ceux en échec définitif."
      />
      {loaderData.demoMode ? (
        <Alert title="Mode démonstration">
          Aucun serveur SMTP n’est configuré : les courriels ne quittent pas le serveur. Ouvrez un courriel pour lire son contenu, par
          exemple un lien d’activation ou de réinitialisation de mot de passe.
        </Alert>
      ) : null}
      {loaderData.retried ? (
        <Alert tone="success" role="status">
          Le courriel a été remis dans la file d’envoi.
        </Alert>
      ) : null}
      {actionData?.error ? (
        <Alert tone="danger" role="alert">
          {actionData.error}
        </Alert>
      ) : null}

      <section aria-labelledby="file-envoi" className="mb-8">
        <h2 id="file-envoi" className="mb-4 text-xl font-semibold text-brand-800">
          File d’envoi
        </h2>
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {tiles.map((t) => (
            <div key={t.label} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <dt className="text-sm text-muted">{t.label}</dt>
              <dd className="mt-1 text-3xl font-bold text-brand-800">{t.value}</dd>
            </div>
          ))}
        </dl>
      </section>

      {selected ? (
        <div className="mb-8">
          <Card title={`Courriel : ${selected.subject ?? selected.template}`}>
            <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
              <dt className="font-medium">Date</dt>
              <dd>
                <time dateTime={selected.createdAt.iso}>{selected.createdAt.label}</time>
              </dd>
              <dt className="font-medium">Destinataire</dt>
              <dd className="break-all">{selected.toAddress ?? "—"}</dd>
              <dt className="font-medium">Objet</dt>
              <dd>{selected.subject ?? ERASED}</dd>
              <dt className="font-medium">Modèle</dt>
              <dd>
                <code>{selected.template}</code>
              </dd>
              <dt className="font-medium">Statut</dt>
              <dd>{STATUS_LABELS[selected.status]}</dd>
              <dt className="font-medium">Tentatives</dt>
              <dd>{selected.attempts}</dd>
              {selected.sentAt ? (
                <>
                  <dt className="font-medium">Envoyé le</dt>
                  <dd>
                    <time dateTime={selected.sentAt.iso}>{selected.sentAt.label}</time>
                  </dd>
                </>
              ) : null}
              {selected.status === "PENDING" ? (
                <>
                  <dt className="font-medium">Prochaine tentative</dt>
                  <dd>
                    <time dateTime={selected.nextAttemptAt.iso}>{selected.nextAttemptAt.label}</time>
                  </dd>
                </>
              ) : null}
              {selected.lastError ? (
                <>
                  <dt className="font-medium">Dernière erreur</dt>
                  <dd className="break-all">{selected.lastError}</dd>
                </>
              ) : null}
              <dt className="font-medium">Message-ID</dt>
              <dd className="break-all">
                <code>{selected.messageId}</code>
              </dd>
            </dl>
            <h3 className="mt-6 mb-2 text-lg font-semibold text-brand-800">Contenu (texte)</h3>
            {selected.textBody === null ? (
              <p className="text-muted">
                {selected.contentErased && !loaderData.demoMode
                  ? "Le contenu d’un courriel est effacé dès son envoi : il contenait peut-être des liens personnels à usage unique."
                  : "Le contenu des courriels n’est affiché qu’en mode démonstration : il contient des liens personnels à usage unique."}
              </p>
            ) : (
              <pre className="max-h-[32rem] overflow-auto rounded-md border border-slate-200 bg-slate-50 p-4 text-sm whitespace-pre-wrap break-words">
                {selected.textBody}
              </pre>
            )}
            <div className="mt-6 flex flex-wrap items-center gap-4">
              {selected.status === "DEAD" && loaderData.canRetry ? <RetryForm id={selected.id} subject={selected.subject ?? selected.template} /> : null}
              <Link to={listHref(filter)}>Fermer ce courriel</Link>
            </div>
          </Card>
        </div>
      ) : null}

      <section aria-labelledby="derniers-courriels">
        <h2 id="derniers-courriels" className="mb-4 text-xl font-semibold text-brand-800">
          Derniers courriels
        </h2>
        <StatusFilter value={filter.statut} statuses={STATUSES} labels={STATUS_LABELS} />
        {items.length === 0 ? (
          <p>Aucun courriel{filter.statut ? " avec ce statut" : ""}.</p>
        ) : (
          <DataTable
            caption={`Courriels, du plus récent au plus ancien — page ${filter.page}`}
            headers={["Date", "Destinataire", "Objet", "Modèle", "Statut", "Tentatives", "Dernière erreur", "Action"]}
            rows={items.map((m) => [
              <time key="date" dateTime={m.createdAt.iso} className="whitespace-nowrap">
                {m.createdAt.label}
              </time>,
              <span key="to" className="break-all">
                {m.toAddress ?? "—"}
              </span>,
              <Link key="subject" to={listHref(filter, { id: m.id })} aria-current={selected?.id === m.id ? "true" : undefined}>
                {m.subject ?? ERASED}
              </Link>,
              <code key="template">{m.template}</code>,
              STATUS_LABELS[m.status],
              m.attempts,
              m.lastError ?? "—",
              m.status === "DEAD" && loaderData.canRetry ? <RetryForm key="retry" id={m.id} subject={m.subject ?? m.template} /> : "—",
            ])}
          />
        )}
        {filter.page > 1 || loaderData.hasNextPage ? (
          <nav aria-label="Pagination des courriels" className="mt-4 flex gap-6">
            {filter.page > 1 ? <Link to={listHref({ ...filter, page: filter.page - 1 })}>Page précédente</Link> : null}
            {loaderData.hasNextPage ? <Link to={listHref({ ...filter, page: filter.page + 1 })}>Page suivante</Link> : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
