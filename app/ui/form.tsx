import { type FieldMetadata, getInputProps } from "@conform-to/react";
import type { ReactNode } from "react";
import { HONEYPOT_FIELD } from "~/platform/http/honeypot";

/*
 * Form building blocks. Every field has a visible label, an optional hint and its error message
 * tied to it by aria-describedby (RGAA 11.1, 11.10); invalid fields carry aria-invalid.
 */

type InputType = "text" | "email" | "password" | "date" | "tel" | "number" | "search";

export function TextField({
  meta,
  label,
  type = "text",
  hint,
  autoComplete,
  inputMode,
  required,
  className,
}: {
  meta: FieldMetadata<string | number | undefined | null>;
  label: string;
  type?: InputType;
  hint?: ReactNode;
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "text" | "email" | "tel";
  required?: boolean;
  className?: string;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  const { key, ...inputProps } = getInputProps(meta, { type, ariaAttributes: true, ariaDescribedBy: hintId });
  return (
    <div className={className ?? "mb-5"}>
      <label htmlFor={meta.id} className="block font-medium text-ink">
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <input
        key={key}
        {...inputProps}
        required={required}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        autoComplete={autoComplete}
        inputMode={inputMode}
        className="mt-2 block w-full max-w-md rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-danger aria-[invalid=true]:border-2"
      />
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-2 text-sm font-medium text-danger">
      <span aria-hidden="true">⚠ </span>
      {errors.join(" ")}
    </p>
  );
}

/** Form-level errors (not tied to one field): announced to screen readers. */
export function FormErrors({ id, errors }: { id: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className="mb-6 rounded-md border-l-4 border-danger bg-danger-bg p-4 text-danger">
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

/**
 * Honeypot for public forms: a field hidden from people (and from assistive technologies) that
 * bots fill in. The server rejects any submission where it is not empty.
 */

export function Honeypot() {
  return (
    <div className="hidden" aria-hidden="true">
      <label htmlFor={HONEYPOT_FIELD}>Ne pas remplir ce champ</label>
      <input id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
    </div>
  );
}

export function SubmitButton({ children, pending }: { children: ReactNode; pending?: boolean }) {
  return (
    <button
      type="submit"
      disabled={pending}
      className="inline-flex items-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white hover:bg-brand-800 disabled:opacity-70"
    >
      {children}
    </button>
  );
}
