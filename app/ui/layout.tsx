import type { ReactNode } from "react";

export function PageHeader({ title, lead }: { title: string; lead?: ReactNode }) {
  return (
    <header className="mb-8">
      <h1 className="text-3xl font-bold tracking-tight text-brand-800">{title}</h1>
      {lead ? <p className="mt-3 max-w-2xl text-lg text-muted">{lead}</p> : null}
    </header>
  );
}

export function Alert({
  tone = "info",
  title,
  children,
  role,
}: {
  tone?: "info" | "success" | "warning" | "danger";
  title?: string;
  children: ReactNode;
  role?: "status" | "alert";
}) {
  const tones = {
    info: "border-brand-600 bg-brand-50 text-ink",
    success: "border-success bg-success-bg text-ink",
    warning: "border-warning bg-warning-bg text-ink",
    danger: "border-danger bg-danger-bg text-ink",
  } as const;
  return (
    <div role={role} className={`mb-6 rounded-md border-l-4 p-4 ${tones[tone]}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      <div className={title ? "mt-1" : undefined}>{children}</div>
    </div>
  );
}

export function Card({ title, children, headingLevel = 2 }: { title: string; children: ReactNode; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <H className="mb-4 text-xl font-semibold text-brand-800">{title}</H>
      {children}
    </section>
  );
}

/** Accessible data table: caption, column headers with scope. */
export function DataTable({
  caption,
  headers,
  rows,
  captionHidden,
}: {
  caption: string;
  headers: string[];
  rows: ReactNode[][];
  captionHidden?: boolean;
}) {
  return (
    // A table wider than the screen scrolls sideways: the region takes the keyboard focus so that
    // arrow keys can scroll it too (RGAA 7.3, WCAG 2.1.1), and is named after the table.
    <div className="overflow-x-auto" role="region" aria-label={caption} tabIndex={0}>
      <table className="w-full border-collapse text-left text-sm">
        <caption className={captionHidden ? "sr-only" : "mb-2 text-left font-semibold"}>{caption}</caption>
        <thead>
          <tr className="border-b-2 border-slate-300">
            {headers.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-semibold">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i} className="border-b border-slate-200 align-top">
              {cells.map((c, j) => (
                <td key={j} className="px-3 py-2">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
