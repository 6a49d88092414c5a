import { Link } from "react-router";
import type { Progress } from "../steps";

/**
 * The steps of the subscription as an ordered list: the current one carries aria-current="step",
 * and the caption ("Étape 2 sur 6") says in words what the colours show.
 */
export function StepProgress({ progress }: { progress: Progress }) {
  const current = progress.items.find((i) => i.state === "current");
  return (
    <nav aria-label="Étapes de l’adhésion" className="mb-8">
      <p className="mb-3 font-semibold text-brand-800">
        {progress.caption}
        {current ? ` : ${current.label}` : null}
      </p>
      <ol className="grid gap-2 text-sm sm:grid-cols-3 lg:grid-cols-6">
        {progress.items.map((item) => {
          const tone =
            item.state === "current"
              ? "border-brand-700 bg-brand-700 text-white"
              : item.state === "done"
                ? "border-success bg-success-bg text-ink"
                : "border-slate-300 bg-white text-muted";
          const body = (
            <>
              <span className="block text-xs">Étape {item.number}</span>
              <span className="block font-medium">{item.label}</span>
              {item.state === "done" ? <span className="block text-xs">terminée</span> : null}
              {item.state === "upcoming" ? <span className="sr-only"> (à venir)</span> : null}
            </>
          );
          return (
            <li key={item.key} aria-current={item.state === "current" ? "step" : undefined} className={`rounded-md border-2 px-3 py-2 ${tone}`}>
              {item.linkable ? (
                <Link to={item.path} className="block text-inherit no-underline hover:underline">
                  {body}
                </Link>
              ) : (
                body
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
