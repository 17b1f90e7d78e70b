// Charts for the console: the query route, and uPlot drawing of /api/v1/query answers
// (lines, areas, bars, anomaly bands, markers). Shared by dashboards, the explorer and monitors.
import uPlot from './uPlot.esm.js';

export const PALETTE = [
  '#632ca6',
  '#3d8ee0',
  '#f0a100',
  '#3ea36b',
  '#e0457b',
  '#00a3a3',
  '#8a5cd6',
  '#c76b00',
];

const MARKER_COLORS = { error: '#d6334a', warning: '#e89a00', ok: '#2f9e5b', info: '#3d8ee0' };

/** '5m' | '1h' | '4h' | '1d' | '1w' (or any <n><m|h|d|w>) -> seconds. */
export function spanSeconds(span) {
  const m = /^(\d+)\s*(m|h|d|w)/.exec(span ?? '');
  if (!m) return 3600;
  return Number(m[1]) * { m: 60, h: 3600, d: 86400, w: 604800 }[m[2]];
}

/** The sandbox clock's now, in UNIX seconds (tests drive it; demos may speed it up). */
export async function sandboxNow() {
  const r = await fetch('/sandbox/console/now');
  const body = await r.json();
  return Math.floor(body.now / 1000);
}

/** Runs a query through the console's same-origin route; throws an Error with `.position` on 400. */
export async function runQuery(query, from, to) {
  const params = new URLSearchParams({ query, from: String(from), to: String(to) });
  const r = await fetch(`/sandbox/console/query?${params}`);
  const body = await r.json();
  if (!r.ok) {
    const error = new Error((body.errors ?? [`HTTP ${r.status}`]).join('; '));
    error.position = body.position;
    throw error;
  }
  return body;
}

/** Readable numbers: 1234567 -> 1.23M. */
export function formatValue(v, precision = 2) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  for (const [size, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ]) {
    if (abs >= size) return `${(v / size).toFixed(precision > 2 ? 2 : Math.max(precision, 1))}${suffix}`;
  }
  return v.toFixed(abs !== 0 && abs < 1 ? Math.max(precision, 3) : precision);
}

