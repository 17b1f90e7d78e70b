/**
 * Functions over one rolled-up series (a bucket array with NaN for "no point"), pure and
 * bucket-by-bucket. `lookback` says how many buckets of history (and lookahead) each needs so the
 * evaluator can fetch them before trimming to the requested range.
 */
import { quantileSorted } from './aggregate.ts';
import type { Grid } from './rollup.ts';

export interface SeriesValues {
  readonly values: Float64Array;
  /** True when values are per-second rates (rate metrics, `.as_rate()`); per_* scale them. */
  readonly isRate: boolean;
}

const TIME_SHIFTS: Readonly<Record<string, number>> = {
  hour_before: -3600,
  day_before: -86_400,
  week_before: -604_800,
};

/** The shift of timeshift-like functions, in seconds (negative looks into the past). */
export function shiftOf(name: string, arg: number | undefined): number | undefined {
  if (name === 'timeshift') return arg;
  return TIME_SHIFTS[name];
}

/** Buckets of history (before) and future (after) a one-series function needs. */
export function lookback(
  name: string,
  interval: number,
  seconds?: number,
): { before: number; after: number } {
  const m = /^(ewma|median)_(\d+)$/.exec(name);
  if (m) {
    const n = Number(m[2]);
    return m[1] === 'ewma' ? { before: 3 * n, after: 0 } : { before: (n - 1) / 2, after: (n - 1) / 2 };
  }
  if (name === 'diff' || name === 'derivative') return { before: 1, after: 0 };
  if (name === 'moving_rollup')
    return { before: Math.max(0, Math.ceil((seconds ?? 0) / interval) - 1), after: 0 };
  return { before: 0, after: 0 };
}

function map(values: Float64Array, f: (v: number) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}

/** Applies a one-series function (`abs`, `diff`, `ewma_5`, `moving_rollup`, …). */
export function applySeriesFunction(
  name: string,
  s: SeriesValues,
  grid: Grid,
  args: { seconds?: number; method?: string } = {},
): SeriesValues {
  const v = s.values;
  const I = grid.interval;
  switch (name) {
    case 'abs':
      return { values: map(v, Math.abs), isRate: s.isRate };
    case 'log2':
      return { values: map(v, (x) => (x > 0 ? Math.log2(x) : Number.NaN)), isRate: false };
    case 'log10':
      return { values: map(v, (x) => (x > 0 ? Math.log10(x) : Number.NaN)), isRate: false };
    case 'cumsum':
      return { values: running(v, (acc, x) => acc + x), isRate: false };
    case 'integral':
      return { values: integral(v, I), isRate: false };
    case 'diff':
      return { values: pairwise(v, (x, prev) => x - prev), isRate: s.isRate };
    case 'derivative':
      return { values: pairwise(v, (x, prev, gap) => (x - prev) / (gap * I)), isRate: true };
    case 'per_second':
    case 'per_minute':
    case 'per_hour': {
      const unit = name === 'per_second' ? 1 : name === 'per_minute' ? 60 : 3600;
      // A per-second rate only needs its unit; a count per bucket is divided by the bucket first.
      const factor = s.isRate ? unit : unit / I;
      return { values: map(v, (x) => x * factor), isRate: true };
    }
    case 'moving_rollup':
      return {
        values: movingRollup(v, Math.max(1, Math.ceil((args.seconds ?? I) / I)), args.method ?? 'avg'),
        isRate: s.isRate,
      };
    default: {
      const m = /^(ewma|median)_(\d+)$/.exec(name);
      if (m?.[1] === 'ewma') return { values: ewma(v, Number(m[2])), isRate: s.isRate };
      if (m?.[1] === 'median') return { values: rollingMedian(v, Number(m[2])), isRate: s.isRate };
      throw new Error(`no implementation for ${name}()`); // the parser admits only known names
    }
  }
}

function running(v: Float64Array, f: (acc: number, x: number) => number): Float64Array {
  const out = new Float64Array(v.length).fill(Number.NaN);
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) continue;
    acc = f(acc, v[i]!);
    out[i] = acc;
  }
  return out;
}

/** Cumulative sum of value x seconds since the previous point; the first point adds nothing. */
function integral(v: Float64Array, interval: number): Float64Array {
  const out = new Float64Array(v.length).fill(Number.NaN);
  let acc = 0;
  let prev = -1;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) continue;
    if (prev >= 0) acc += v[i]! * (i - prev) * interval;
    out[i] = acc;
    prev = i;
  }
  return out;
}

