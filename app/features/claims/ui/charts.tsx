import { type ReactNode, useId } from "react";

/*
 * Small SVG charts without a chart library. Each one is an image with a title and a description
 * for assistive technologies (role="img", aria-labelledby) and is followed by the same data as a
 * table, so that nothing is conveyed by the drawing alone (RGAA 1.3, 4.x). Colours come from the
 * design tokens and keep a 3:1 contrast with the white background.
 */

export type BarDatum = { label: string; value: number };

const WIDTH = 640;

function niceMax(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

function DataTableOf({ caption, headers, rows }: { caption: string; headers: [string, string]; rows: [string, string][] }) {
  return (
    <table className="mt-3 w-full border-collapse text-left text-sm">
      <caption className="mb-1 text-left font-medium text-muted">{caption}</caption>
      <thead>
        <tr className="border-b-2 border-slate-300">
          <th scope="col" className="px-3 py-1 font-semibold">
            {headers[0]}
          </th>
          <th scope="col" className="px-3 py-1 text-right font-semibold">
            {headers[1]}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label} className="border-b border-slate-200">
            <th scope="row" className="px-3 py-1 font-normal">
              {label}
            </th>
            <td className="px-3 py-1 text-right tabular-nums">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Horizontal bars, one per category (backlog by reason, by channel). */
export function BarChart({
  title,
  description,
  data,
  valueHeader,
  format = (v) => v.toLocaleString("fr-FR"),
}: {
  title: string;
  description: string;
  data: BarDatum[];
  valueHeader: string;
  format?: (value: number) => string;
}) {
  const rowHeight = 28;
  const labelWidth = 260;
  const height = Math.max(1, data.length) * rowHeight + 8;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const barSpace = WIDTH - labelWidth - 60;
  return (
    <ChartFigure
      title={title}
      description={description}
      height={height}
      table={{
        headers: ["Catégorie", valueHeader],
        rows: data.map((d) => [d.label, format(d.value)]),
      }}
    >
      {data.map((d, i) => {
        const y = 4 + i * rowHeight;
        const w = (d.value / max) * barSpace;
        const label = d.label.length > 38 ? `${d.label.slice(0, 37)}…` : d.label;
        return (
          <g key={d.label}>
            <text x={labelWidth - 8} y={y + rowHeight / 2 + 4} textAnchor="end" fontSize="13" fill="#1b2429">
              {label}
            </text>
            <rect x={labelWidth} y={y + 4} width={Math.max(w, d.value > 0 ? 2 : 0)} height={rowHeight - 8} fill="#14606e" />
            <text x={labelWidth + w + 6} y={y + rowHeight / 2 + 4} fontSize="13" fill="#1b2429">
              {format(d.value)}
            </text>
          </g>
        );
      })}
    </ChartFigure>
  );
}

export type SeriesPoint = { label: string; value: number | null };

/**
 * Columns over time (e.g. weekly share paid within 48 h, 0–1) with an optional reference line
 * (the 93 % target). Missing values (no claim that week) are drawn as gaps and read "—".
 */
export function ColumnChart({
  title,
  description,
  data,
  valueHeader,
  max,
  reference,
  format,
}: {
  title: string;
  description: string;
  data: SeriesPoint[];
  valueHeader: string;
  /** Top of the scale; defaults to a rounded maximum of the data. */
  max?: number;
  reference?: { value: number; label: string };
  format: (value: number) => string;
}) {
  const height = 240;
  const top = 16;
  const bottom = 40;
  const left = 56;
  const plotHeight = height - top - bottom;
  const scaleMax = max ?? niceMax(Math.max(0, ...data.map((d) => d.value ?? 0), reference?.value ?? 0));
  const slot = (WIDTH - left - 8) / Math.max(1, data.length);
  const yOf = (v: number) => top + plotHeight - (Math.min(v, scaleMax) / scaleMax) * plotHeight;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * scaleMax);
  return (
    <ChartFigure
      title={title}
      description={description}
      height={height}
      table={{
        headers: ["Période", valueHeader],
        rows: data.map((d) => [d.label, d.value === null ? "—" : format(d.value)]),
      }}
    >
      {ticks.map((t) => (
        <g key={t}>
          <line x1={left} x2={WIDTH - 8} y1={yOf(t)} y2={yOf(t)} stroke="#cbd5e1" strokeWidth="1" />
          <text x={left - 6} y={yOf(t) + 4} textAnchor="end" fontSize="11" fill="#4a5a63">
            {format(t)}
          </text>
        </g>
      ))}
      {data.map((d, i) => {
        const x = left + i * slot;
        return (
          <g key={d.label}>
            {d.value === null ? null : (
              <rect x={x + slot * 0.2} y={yOf(d.value)} width={slot * 0.6} height={top + plotHeight - yOf(d.value)} fill="#14606e" />
            )}
            {i % Math.ceil(data.length / 12) === 0 ? (
              <text x={x + slot / 2} y={height - bottom + 16} textAnchor="middle" fontSize="11" fill="#4a5a63">
                {d.label}
              </text>
            ) : null}
          </g>
        );
      })}
      {reference ? (
        <g>
          <line x1={left} x2={WIDTH - 8} y1={yOf(reference.value)} y2={yOf(reference.value)} stroke="#b42318" strokeWidth="2" strokeDasharray="6 4" />
          <text x={WIDTH - 10} y={yOf(reference.value) - 6} textAnchor="end" fontSize="12" fill="#b42318">
            {reference.label}
          </text>
        </g>
      ) : null}
    </ChartFigure>
  );
}

/**
 * What makes a chart accessible, once: the SVG is one labelled image (its title and description
 * read by screen readers), and the same figures follow in a data table.
 */
function ChartFigure({
  title,
  description,
  height,
  table,
  children,
}: {
  title: string;
  description: string;
  height: number;
  table: { headers: [string, string]; rows: [string, string][] };
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="m-0">
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        className="h-auto w-full max-w-3xl"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {children}
      </svg>
      <figcaption className="sr-only">{title}</figcaption>
      <DataTableOf caption={`Données : ${title}`} headers={table.headers} rows={table.rows} />
    </figure>
  );
}
