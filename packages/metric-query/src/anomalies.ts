/**
 * `anomalies(q, 'basic', bounds)`. Datadog publishes only that basic uses "a simple lagging
 * rolling quantile computation". This project's approximation, per bucket i:
 *   - the window is the previous ANOMALY_WINDOW real points (i itself excluded: lagging);
 *   - centre = median of the window; spread = (Q75 - Q25) / 1.349, the interquartile range
 *     scaled to a normal standard deviation, so `bounds` reads as "standard deviations";
 *     quantiles are linear between closest ranks (at p * (n - 1));
 *   - upper = centre + bounds * spread, lower = centre - bounds * spread;
 *   - with fewer than MIN_HISTORY points in the window there is no band (NaN).
 * The window is kept twice: in arrival order (to know which point leaves) and sorted (to read
 * the quantiles by rank).
 */
import { quantileSorted } from './aggregate.ts';

export const ANOMALY_WINDOW = 60;
export const MIN_HISTORY = 5;
const IQR_TO_SIGMA = 1.349;

export interface Bands {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

/** The expected band of every bucket, from the real points before it (gaps are skipped). */
export function anomalyBands(values: Float64Array, bounds: number, window = ANOMALY_WINDOW): Bands {
  const upper = new Float64Array(values.length).fill(Number.NaN);
  const lower = new Float64Array(values.length).fill(Number.NaN);
  const arrived: number[] = [];
  const sorted: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const n = sorted.length;
    if (n >= MIN_HISTORY) {
      const median = quantileSorted(sorted, n, 0.5);
      const spread =
        ((quantileSorted(sorted, n, 0.75) - quantileSorted(sorted, n, 0.25)) * bounds) / IQR_TO_SIGMA;
      upper[i] = median + spread;
      lower[i] = median - spread;
    }
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    // After the entries equal to v: equal points stay in arrival order, so the oldest leaves first.
    const at = sorted.findIndex((x) => x > v);
    sorted.splice(at < 0 ? n : at, 0, v);
    arrived.push(v);
    if (arrived.length > window) sorted.splice(sorted.indexOf(arrived.shift()!), 1);
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
