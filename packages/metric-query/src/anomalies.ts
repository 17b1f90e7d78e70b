/**
 * `anomalies(q, 'basic', bounds)`. Datadog publishes only that basic uses "a simple lagging
 * rolling quantile computation". This project's approximation, per bucket i:
 *   - the window is the previous ANOMALY_WINDOW real points (i itself excluded: lagging);
 *   - centre = median of the window; spread = (Q75 - Q25) / 1.349, the interquartile range
 *     scaled to a normal standard deviation, so `bounds` reads as "standard deviations";
 *   - upper = centre + bounds * spread, lower = centre - bounds * spread;
 *   - with fewer than MIN_HISTORY points in the window there is no band (NaN).
 * The window is kept sorted (binary search + copyWithin), so the cost is O(n * window) moves
 * of contiguous memory and no per-point sorting.
 */
import { quantileSorted } from './aggregate.ts';

export const ANOMALY_WINDOW = 60;
export const MIN_HISTORY = 5;
const IQR_TO_SIGMA = 1.349;

export interface Bands {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

function insertionPoint(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The expected band of every bucket, from the buckets before it. */
export function anomalyBands(values: Float64Array, bounds: number, window = ANOMALY_WINDOW): Bands {
  const upper = new Float64Array(values.length).fill(Number.NaN);
  const lower = new Float64Array(values.length).fill(Number.NaN);
  const sorted = new Float64Array(window);
  const ring = new Float64Array(window);
  let n = 0;
  let head = 0;
  for (let i = 0; i < values.length; i++) {
    if (n >= MIN_HISTORY) {
      const median = quantileSorted(sorted, n, 0.5);
      const spread = (quantileSorted(sorted, n, 0.75) - quantileSorted(sorted, n, 0.25)) / IQR_TO_SIGMA;
      upper[i] = median + bounds * spread;
      lower[i] = median - bounds * spread;
    }
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (n === window) {
      const old = ring[head]!;
      const at = insertionPoint(sorted, n, old);
      sorted.copyWithin(at, at + 1, n);
      n--;
    }
    const at = insertionPoint(sorted, n, v);
    sorted.copyWithin(at + 1, at, n);
    sorted[at] = v;
    n++;
    ring[head] = v;
    head = (head + 1) % window;
  }
  return { upper, lower };
}

/** Whether a point lies outside its band in the given direction. */
export function isAnomalous(
  v: number,
  upper: number,
  lower: number,
  direction: 'both' | 'above' | 'below',
): boolean {
  if (Number.isNaN(v) || Number.isNaN(upper)) return false;
  if (direction === 'above') return v > upper;
  if (direction === 'below') return v < lower;
  return v > upper || v < lower;
}
