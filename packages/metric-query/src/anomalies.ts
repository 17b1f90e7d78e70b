/**
 * `anomalies(q, 'basic', bounds)`. Datadog publishes only that basic uses "a simple lagging
 * rolling quantile computation". This project's approximation, per bucket i:
 *   - the window is the previous ANOMALY_WINDOW real points (i itself excluded: lagging);
 *   - centre = median of the window; spread = (Q75 - Q25) / 1.349, the interquartile range
 *     scaled to a normal standard deviation, so `bounds` reads as "standard deviations";
 *   - upper = centre + bounds * spread, lower = centre - bounds * spread;
 *   - with fewer than MIN_HISTORY points in the window there is no band (NaN).
 * The window is kept sorted: each new point replaces the oldest one with a single shift of
 * the entries between them, so the cost is O(n * window) at worst and no per-point sorting.
 */

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

/** Value at quantile q of the first n sorted entries, linear between closest ranks. */
function q(sorted: Float64Array, n: number, p: number): number {
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const a = sorted[lo]!;
  return lo + 1 < n ? a + (sorted[lo + 1]! - a) * (pos - lo) : a;
}

/** The expected band of every bucket, from the buckets before it. */
export function anomalyBands(values: Float64Array, bounds: number, window = ANOMALY_WINDOW): Bands {
  const len = values.length;
  const upper = new Float64Array(len).fill(Number.NaN);
  const lower = new Float64Array(len).fill(Number.NaN);
  const sorted = new Float64Array(window);
  const ring = new Float64Array(window);
  let n = 0;
  let head = 0;
  for (let i = 0; i < len; i++) {
    if (n >= MIN_HISTORY) {
      const median = q(sorted, n, 0.5);
      const spread = ((q(sorted, n, 0.75) - q(sorted, n, 0.25)) * bounds) / IQR_TO_SIGMA;
      upper[i] = median + spread;
      lower[i] = median - spread;
    }
    const v = values[i]!;
    if (Number.isNaN(v)) continue; // no point in this bucket
    if (n < window) {
      // Shift the larger entries up by one and drop v in.
      let j = n;
      while (j > 0 && sorted[j - 1]! > v) {
        sorted[j] = sorted[j - 1]!;
        j--;
      }
      sorted[j] = v;
      n++;
    } else {
      // Replace the oldest value by v, shifting only the entries between the two positions.
      let j = insertionPoint(sorted, n, ring[head]!);
      while (j > 0 && sorted[j - 1]! > v) {
        sorted[j] = sorted[j - 1]!;
        j--;
      }
      while (j < n - 1 && sorted[j + 1]! < v) {
        sorted[j] = sorted[j + 1]!;
        j++;
      }
      sorted[j] = v;
    }
    ring[head] = v;
    head = head + 1 === window ? 0 : head + 1;
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
