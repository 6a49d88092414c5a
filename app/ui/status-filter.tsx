import { Form } from "react-router";

/**
 * The "filter by status" form of back-office lists: a GET form, so the filtered list has its own
 * address (bookmark, back button) and works without JavaScript.
 */
export function StatusFilter<Status extends string>({
  value,
  statuses,
  labels,
}: {
  value: string;
  statuses: readonly Status[];
  labels: Record<Status, string>;
}) {
  return (
    <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="statut" className="block font-medium text-ink">
          Statut
        </label>
        <select
          id="statut"
          name="statut"
          defaultValue={value}
          className="mt-2 block rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink"
        >
          <option value="">Tous</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {labels[s]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
        Filtrer
      </button>
    </Form>
  );
}
