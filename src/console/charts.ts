/**
 * Small SVG charts for the console: clean bars and lines, no library (a chart library
 * would outweigh the whole console for eight simple series). Each chart is a `<figure>`
 * with an `img` role and a summary for screen readers, plus a native `<details>` table view
 * with the exact numbers. Presentation attributes only: the console's CSP allows no
 * inline styles.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';

export interface Series {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  /** What each day's value averages over (CSAT responses): the summary's average weighs by it. */
  readonly weights?: readonly (number | null)[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly kind: 'bar' | 'line';
  readonly dates: readonly string[];
  readonly series: readonly Series[];
  /** Fixed y range (CSAT 1–5, quality 0–100); default 0..max. */
  readonly yMax?: number;
  readonly format?: (v: number) => string;
  /** Shown instead of the chart when the platform refused. */
  readonly error?: string | undefined;
}

const W = 640;
const H = 200;
const PAD = { l: 40, r: 10, t: 10, b: 26 };

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** The days' values averaged by their weights (Σ value × weight / Σ weight); null without weights. */
function average(s: Series): number | null {
  let sum = 0;
  let n = 0;
  s.values.forEach((v, i) => {
    const w = s.weights?.[i];
    if (v !== null && typeof w === 'number' && w > 0) {
      sum += v * w;
      n += w;
    }
  });
  return n > 0 ? sum / n : null;
}

function summary(spec: ChartSpec, f: (v: number) => string): string {
  const parts = spec.series.map((s) => {
    const nums = s.values.filter((v): v is number => v !== null);
    if (nums.length === 0) return `${s.label}: no data`;
    const total = nums.reduce((a, b) => a + b, 0);
    return spec.yMax !== undefined
      ? `${s.label}: average ${f(average(s) ?? total / nums.length)}, from ${f(Math.min(...nums))} to ${f(Math.max(...nums))}`
      : `${s.label}: ${f(total)} in total, at most ${f(Math.max(...nums))} a day`;
  });
  return `${spec.title}, ${spec.dates[0] ?? ''} to ${spec.dates.at(-1) ?? ''}. ${parts.join('; ')}.`;
}

export function renderChart(spec: ChartSpec): TemplateResult {
  const f = spec.format ?? fmt;
  if (spec.error)
    return html`<figure class="chart" id=${spec.id}>
      <figcaption><h3>${spec.title}</h3></figcaption>
      <p class="chart-error" role="alert">${spec.error}</p>
    </figure>`;
  const n = spec.dates.length;
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = spec.yMax ?? niceMax(Math.max(0, ...all));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (n <= 1 ? iw / 2 : (i * iw) / (spec.kind === 'bar' ? n : n - 1));
  const y = (v: number) => PAD.t + ih - (Math.min(v, max) / max) * ih;
  const band = iw / Math.max(1, n);
  const barW = Math.max(1, (band * 0.8) / spec.series.length);
  const ticks = [0, max / 2, max];
  const labelAt = n > 2 ? [0, Math.floor((n - 1) / 2), n - 1] : [...Array(n).keys()];
  const marks = spec.series.map((s, si) => {
    if (spec.kind === 'bar')
      return s.values.map((v, i) =>
        v === null || v === 0
          ? nothing
          : svg`<rect x=${x(i) + band * 0.1 + si * barW} y=${y(v)} width=${barW} height=${PAD.t + ih - y(v)} fill=${s.color} rx="1"><title>${spec.dates[i]}: ${s.label} ${f(v)}</title></rect>`,
      );
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return svg`<path d=${d || 'M0,0'} fill="none" stroke=${s.color} stroke-width="2" stroke-linejoin="round"></path>
      ${s.values.map((v, i) => (v === null ? nothing : svg`<circle cx=${x(i)} cy=${y(v)} r="2.5" fill=${s.color}><title>${spec.dates[i]}: ${s.label} ${f(v)}</title></circle>`))}`;
  });
  return html`<figure class="chart" id=${spec.id}>
    <figcaption>
      <h3>${spec.title}</h3>
      <ul class="legend">
        ${spec.series.map(
          (s) =>
            html`<li>
              <svg viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" fill=${s.color}></rect></svg>${s.label}
            </li>`,
        )}
      </ul>
    </figcaption>
    <svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label=${summary(spec, f)} preserveAspectRatio="none">
      ${ticks.map(
        (t) => svg`<line x1=${PAD.l} x2=${W - PAD.r} y1=${y(t)} y2=${y(t)} stroke="#d5d8e2" stroke-width="1"></line>
        <text x=${PAD.l - 6} y=${y(t) + 4} text-anchor="end" font-size="11" fill="#4a5068">${Number.isInteger(t) ? t : t.toFixed(1)}</text>`,
      )}
      ${labelAt.map((i) => {
        // Line charts put the first and last dates on the plot's edges: anchor them inside.
        const anchor = spec.kind === 'line' && n > 1 ? (i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle') : 'middle';
        return svg`<text x=${spec.kind === 'bar' ? x(i) + band / 2 : x(i)} y=${H - 8} text-anchor=${anchor} font-size="11" fill="#4a5068">${spec.dates[i]?.slice(5) ?? ''}</text>`;
      })}
      ${marks}
    </svg>
    <details class="table-view">
      <summary>Table: ${spec.title}</summary>
      <table>
        <caption class="visually-hidden">
          ${spec.title} by day
        </caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            ${spec.series.map((s) => html`<th scope="col">${s.label}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${spec.dates.map(
            (d, i) =>
              html`<tr>
                <th scope="row">${d}</th>
                ${spec.series.map((s) => html`<td>${s.values[i] === null || s.values[i] === undefined ? '—' : f(s.values[i])}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
