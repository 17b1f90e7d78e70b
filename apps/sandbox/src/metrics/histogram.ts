/**
 * The Agent's histogram aggregates over one flush interval (pkg/metrics/histogram.go): each
 * sample weighs int(1/rate); median is the first sorted sample whose cumulative weight exceeds
 * (count-1)/2, and percentile p the first whose cumulative weight exceeds (p*count-1)/100
 * (integer division); avg = weighted sum / count; count is sent as a rate (count / interval).
 */
export interface HistogramStats {
  readonly max: number;
  readonly median: number;
  readonly avg: number;
  /** Weighted count divided by the interval (a rate). */
  readonly count: number;
  /** Percentile p (1..100) -> value, for the configured percentiles. */
  readonly percentiles: ReadonlyMap<number, number>;
  readonly min: number;
  readonly sum: number;
}

/**
 * Aggregates the first `n` of `values` (with parallel integer `weights`, or none: each weighs 1)
 * as the Agent does; undefined when empty. A Float64Array is sorted in place (the aggregator's
 * own bucket array); a plain array is copied.
 */
export function histogramStats(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  interval: number,
  percentiles: readonly number[] = [95],
  n: number = values.length,
): HistogramStats | undefined {
  if (n === 0) return undefined;
  let count = 0;
  let sum = 0;
  let uniform = true;
  const weighed = weights.length === n;
  const w0 = weighed ? (weights[0] as number) : 1;
  for (let i = 0; i < n; i++) {
    const w = weighed ? (weights[i] as number) : 1;
    if (w !== w0) uniform = false;
    count += w;
    sum += (values[i] as number) * w;
  }
  // value at cumulative weight > target, over the samples in ascending order
  let at: (target: number) => number;
  let min: number;
  let max: number;
  if (uniform) {
    // The usual case (one sample rate): a typed-array sort, ~10x faster than sorting indices
    // with a comparator; equal weights make the i-th sorted value's cumulative weight (i+1)*w.
    const sorted =
      values instanceof Float64Array
        ? values.subarray(0, n).sort()
        : Float64Array.from(values).slice(0, n).sort();
    min = sorted[0] as number;
    max = sorted[n - 1] as number;
    at = (target) => {
      const i = w0 > 0 ? Math.floor(target / w0) : n - 1;
      return sorted[Math.min(Math.max(i, 0), n - 1)] as number;
    };
  } else {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (values[a] as number) - (values[b] as number));
    min = values[order[0] as number] as number;
    max = values[order[n - 1] as number] as number;
    at = (target) => {
      let w = 0;
      for (const i of order) {
        w += weights[i] as number;
        if (w > target) return values[i] as number;
      }
      return max;
    };
  }
  const result = new Map<number, number>();
  for (const p of [...percentiles].sort((a, b) => a - b))
    result.set(p, at(Math.trunc((p * count - 1) / 100)));
  return {
    max,
    min,
    median: at(Math.trunc((count - 1) / 2)),
    avg: count > 0 ? sum / count : Number.NaN,
    count: count / interval,
    percentiles: result,
    sum,
  };
}
