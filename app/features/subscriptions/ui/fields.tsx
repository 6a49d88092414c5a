import type { FieldMetadata } from "@conform-to/react";
import { type ReactNode, useEffect, useRef } from "react";
import { FieldError } from "~/ui/form";

/*
 * Form pieces the subscription needs beyond the shared controls (`~/ui/form`, `~/ui/form-controls`):
 * consent checkboxes with their error tied to them, and an error summary
 * that takes the focus after a refused submission so that keyboard and screen-reader users land
 * on what to fix.
 */

type Meta = FieldMetadata<string | undefined | null>;

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
