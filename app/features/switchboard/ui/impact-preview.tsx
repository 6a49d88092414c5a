import { useEffect, useRef } from "react";
import { Form, Link, useNavigation } from "react-router";
import { Alert, DataTable } from "~/ui/layout";
import { StateBadge } from "./state-badge";
import type { ImpactPreviewView } from "./view-types";

/**
 * Step 2 of a change: what will happen (services that change, dependents that close with them,
 * services already in the asked state), then a confirmation button that posts the same values
 * with `intent=apply`. Focus moves to the heading so that keyboard and screen reader users land
 * on the preview.
 */
export function ImpactPreview({
  title,
  preview,
  summary,
  hidden,
  confirmLabel,
  error,
}: {
  title: string;
  preview: ImpactPreviewView;
  summary: { label: string; value: string }[];
  hidden: readonly (readonly [string, string])[];
  confirmLabel: string;
  error: string | null;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const navigation = useNavigation();
  const applying = navigation.state !== "idle" && navigation.formData?.get("intent") === "apply";
  useEffect(() => {
    heading.current?.focus();
  }, [preview]);

  const refused = preview.changes.filter((c) => c.refusal !== null);
  return (
    <section aria-labelledby="apercu-titre" className="mb-8 rounded-lg border-2 border-brand-700 bg-white p-6 shadow-sm">
      <h2 id="apercu-titre" ref={heading} tabIndex={-1} className="mb-4 text-xl font-semibold text-brand-800">
        {title}
      </h2>
      {error ? (
        <Alert tone="danger" role="alert" title="Le changement n’a pas été appliqué">
          {error}
        </Alert>
      ) : null}
      {preview.changes.length === 0 ? (
        <p className="mb-4">Aucun service ne change d’état : tous sont déjà dans l’état demandé.</p>
      ) : (
        <DataTable
          caption="Services qui changeront d’état"
          headers={["Service", "État actuel", "Nouvel état", "Pourquoi"]}
          rows={preview.changes.map((c) => [
            <span key="label" className="font-medium">
              {c.label}
            </span>,
            <StateBadge key="from" state={c.from} />,
            <StateBadge key="to" state={c.to} />,
            c.refusal ? (
              <span key="why" className="font-medium text-danger">
                Refusé : {c.refusal}
              </span>
            ) : c.asDependentOf.length > 0 ? (
              `Fermé avec ${c.asDependentOf.map((l) => `« ${l} »`).join(", ")}, dont il dépend`
            ) : (
              "Demandé"
            ),
          ])}
        />
      )}
      {preview.skipped.length > 0 ? (
        <div className="mt-4">
          <p className="font-medium">Déjà dans l’état demandé, laissés tels quels :</p>
          <ul className="mt-1 list-disc pl-6">
            {preview.skipped.map((s) => (
              <li key={s.key}>
                {s.label} (<StateBadge state={s.state} />)
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl className="mt-6 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        {summary.map((s) => (
          <div key={s.label} className="contents">
            <dt className="font-medium">{s.label}</dt>
            <dd className="whitespace-pre-line break-words">{s.value}</dd>
          </div>
        ))}
      </dl>
      {refused.length > 0 ? (
        <Alert tone="warning" title="Ce changement ne peut pas être appliqué tel quel">
          Modifiez la sélection ci-dessous : le changement est appliqué en entier ou pas du tout.
        </Alert>
      ) : null}
      <div className="mt-6 flex flex-wrap items-center gap-6">
        {preview.applicable ? (
          <Form method="post">
            {hidden.map(([name, value], i) => (
              <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
            ))}
            <input type="hidden" name="intent" value="apply" />
            <button
              type="submit"
              disabled={applying}
              className="inline-flex items-center rounded-md bg-danger px-5 py-2.5 font-semibold text-white hover:bg-red-800 disabled:opacity-70"
            >
              {applying ? "Application en cours…" : confirmLabel}
            </button>
          </Form>
        ) : null}
        <Link to="/admin/services">Annuler</Link>
      </div>
    </section>
  );
}