/** `y = 500`, `y > 800`, `0 < y < 10` -> the numbers to draw lines at. */
function markerValues(text) {
  return [...String(text).matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
}

function markerColor(displayType) {
  const kind = String(displayType).split(' ')[0];
  return MARKER_COLORS[kind] ?? '#888';
}

function alpha(hex, a) {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/**
 * Draws series into `el` (replacing what was there). `series`: [{ label, points: [[ms, v]], display:
 * 'line'|'area'|'bars', bounds?: {upper, lower} }]; markers: [{ value, display_type, label }].
 */
export function drawChart(el, { series, markers = [], from, to, legend = true, height = 200 }) {
  el.replaceChildren();
  el.dataset.points = '0';
  if (series.length === 0 || series.every((s) => s.points.length === 0)) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'No data in this time frame.';
    el.append(p);
    return undefined;
  }
  const xs = new Set();
  for (const s of series) {
    for (const [ms] of s.points) xs.add(ms / 1000);
  }
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const column = (points) => {
    const out = new Array(x.length).fill(null);
    for (const [ms, v] of points) out[index.get(ms / 1000)] = v;
    return out;
  };
  const data = [x];
  const opts = [{}];
  const bands = [];
  // Several bar series stack, as Datadog draws grouped bars: each is drawn up to the running
  // total, tallest first so the lower ones paint over it; the legend shows its own value.
  const bars = series.filter((s) => s.display === 'bars' && !s.bounds);
  const stacked = new Map();
  if (bars.length > 1) {
    const total = new Array(x.length).fill(0);
    for (const s of bars) {
      const own = column(s.points);
      const top = own.map((v, k) => {
        if (v === null) return null;
        total[k] += v;
        return total[k];
      });
      stacked.set(s, { own, top });
    }
  }
  const ordered = [...series.filter((s) => !stacked.has(s)), ...bars.filter((s) => stacked.has(s)).reverse()];
  ordered.forEach((s) => {
    const i = series.indexOf(s);
    const color = PALETTE[i % PALETTE.length];
    const stack = stacked.get(s);
    const values = stack ? stack.top : column(s.points);
    if (s.bounds) {
      const upper = column(s.bounds.upper);
      const lower = column(s.bounds.lower);
      data.push(upper, lower);
      const bandStyle = { stroke: alpha('#632ca6', 0.35), width: 1, points: { show: false } };
      opts.push({ label: `${s.label} upper`, ...bandStyle }, { label: `${s.label} lower`, ...bandStyle });
      bands.push({ series: [data.length - 2, data.length - 1], fill: alpha('#632ca6', 0.13) });
      // Points outside the band: drawn red, as Datadog colours anomalous points.
      const outside = values.map((v, k) =>
        v !== null && upper[k] !== null && lower[k] !== null && (v > upper[k] || v < lower[k]) ? v : null,
      );
      data.push(values, outside);
      opts.push(
        { label: s.label, stroke: color, width: 1.5, points: { show: false } },
        {
          label: 'anomalous',
          stroke: '#d6334a',
          width: 0,
          paths: () => null,
          points: { show: true, size: 5, fill: '#d6334a' },
        },
      );
      return;
    }
    data.push(values);
    const o = {
      label: s.label,
      stroke: color,
      width: 1.5,
      spanGaps: false,
      points: { show: s.points.length < 3 },
    };
    if (s.display === 'area') o.fill = alpha(color, 0.25);
    if (stack)
      o.value = (_u, _v, _si, k) => (k === null || stack.own[k] === null ? '--' : formatValue(stack.own[k]));
    if (s.display === 'bars') {
      o.paths = uPlot.paths.bars({ size: [0.7, 60], align: 0 });
      o.fill = alpha(color, 0.75);
      o.points = { show: false };
    }
    opts.push(o);
  });
  // What was drawn, for people inspecting the page and for the browser tests.
  el.dataset.series = String(series.length);
  el.dataset.points = String(series.reduce((n, s) => n + s.points.filter(([, v]) => v !== null).length, 0));
  const lines = markers.flatMap((m) => markerValues(m.value).map((v) => ({ v, m })));
  const width = Math.max(280, Math.floor(el.clientWidth || el.parentElement?.clientWidth || 600));
  const plot = new uPlot(
    {
      width,
      height,
      series: opts,
      bands,
      legend: { show: legend },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => [from, to] },
        y: {
          range: (_u, min, max) => {
            let lo = Math.min(min ?? 0, ...lines.map((l) => l.v), 0);
            let hi = Math.max(max ?? 1, ...lines.map((l) => l.v));
            if (hi === lo) hi = lo + 1;
            const pad = (hi - lo) * 0.08;
            if (lo < 0) lo -= pad;
            return [lo, hi + pad];
          },
        },
      },
      axes: [
        { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' } },
        {
          stroke: '#555',
          grid: { stroke: '#eee' },
          ticks: { stroke: '#ddd' },
          size: 56,
          values: (_u, vals) => vals.map((v) => formatValue(v, 1)),
        },
      ],
      hooks: {
        draw: [
          (u) => {
            const c = u.ctx;
            for (const { v, m } of lines) {
              const y = Math.round(u.valToPos(v, 'y', true));
              c.save();
              c.strokeStyle = markerColor(m.display_type);
              c.fillStyle = c.strokeStyle;
              c.lineWidth = 1.5 * devicePixelRatio;
              if (String(m.display_type).includes('dashed'))
                c.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
              c.beginPath();
              c.moveTo(u.bbox.left, y);
              c.lineTo(u.bbox.left + u.bbox.width, y);
              c.stroke();
              c.font = `${11 * devicePixelRatio}px sans-serif`;
              c.textAlign = 'right';
              c.fillText(m.label || m.value, u.bbox.left + u.bbox.width - 4, y - 4 * devicePixelRatio);
              c.restore();
            }
          },
        ],
      },
    },
    data,
    el,
  );
  return plot;
}

/**
 * A query answer's series as drawChart's input, labelled as Datadog does: by group when the
 * query groups (`resource_name:GET /`), else by metric; `several` adds the aggregation
 * (p50 / p95) when a widget draws more than one request.
 */
export function seriesOf(response, display = 'line', several = false) {
  return (response.series ?? []).map((s) => {
    const group = (s.tag_set ?? []).join(', ');
    const name = s.metric || s.expression;
    const label = group ? (several && s.aggr ? `${s.aggr} · ${group}` : group) : name;
    return { label, points: s.pointlist, display, bounds: s.anomaly_bounds };
  });
}

/** One number from every point of every series: avg, sum, min, max or last. */
export function aggregate(response, aggregator) {
  const values = [];
  let last = null;
  let lastAt = -Infinity;
  for (const s of response.series ?? []) {
    for (const [ms, v] of s.pointlist) {
      if (v === null) continue;
      values.push(v);
      if (ms >= lastAt) {
        lastAt = ms;
        last = v;
      }
    }
  }
  if (values.length === 0) return null;
  switch (aggregator) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'last':
      return last;
    default:
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}
