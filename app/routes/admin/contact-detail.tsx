import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { changeContactStatus, readContactMessage } from "~/features/contact/contact-inbox.server";
import { CATEGORY_LABELS, changeStatusSchema, CONTACT_STATUSES, STATUS_LABELS } from "~/features/contact/schemas";
import { auditActorOf, ipHashOf, requirePermission } from "~/platform/auth/guards.server";
import { can } from "~/platform/auth/permissions";
import { db } from "~/platform/db/client.server";
import { readForm } from "~/platform/http/form.server";
import { Alert, Card, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/contact-detail";
import { formatParisDateTime } from "~/platform/time/paris";

export const meta = ({ data: loaderData }: Route.MetaArgs) => [
  { title: loaderData ? `Message ${loaderData.message.reference} — Bascule` : "Message — Bascule" },
];

const when = (d: Date) => ({ iso: d.toISOString(), label: formatParisDateTime(d) });

function messageId(params: { id?: string }): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw data({ message: "Ce message est introuvable." }, { status: 404 });
  return parsed.data;
}

export async function loader(args: Route.LoaderArgs) {
  const { user } = await requirePermission(args, "contact:read");
  const id = messageId(args.params);
  const message = await readContactMessage(db(), id, {
    actor: auditActorOf(user),
    ipHash: ipHashOf(args.context),
  });
  if (!message) throw data({ message: "Ce message est introuvable." }, { status: 404 });
  const url = new URL(args.request.url);
  return {
    canHandle: can(user.role, "contact:handle"),
    changed: url.searchParams.has("statut-modifie"),
    message: {
      ...message,
      createdAt: when(message.createdAt),
      statusChangedAt: message.statusChangedAt ? when(message.statusChangedAt) : null,
      history: message.history.map((h) => ({ ...h, at: when(h.at) })),
    },
  };
}

export async function action(args: Route.ActionArgs) {
  const { user } = await requirePermission(args, "contact:handle");
  const id = messageId(args.params);
  const form = await readForm(args.request, 4 * 1024);
  const parsed = changeStatusSchema.safeParse({ status: form.get("status") });
  if (!parsed.success) return data({ error: "Choisissez un des statuts proposés." }, { status: 400 });
  const outcome = await changeContactStatus(db(), {
    id,
    to: parsed.data.status,
    actor: auditActorOf(user),
    ipHash: ipHashOf(args.context),
  });
  if (outcome === "not-found") throw data({ message: "Ce message est introuvable." }, { status: 404 });
  if (outcome === "unchanged") return data({ error: "Le message a déjà ce statut." }, { status: 409 });
  return redirect(`/admin/contact/${id}?statut-modifie=1`);
}

export default function ContactDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { message, canHandle } = loaderData;
  const navigation = useNavigation();
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/contact">← Retour aux messages reçus</Link>
      </p>
      <PageHeader title={`Message ${message.reference}`} lead={`Sujet : ${CATEGORY_LABELS[message.category]}`} />
      {loaderData.changed ? (
        <Alert tone="success" role="status">
          Le statut du message est maintenant « {STATUS_LABELS[message.status]} ».
        </Alert>
      ) : null}
      {actionData?.error ? (
        <Alert tone="danger" role="alert">
          {actionData.error}
        </Alert>
      ) : null}
      <div className="grid gap-6">
        <Card title="Expéditeur">
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium">Reçu le</dt>
            <dd>
              <time dateTime={message.createdAt.iso}>{message.createdAt.label}</time>
            </dd>
            <dt className="font-medium">Adresse e-mail</dt>
            <dd className="break-all">{message.email ?? "Illisible (clé de chiffrement retirée)"}</dd>
            <dt className="font-medium">Numéro d’adhérent indiqué</dt>
            <dd>{message.memberNumber ?? "Aucun"}</dd>
            <dt className="font-medium">Envoyé depuis</dt>
            <dd className="break-all">
              {message.sender
                ? `L’espace adhérent de ${message.sender.displayName} (${message.sender.email})`
                : "Le site public, sans connexion : l’adresse et le numéro d’adhérent n’ont pas été vérifiés."}
            </dd>
            <dt className="font-medium">Statut</dt>
            <dd>{STATUS_LABELS[message.status]}</dd>
          </dl>
        </Card>
        <Card title="Message">
          {message.message === null ? (
            <p>Ce message est illisible : la clé de chiffrement qui le protège n’est plus disponible.</p>
          ) : (
            <pre className="max-h-[40rem] overflow-auto rounded-md border border-slate-200 bg-slate-50 p-4 font-sans text-base whitespace-pre-wrap break-words">
              {message.message}
            </pre>
          )}
          <p className="mt-3 text-sm text-muted">
            Texte saisi par l’expéditeur, affiché tel quel. Ne suivez pas un lien qu’il contiendrait et ne répondez qu’à l’adresse
            ci-dessus.
          </p>
        </Card>
        {canHandle ? (
          <Card title="Changer le statut">
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <div>
                <label htmlFor="status" className="block font-medium text-ink">
                  Nouveau statut
                </label>
                <select
                  id="status"
                  name="status"
                  defaultValue={message.status}
                  className="mt-2 block rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink"
                >
                  {CONTACT_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="submit"
                disabled={navigation.state === "submitting"}
                className="rounded-md bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800 disabled:opacity-70"
              >
                Enregistrer le statut
              </button>
            </Form>
          </Card>
        ) : null}
        <Card title="Historique">
          {message.history.length === 0 ? (
            <p>Aucun changement de statut depuis la réception.</p>
          ) : (
            <ol className="list-decimal space-y-1 pl-6">
              {message.history.map((h) => (
                <li key={h.at.iso}>
                  <time dateTime={h.at.iso}>{h.at.label}</time> : {STATUS_LABELS[h.fromStatus]} → {STATUS_LABELS[h.toStatus]}, par{" "}
                  <span className="break-all">{h.actorLabel}</span>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </>
  );
}
