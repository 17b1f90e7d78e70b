/**
 * `anomalies(q, 'basic', bounds)`. Datadog publishes only that basic uses "a simple lagging
 * rolling quantile computation". This project's approximation, per bucket i:
 *   - the window is the previous ANOMALY_WINDOW real points (i itself excluded: lagging);
 *   - centre = median of the window; spread = (Q75 - Q25) / 1.349, the interquartile range
 *     scaled to a normal standard deviation, so `bounds` reads as "standard deviations";
 *   - upper = centre + bounds * spread, lower = centre - bounds * spread;
 *   - with fewer than MIN_HISTORY points in the window there is no band (NaN).
 * The window is kept sorted in a Float64Array: each new point replaces the oldest one (found by
 * binary search) with a one-way shift of the entries between them, so no per-point sorting and
 * no allocation; O(n * window) at worst, ~22 moves per point on noisy data with window 60.
 */

export const ANOMALY_WINDOW = 60;
export const MIN_HISTORY = 5;
const IQR_TO_SIGMA = 1.349;

export interface Bands {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

/** Index in sorted[1..n] of the first entry not below v. */
function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 1;
  let hi = n + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Value at quantile p of n sorted entries, linear between closest ranks: the rank `at` and the
 * fraction `frac` depend only on n, so they are computed once per window size, not per bucket.
 */
interface Rank {
  at: number;
  frac: number;
}

function rankOf(p: number, n: number, r: Rank): void {
  const pos = p * (n - 1);
  r.at = Math.floor(pos);
  r.frac = pos - r.at;
}

/** Entries live at sorted[1..n]: index 0 and n + 1 hold the sentinels. */
function valueAt(sorted: Float64Array, n: number, r: Rank): number {
  const a = sorted[r.at + 1]!;
  return r.at + 1 < n ? a + (sorted[r.at + 2]! - a) * r.frac : a;
}

/** The expected band of every bucket, from the buckets before it. */
export function anomalyBands(values: Float64Array, bounds: number, window = ANOMALY_WINDOW): Bands {
  const len = values.length;
  const upper = new Float64Array(len);
  const lower = new Float64Array(len);
  // -Infinity and +Infinity either side of the entries stop the shifts without bounds tests.
  const sorted = new Float64Array(window + 2);
  sorted[0] = Number.NEGATIVE_INFINITY;
  sorted[window + 1] = Number.POSITIVE_INFINITY;
  const ring = new Float64Array(window);
  const q1: Rank = { at: 0, frac: 0 };
  const q2: Rank = { at: 0, frac: 0 };
  const q3: Rank = { at: 0, frac: 0 };
  let n = 0;
  let head = 0;
  for (let i = 0; i < len; i++) {
    if (n >= MIN_HISTORY) {
      const median = valueAt(sorted, n, q2);
      const spread = ((valueAt(sorted, n, q3) - valueAt(sorted, n, q1)) * bounds) / IQR_TO_SIGMA;
      upper[i] = median + spread;
      lower[i] = median - spread;
    } else {
      upper[i] = Number.NaN;
      lower[i] = Number.NaN;
    }
    const v = values[i]!;
    if (Number.isNaN(v)) continue; // no point in this bucket
    if (n < window) {
      // Shift the larger entries up by one and drop v in.
      let j = n + 1;
      while (sorted[j - 1]! > v) {
        sorted[j] = sorted[j - 1]!;
        j--;
      }
      sorted[j] = v;
      n++;
      rankOf(0.25, n, q1);
      rankOf(0.5, n, q2);
      rankOf(0.75, n, q3);
    } else {
      // Replace the oldest value by v: only the entries between the two shift, one way.
      const old = ring[head]!;
      let j = lowerBound(sorted, n, old);
      if (v > old) {
        while (sorted[j + 1]! < v) {
          sorted[j] = sorted[j + 1]!;
          j++;
        }
      } else {
        while (sorted[j - 1]! > v) {
          sorted[j] = sorted[j - 1]!;
          j--;
        }
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