/** f(value, previous value, buckets between them) at each point after the first. */
function pairwise(v: Float64Array, f: (x: number, prev: number, gap: number) => number): Float64Array {
  const out = new Float64Array(v.length).fill(Number.NaN);
  let prev = -1;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) continue;
    if (prev >= 0) out[i] = f(v[i]!, v[prev]!, i - prev);
    prev = i;
  }
  return out;
}

/** Exponentially weighted moving average with span n (alpha = 2 / (n + 1)). */
function ewma(v: Float64Array, n: number): Float64Array {
  const alpha = 2 / (n + 1);
  const out = new Float64Array(v.length).fill(Number.NaN);
  let s = Number.NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isNaN(x)) continue;
    s = Number.isNaN(s) ? x : alpha * x + (1 - alpha) * s;
    out[i] = s;
  }
  return out;
}

/** Median of the n points centred on each point (fewer at the edges); gaps are skipped. */
function rollingMedian(v: Float64Array, n: number): Float64Array {
  const half = (n - 1) / 2;
  const out = new Float64Array(v.length).fill(Number.NaN);
  const reals: number[] = [];
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!)) reals.push(i);
  reals.forEach((at, k) => {
    const w = reals.slice(Math.max(0, k - half), k + half + 1).map((i) => v[i]!);
    out[at] = reduce(w, 'median');
  });
  return out;
}

/** Longest moving_rollup(…, 'median') window, in buckets: each point sorts its window. */
export const MAX_MEDIAN_WINDOW = 1000;

/**
 * avg/sum/min/max/median of the trailing `k` buckets (the current one included), at each point.
 * avg and sum keep running totals and min/max a monotonic deque, so any window costs O(n).
 */
function movingRollup(v: Float64Array, k: number, method: string): Float64Array {
  const out = new Float64Array(v.length).fill(Number.NaN);
  if (method === 'median') {
    if (k > MAX_MEDIAN_WINDOW)
      throw new Error(`moving_rollup(…, 'median') spans ${k} points; at most ${MAX_MEDIAN_WINDOW}`);
    for (let i = 0; i < v.length; i++) {
      if (Number.isNaN(v[i]!)) continue;
      const w = Array.from(v.subarray(Math.max(0, i - k + 1), i + 1)).filter((x) => !Number.isNaN(x));
      out[i] = reduce(w, 'median');
    }
    return out;
  }
  if (method === 'min' || method === 'max') {
    const better = method === 'min' ? (a: number, b: number) => a <= b : (a: number, b: number) => a >= b;
    // Indices of the points that can still be the window's best, best first, from `head` on.
    const deque: number[] = [];
    let head = 0;
    for (let i = 0; i < v.length; i++) {
      while (head < deque.length && deque[head]! <= i - k) head++;
      const x = v[i]!;
      if (Number.isNaN(x)) continue;
      while (deque.length > head && better(x, v[deque[deque.length - 1]!]!)) deque.pop();
      deque.push(i);
      out[i] = v[deque[head]!]!;
    }
    return out;
  }
  let sum = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isNaN(x)) {
      sum += x;
      n++;
    }
    const gone = i - k;
    if (gone >= 0 && !Number.isNaN(v[gone]!)) {
      sum -= v[gone]!;
      n--;
    }
    if (!Number.isNaN(x)) out[i] = method === 'sum' ? sum : sum / n;
  }
  return out;
}

/** Reduces a list of values: avg/mean, sum, min, max, median, last, area, l2norm/norm. */
export function reduce(w: readonly number[], method: string): number {
  if (w.length === 0) return Number.NaN;
  switch (method) {
    case 'sum':
    case 'area':
      return w.reduce((a, b) => a + b, 0);
    case 'min':
      return w.reduce((a, b) => Math.min(b, a));
    case 'max':
      return w.reduce((a, b) => Math.max(b, a));
    case 'last':
      return w[w.length - 1]!;
    case 'median': {
      const s = [...w].sort((a, b) => a - b);
      return quantileSorted(s, s.length, 0.5);
    }
    case 'l2norm':
    case 'norm':
      return Math.sqrt(w.reduce((a, b) => a + b * b, 0));
    default:
      return w.reduce((a, b) => a + b, 0) / w.length;
  }
}

/** The real values of a bucket array, in order. */
export function realValues(v: Float64Array): number[] {
  const out: number[] = [];
  for (const x of v) if (!Number.isNaN(x)) out.push(x);
  return out;
}
