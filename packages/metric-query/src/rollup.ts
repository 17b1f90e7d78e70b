/**
 * Time aggregation: points of one series into buckets aligned to UNIX time (a bucket of
 * width I starts at a multiple of I), as Datadog's rollup does. Missing buckets are NaN.
 */
import type { FillMode, RollupMethod } from './ast.ts';
import type { SeriesData } from './source.ts';

/** Buckets `[start + i*interval, start + (i+1)*interval)` for i < length; times in UNIX seconds. */
export interface Grid {
  readonly start: number;
  readonly interval: number;
  readonly length: number;
}

/** Rollup intervals Datadog picks from; the smallest giving at most MAX_POINTS points wins. */
const NICE_INTERVALS = [
  10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400, 28_800, 43_200, 86_400, 172_800, 604_800,
  2_592_000,
];
export const MAX_POINTS = 300;
/**
 * The most points a series of /api/v1/query has: Datadog rolls up further rather than return more
 * (DOC dashboards/functions/rollup, "a series can have up to 1500 points"), whatever the
 * requested interval or `.rollup()` asks.
 */
export const MAX_SERIES_POINTS = 1500;
/** Beyond this many buckets an explicit interval is coarsened (Datadog overrides it too). */
export const MAX_BUCKETS = 100_000;
/**
 * The finest default interval: 10 s, the Agent's flush period. A past-hour graph gets 20 s,
 * four hours 60 s, a day 300 s, a week 3600 s, as in Datadog's rollup table.
 */
export function defaultInterval(from: number, to: number): number {
  const span = Math.max(0, to - from);
  for (const i of NICE_INTERVALS) if (span / i <= MAX_POINTS) return i;
  return Math.ceil(span / MAX_POINTS / 86_400) * 86_400;
}

/** The smallest of Datadog's intervals that keeps [from, to] within MAX_SERIES_POINTS buckets. */
export function minimumInterval(from: number, to: number): number {
  const span = Math.max(0, to - from);
  for (const i of NICE_INTERVALS) if (span / i <= MAX_SERIES_POINTS) return i;
  return Math.ceil(span / MAX_SERIES_POINTS / 86_400) * 86_400;
}

/** The grid covering [from, to] with buckets aligned to UNIX time. */
export function makeGrid(from: number, to: number, interval: number): Grid {
  let i = interval;
  while ((to - from) / i > MAX_BUCKETS) i *= 2;
  const start = Math.floor(from / i) * i;
  const length = to < from ? 0 : Math.floor(to / i) - Math.floor(from / i) + 1;
  return { start, interval: i, length };
}

/** How raw values turn into rolled-up values: as stored, or rates turned back into counts. */
export type ValueMode = 'value' | 'rate-to-count';

/** The first index with times[i] >= t (times ascending). */
export function lowerBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How each rollup method folds the next point into a bucket's value (avg and count finish at the end). */
const FOLD: Readonly<Record<RollupMethod, (acc: number, v: number) => number>> = {
  avg: (acc, v) => acc + v,
  sum: (acc, v) => acc + v,
  count: (acc) => acc,
  min: Math.min,
  max: Math.max,
};

/** Rolls one series' points within [from, to] up into the grid's buckets. */
export function rollupSeries(
  s: SeriesData,
  grid: Grid,
  method: RollupMethod,
  mode: ValueMode,
  from: number,
  to: number,
): Float64Array {
  const out = new Float64Array(grid.length).fill(Number.NaN);
  const counts = new Array<number>(grid.length).fill(0);
  const { times, values } = s;
  const scale = mode === 'rate-to-count' ? s.interval || 1 : 1;
  const fold = FOLD[method];
  for (let i = lowerBound(times, from); i < times.length && times[i]! <= to; i++) {
    const v = values[i]! * scale;
    if (Number.isNaN(v)) continue;
    const b = Math.floor((times[i]! - grid.start) / grid.interval);
    if (b < 0 || b >= grid.length) continue;
    out[b] = counts[b] === 0 ? v : fold(out[b]!, v);
    counts[b]!++;
  }
  if (method === 'avg') for (let b = 0; b < out.length; b++) out[b]! /= counts[b]!;
  if (method === 'count') for (let b = 0; b < out.length; b++) if (counts[b]! > 0) out[b] = counts[b]!;
  return out;
}

/**
 * `.fill(mode[, limit])`: `zero` and `last` fill empty buckets up to `limit` seconds after a
 * real point (every empty bucket for zero without a limit), `linear` bridges gaps no longer
 * than `limit` (300 s by default), `null` leaves gaps.
 */
export function applyFill(
  values: Float64Array,
  grid: Grid,
  mode: FillMode,
  limit: number | null,
): Float64Array {
  if (mode === 'null') return values;
  const out = Float64Array.from(values);
  const maxGap = limit === null ? (mode === 'zero' ? Number.POSITIVE_INFINITY : 300) : limit;
  const maxBuckets = maxGap / grid.interval;
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      if (mode === 'linear' && last >= 0 && i - last > 1 && i - last - 1 <= maxBuckets) {
        const a = values[last]!;
        for (let j = last + 1; j < i; j++) out[j] = a + ((v - a) * (j - last)) / (i - last);
      }
      last = i;
      continue;
    }
    if (mode === 'zero' && (limit === null || (last >= 0 && i - last <= maxBuckets))) out[i] = 0;
    if (mode === 'last' && last >= 0 && i - last <= maxBuckets) out[i] = values[last]!;
  }
  return out;
}
