import { Link } from "react-router";

export type DegradedServiceNotice = { label: string; stateLabel: string; message: string | null };

/** Site-wide notice, below the header, of the online services that are not fully open. */
export function DegradedServicesBanner({ services }: { services: readonly DegradedServiceNotice[] }) {
  if (services.length === 0) return null;
  return (
    <div role="region" aria-label="Services en ligne perturbés" className="border-b border-warning bg-warning-bg">
      <div className="mx-auto max-w-6xl px-4 py-3 text-ink">
        <p className="font-semibold">Certains services en ligne sont perturbés :</p>
        <ul className="mt-1 list-disc space-y-0.5 pl-6">
          {services.map((s) => (
            <li key={s.label}>
              {s.label} — {s.stateLabel.toLowerCase()}
              {s.message ? ` : ${s.message}` : null}
            </li>
          ))}
        </ul>
        <p className="mt-1">
          <Link to="/statut">Voir l’état de tous nos services et les autres moyens de nous joindre</Link>
        </p>
      </div>
    </div>
  );
}
