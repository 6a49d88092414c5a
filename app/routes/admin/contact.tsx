import { Link } from "react-router";
import { z } from "zod";
import { listContactMessages } from "~/features/contact/contact-inbox.server";
import { CATEGORY_LABELS, CONTACT_STATUSES, STATUS_LABELS } from "~/features/contact/schemas";
import { requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { DataTable, PageHeader } from "~/ui/layout";
import { StatusFilter } from "~/ui/status-filter";
import type { Route } from "./+types/contact";
import { formatParisDateTimeShort } from "~/platform/time/paris";

export const meta = () => [{ title: "Messages reçus — Bascule" }];

const PAGE_SIZE = 25;

// Filters are forgiving: an unknown status shows every message, a wrong page the first one.
const querySchema = z.object({
  statut: z.enum(CONTACT_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "contact:read");
  const url = new URL(args.request.url);
  const { statut, page } = querySchema.parse({
    statut: url.searchParams.get("statut") ?? undefined,
    page: url.searchParams.get("page") ?? undefined,
  });
  const list = await listContactMessages(db(), { status: statut, page, pageSize: PAGE_SIZE });
  return {
    filter: { statut: statut ?? "", page },
    total: list.total,
    hasNextPage: list.hasNextPage,
    items: list.items.map((m) => ({
      ...m,
      createdAt: { iso: m.createdAt.toISOString(), label: formatParisDateTimeShort(m.createdAt) },
    })),
  };
}

function pageHref(statut: string, page: number): string {
  const params = new URLSearchParams();
  if (statut) params.set("statut", statut);
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `/admin/contact?${search}` : "/admin/contact";
}

export default function ContactInbox({ loaderData }: Route.ComponentProps) {
  const { filter, items, total, hasNextPage } = loaderData;
  return (
    <>
      <PageHeader
        title="Messages reçus"
        lead="Les messages envoyés par le formulaire de contact. Le contenu d’un message n’est affiché qu’en l’ouvrant, et chaque lecture est inscrite au journal d’audit."
      />
      <StatusFilter value={filter.statut} statuses={CONTACT_STATUSES} labels={STATUS_LABELS} />
      <p className="mb-4 text-sm text-muted" aria-live="polite">
        {total === 0 ? "Aucun message" : total === 1 ? "1 message" : `${total.toLocaleString("fr-FR")} messages`}
        {filter.statut ? ` au statut « ${STATUS_LABELS[filter.statut as keyof typeof STATUS_LABELS]} »` : ""}.
      </p>
      {items.length > 0 ? (
        <DataTable
          caption={`Messages, du plus récent au plus ancien — page ${filter.page}`}
          headers={["Référence", "Reçu le", "Sujet", "Expéditeur", "Statut"]}
          rows={items.map((m) => [
            <Link key="ref" to={`/admin/contact/${m.id}`} className="font-mono">
              {m.reference}
            </Link>,
            <time key="date" dateTime={m.createdAt.iso} className="whitespace-nowrap">
              {m.createdAt.label}
            </time>,
            CATEGORY_LABELS[m.category],
            m.fromMember ? "Adhérent connecté" : "Visiteur",
            STATUS_LABELS[m.status],
          ])}
        />
      ) : null}
      {filter.page > 1 || hasNextPage ? (
        <nav aria-label="Pages de messages" className="mt-4 flex gap-4">
          {filter.page > 1 ? <Link to={pageHref(filter.statut, filter.page - 1)}>Page précédente</Link> : null}
          {hasNextPage ? <Link to={pageHref(filter.statut, filter.page + 1)}>Page suivante</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
