import { type FieldMetadata, getCollectionProps, getInputProps, getSelectProps, getTextareaProps } from "@conform-to/react";
import type { ReactNode } from "react";
import { FieldError } from "~/ui/form";

/*
 * Form controls beyond the text field of `~/ui/form`, shared by every form of the portal: long
 * texts, Paris date-times, selects and choice groups. Same rules: visible label, hint and error
 * tied to the control by aria-describedby, aria-invalid on invalid fields; a choice group is a
 * fieldset whose legend names it (RGAA 11.5, 11.6).
 */

const controlClass =
  "mt-2 block w-full max-w-2xl rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger";

function describedBy(...ids: (string | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

function Label({ htmlFor, label, required }: { htmlFor: string; label: string; required?: boolean }) {
  return (
    <label htmlFor={htmlFor} className="block font-medium text-ink">
      {label}
      {required ? <span aria-hidden="true"> *</span> : null}
    </label>
  );
}

export function TextAreaField<Schema>({
  meta,
  label,
  hint,
  required,
  rows = 3,
}: {
  meta: FieldMetadata<Schema>;
  label: string;
  hint?: ReactNode;
  required?: boolean;
  rows?: number;
}) {
  const hintId = hint ? `${meta.id}-aide` : undefined;
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  const { key, ...props } = getTextareaProps(meta, { ariaAttributes: true });
  return (
    <div className="mb-5">
      <Label htmlFor={meta.id} label={label} required={required} />
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <textarea key={key} {...props} rows={rows} required={required} aria-describedby={describedBy(hintId, errorId)} className={controlClass} />
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** A `datetime-local` input: the value is a Paris civil time, converted on the server. */
export function DateTimeField<Schema>({ meta, label, hint }: { meta: FieldMetadata<Schema>; label: string; hint?: ReactNode }) {
  const hintId = hint ? `${meta.id}-aide` : undefined;
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  const { key, ...props } = getInputProps(meta, { type: "datetime-local", ariaAttributes: true });
  return (
    <div className="mb-5">
      <Label htmlFor={meta.id} label={label} />
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <input key={key} {...props} aria-describedby={describedBy(hintId, errorId)} className={`${controlClass} max-w-xs`} />
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export type Choice = { value: string; label: ReactNode; description?: ReactNode; disabled?: boolean };

/**
 * Checkboxes (several answers) or radio buttons (one answer) in a fieldset. The hint and the
 * error describe the whole group.
 */
export function ChoiceGroup<Schema>({
  meta,
  type,
  legend,
  hint,
  choices,
  required,
  inline,
  onChange,
}: {
  meta: FieldMetadata<Schema>;
  type: "checkbox" | "radio";
  legend: string;
  hint?: ReactNode;
  choices: readonly Choice[];
  required?: boolean;
  /** Short answers (yes/no…) side by side rather than one per line. */
  inline?: boolean;
  /** Called with the value of the choice just selected (e.g. to show the fields it needs). */
  onChange?: (value: string) => void;
}) {
  const hintId = hint ? `${meta.id}-aide` : undefined;
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  const inputs = getCollectionProps(meta, { type, options: choices.map((c) => c.value) });
  return (
    <fieldset className="mb-5" aria-describedby={describedBy(hintId, errorId)}>
      <legend className="font-medium text-ink">
        {legend}
        {required ? <span aria-hidden="true"> *</span> : null}
      </legend>
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <FieldError id={meta.errorId} errors={meta.errors} />
      <ul className={inline ? "mt-3 flex flex-wrap gap-x-6 gap-y-2" : "mt-3 space-y-3"}>
        {choices.map((choice, i) => {
          // The group carries the description and the error; each input keeps its own label only.
          const { key, "aria-describedby": _groupDescription, "aria-invalid": _groupInvalid, ...props } = inputs[i]!;
          const descriptionId = choice.description ? `${props.id}-description` : undefined;
          return (
            <li key={key ?? choice.value} className="flex items-start gap-3">
              <input
                {...props}
                required={type === "radio" && required ? true : undefined}
                disabled={choice.disabled}
                aria-describedby={descriptionId}
                onChange={onChange ? () => onChange(choice.value) : undefined}
                className="mt-1 h-5 w-5 shrink-0 accent-brand-700"
              />
              <div>
                <label htmlFor={props.id} className="font-medium text-ink">
                  {choice.label}
                </label>
                {choice.description ? (
                  <p id={descriptionId} className="text-sm text-muted">
                    {choice.description}
                  </p>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** A select with its label, hint and error; `children` are its options. */
export function SelectField<Schema>({
  meta,
  label,
  hint,
  children,
  onChange,
}: {
  meta: FieldMetadata<Schema>;
  label: string;
  hint?: ReactNode;
  children: ReactNode;
  onChange?: (value: string) => void;
}) {
  const hintId = hint ? `${meta.id}-aide` : undefined;
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  const { key, ...props } = getSelectProps(meta, { ariaAttributes: true });
  return (
    <div className="mb-5">
      <Label htmlFor={meta.id} label={label} />
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <select
        key={key}
        {...props}
        aria-describedby={describedBy(hintId, errorId)}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        className={`${controlClass} max-w-md`}
      >
        {children}
      </select>
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}
