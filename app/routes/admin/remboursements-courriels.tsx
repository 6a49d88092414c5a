import { data, Link } from "react-router";
import { z } from "zod";
import { inboundCounts, INBOUND_STATUS_LABELS, type InboundStatus, listInboundEmails, triageReasonLabel } from "~/features/claims/email/triage.server";
import { requirePermission } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { DataTable, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/remboursements-courriels";
import { formatParisDateTimeShort } from "~/platform/time/paris";

export const meta = () => [{ title: "Demandes reçues par e-mail — Bascule" }];

const PAGE_SIZE = 50;
const TABS = ["TRIAGE", "ATTACHED", "DISMISSED", "CLAIM_CREATED"] as const satisfies readonly InboundStatus[];
const TAB_SLUGS: Record<(typeof TABS)[number], string> = {
  TRIAGE: "a-trier",
  ATTACHED: "rattaches",
  DISMISSED: "classes",
  CLAIM_CREATED: "automatiques",
};
const TAB_LABELS: Record<(typeof TABS)[number], string> = {
  TRIAGE: "À trier",
  ATTACHED: "Rattachés",
  DISMISSED: "Classés sans suite",
  CLAIM_CREATED: "Traités automatiquement",
};

// Forgiving filters: an unknown value shows the queue.
const querySchema = z.object({
  vue: z.enum(Object.values(TAB_SLUGS) as [string, ...string[]]).catch("a-trier"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export async function loader(args: Route.LoaderArgs) {
  await requirePermission(args, "claims:process");
  const url = new URL(args.request.url);
  const query = querySchema.safeParse({ vue: url.searchParams.get("vue") ?? undefined, page: url.searchParams.get("page") ?? undefined });
  if (!query.success) throw data({ message: "Page introuvable." }, { status: 404 });
  const status = TABS.find((t) => TAB_SLUGS[t] === query.data.vue) ?? "TRIAGE";
  const [counts, list] = await Promise.all([inboundCounts(db()), listInboundEmails(db(), { status, page: query.data.page, pageSize: PAGE_SIZE })]);
  return {
    status,
    statusLabel: INBOUND_STATUS_LABELS[status],
    page: query.data.page,
    counts,
    hasNextPage: list.hasNextPage,
    items: list.items.map((m) => ({
      ...m,
      receivedAt: { iso: m.receivedAt.toISOString(), label: formatParisDateTimeShort(m.receivedAt) },
      reason: triageReasonLabel(m.triageReason),
    })),
  };
}

function href(status: (typeof TABS)[number], page = 1): string {
  const params = new URLSearchParams({ vue: TAB_SLUGS[status] });
  if (page > 1) params.set("page", String(page));
  return `/admin/remboursements/courriels?${params.toString()}`;
}

export default function InboundEmails({ loaderData }: Route.ComponentProps) {
  const { status, statusLabel, counts, items, page, hasNextPage } = loaderData;
  const nf = new Intl.NumberFormat("fr-FR");
  return (
    <>
      <PageHeader
        title="Demandes reçues par e-mail"
        lead="Les messages de la boîte remboursements qui n’ont pas pu être rattachés automatiquement à un adhérent : à rattacher, ou à classer sans suite."
      />
      <nav aria-label="Vues" className="mb-6">
        <ul className="flex flex-wrap gap-2">
          {TABS.map((t) => (
            <li key={t}>
              <Link
                to={href(t)}
                aria-current={t === status ? "page" : undefined}
                className={`block rounded-md border px-3 py-1.5 no-underline ${t === status ? "border-brand-700 bg-brand-700 font-semibold text-white hover:text-white" : "border-slate-300 text-brand-800 hover:bg-brand-50"}`}
              >
                {TAB_LABELS[t]} ({nf.format(counts[t])})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {items.length === 0 ? (
        <p role="status">{status === "TRIAGE" ? "Aucun message à trier." : "Aucun message dans cette vue."}</p>
      ) : (
        <DataTable
          caption={`${statusLabel} — page ${page}`}
          headers={status === "TRIAGE" ? ["Reçu le", "Expéditeur", "Objet", "Motif", "Pièces jointes"] : ["Reçu le", "Expéditeur", "Objet", "Motif initial", "Demande"]}
          rows={items.map((m) => [
            <time key="d" dateTime={m.receivedAt.iso}>
              {m.receivedAt.label}
            </time>,
            <span key="f" className="break-all">
              {m.fromAddress || "—"}
            </span>,
            <Link key="s" to={`/admin/remboursements/courriels/${m.id}`} className="break-words">
              {m.subject || "(sans objet)"}
            </Link>,
            m.reason,
            status === "TRIAGE" ? (
              nf.format(m.attachmentCount)
            ) : m.claimNumber ? (
              <Link key="c" to={`/admin/remboursements/${m.claimNumber}`}>
                {m.claimNumber}
              </Link>
            ) : (
              "—"
            ),
          ])}
        />
      )}
      <nav aria-label="Pagination" className="mt-6 flex gap-4">
        {page > 1 ? <Link to={href(status, page - 1)}>Page précédente</Link> : null}
        {hasNextPage ? <Link to={href(status, page + 1)}>Page suivante</Link> : null}
      </nav>
    </>
  );
}
