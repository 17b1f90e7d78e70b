/**
 * A timeseries chart drawn as SVG (then rasterised to PNG by resvg): title, value grid with
 * round ticks, UTC time axis, one line per series, a short legend, "No data" when empty.
 */
export interface ChartSeries {
  name: string;
  /** [ms, value | null]; nulls break the line. */
  points: ReadonlyArray<readonly [number, number | null]>;
}

export interface ChartSpec {
  title: string;
  /** ms since the epoch. */
  from: number;
  to: number;
  width: number;
  height: number;
  series: readonly ChartSeries[];
  /** Optional dashed horizontal line (a monitor threshold). */
  marker?: { value: number; label: string };
}

const PALETTE = ['#632ca6', '#3c8ad8', '#e05a2d', '#2ca66f', '#c9a100', '#d33682', '#6c7a89', '#17a2b8'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? max) < max) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toPrecision(12)));
  return ticks;
}

function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(2)}K`;
  return `${+v.toFixed(a < 1 ? 3 : 2)}`;
}

function formatTime(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 2 * 86_400_000 ? iso.slice(5, 10) : iso.slice(11, 16);
}

/** The SVG document of a chart. */
export function renderChartSvg(spec: ChartSpec): string {
  const { width, height } = spec;
  const left = 64;
  const right = width - 16;
  const top = 40;
  const legendRows = Math.min(spec.series.length, 4);
  const bottom = height - 28 - legendRows * 16;
  const values = spec.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null));
  if (spec.marker) values.push(spec.marker.value);
  const ticks = values.length ? niceTicks(Math.min(...values), Math.max(...values)) : [0, 1];
  const lo = ticks[0] as number;
  const hi = ticks.at(-1) as number;
  const x = (ms: number) => left + ((ms - spec.from) / Math.max(1, spec.to - spec.from)) * (right - left);
  const y = (v: number) => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="15" font-weight="bold" fill="#1c2b34">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of ticks) {
    out.push(
      `<line x1="${left}" x2="${right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e6e6e6"/>`,
      `<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555">${formatValue(t)}</text>`,
    );
  }
  const span = spec.to - spec.from;
  for (let i = 0; i <= 6; i++) {
    const ms = spec.from + (span * i) / 6;
    out.push(
      `<text x="${x(ms).toFixed(1)}" y="${bottom + 16}" font-size="11" text-anchor="middle" fill="#555">${formatTime(ms, span)}</text>`,
    );
  }
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#999"/>`);
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    let d = '';
    let pen = false;
    for (const [ms, v] of s.points) {
      if (v === null || ms < spec.from || ms > spec.to) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(ms).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    if (d)
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"/>`);
    if (i < legendRows) {
      const ly = height - 10 - (legendRows - 1 - i) * 16;
      const label =
        i === legendRows - 1 && spec.series.length > legendRows
          ? `${s.name} (+${spec.series.length - legendRows} more)`
          : s.name;
      out.push(
        `<rect x="${left}" y="${ly - 9}" width="10" height="10" fill="${color}"/>`,
        `<text x="${left + 16}" y="${ly}" font-size="11" fill="#333">${escapeXml(label)}</text>`,
      );
    }
  });
  if (spec.marker) {
    const my = y(spec.marker.value).toFixed(1);
    out.push(
      `<line x1="${left}" x2="${right}" y1="${my}" y2="${my}" stroke="#d9534f" stroke-dasharray="6 4"/>`,
      `<text x="${right}" y="${Number(my) - 4}" font-size="11" text-anchor="end" fill="#d9534f">${escapeXml(spec.marker.label)}</text>`,
    );
  }
  if (values.length === 0) {
    out.push(
      `<text x="${(left + right) / 2}" y="${(top + bottom) / 2}" font-size="16" text-anchor="middle" fill="#888">No data</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
