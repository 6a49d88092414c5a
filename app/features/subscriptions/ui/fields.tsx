import type { FieldMetadata } from "@conform-to/react";
import { type ReactNode, useEffect, useRef } from "react";
import { FieldError } from "~/ui/form";

/*
 * Form pieces the subscription needs beyond a text field: radio groups and checkboxes in a
 * fieldset with a legend (RGAA 11.5, 11.6), their error tied to the group, and an error summary
 * that takes the focus after a refused submission so that keyboard and screen-reader users land
 * on what to fix.
 */

type Meta = FieldMetadata<string | undefined | null>;

export function RadioGroup({
  meta,
  legend,
  options,
  hint,
}: {
  meta: Meta;
  legend: string;
  options: readonly { value: string; label: ReactNode }[];
  hint?: ReactNode;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset className="mb-5" aria-describedby={describedBy} aria-invalid={errorId ? true : undefined}>
      <legend className="font-medium text-ink">{legend}</legend>
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <div className="mt-2 space-y-2">
        {options.map((o) => {
          const id = `${meta.id}-${o.value.replace(/[^A-Za-z0-9_-]/g, "_")}`;
          return (
            <div key={o.value} className="flex items-start gap-2">
              <input
                id={id}
                type="radio"
                name={meta.name}
                value={o.value}
                defaultChecked={meta.initialValue === o.value}
                className="mt-1 h-5 w-5 accent-brand-700"
              />
              <label htmlFor={id}>{o.label}</label>
            </div>
          );
        })}
      </div>
      <FieldError id={meta.errorId} errors={meta.errors} />
    </fieldset>
  );
}

export function Checkbox({ meta, label }: { meta: Meta; label: ReactNode }) {
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  return (
    <div className="mb-4">
      <div className="flex items-start gap-2">
        <input
          id={meta.id}
          type="checkbox"
          name={meta.name}
          value="on"
          defaultChecked={meta.initialValue === "on"}
          aria-invalid={errorId ? true : undefined}
          aria-describedby={errorId}
          className="mt-1 h-5 w-5 shrink-0 accent-brand-700"
        />
        <label htmlFor={meta.id} className="font-medium">
          {label}
        </label>
      </div>
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** Every message of a refused submission, in one place, focused when it appears. */
export function ErrorSummary({ errors }: { errors: Record<string, string[]> | undefined }) {
  const ref = useRef<HTMLDivElement>(null);
  const messages = [...new Set(Object.values(errors ?? {}).flat())];
  const signature = messages.join("|");
  useEffect(() => {
    if (signature) ref.current?.focus();
  }, [signature]);
  if (messages.length === 0) return null;
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="mb-6 rounded-md border-l-4 border-danger bg-danger-bg p-4 text-danger">
      <p className="font-semibold">
        {messages.length === 1 ? "Une information est à corriger :" : `${messages.length} informations sont à corriger :`}
      </p>
      <ul className="mt-2 list-disc pl-5">
        {messages.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}

export function StepActions({ back, submitLabel, pending }: { back?: string; submitLabel: string; pending: boolean }) {
  return (
    <div className="mt-8 flex flex-wrap items-center gap-4">
      <button
        type="submit"
        disabled={pending}
        className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:opacity-70"
      >
        {submitLabel}
      </button>
      {back ? (
        <a href={back} className="font-medium">
          Revenir à l’étape précédente
        </a>
      ) : null}
    </div>
  );
}
