import quickselect from 'quickselect';

/**
 * The Agent's histogram aggregates over one flush interval (pkg/metrics/histogram.go): each
 * sample weighs int(1/rate); median is the first sorted sample whose cumulative weight exceeds
 * (count-1)/2, and percentile p the first whose cumulative weight exceeds (p*count-1)/100
 * (integer division); avg = weighted sum / count; count is sent as a rate (count / interval).
 */
const ascending = (x: number, y: number) => x - y;

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

/** Below this many samples a sort is as quick as selecting the ranks. */
const SELECT_FROM = 256;

/**
 * Aggregates the first `n` of `values` (with parallel integer `weights`, or none: each weighs 1)
 * as the Agent does; undefined when empty. A Float64Array is reordered in place (the
 * aggregator's own bucket array); a plain array is copied.
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
    // The usual case (one sample rate): equal weights make the i-th smallest value's cumulative
    // weight (i+1)*w, so only the ranks asked for are needed. Small buckets are sorted (a
    // typed-array sort); large ones get each rank by selection (quickselect, Floyd-Rivest: ~10 ns
    // a sample against ~65-78 for the sort), the ranks in ascending order, each search starting
    // past the previous rank, whose left side is all smaller.
    const a = values instanceof Float64Array ? values.subarray(0, n) : Float64Array.from(values).slice(0, n);
    const rankOf = (target: number) => Math.min(Math.max(w0 > 0 ? Math.floor(target / w0) : n - 1, 0), n - 1);
    if (n < SELECT_FROM) {
      a.sort();
      min = a[0] as number;
      max = a[n - 1] as number;
      at = (target) => a[rankOf(target)] as number;
    } else {
      min = a[0] as number;
      max = min;
      for (let i = 1; i < n; i++) {
        const v = a[i] as number;
        if (v < min) min = v;
        else if (v > max) max = v;
      }
      const targets = [
        Math.trunc((count - 1) / 2),
        ...percentiles.map((p) => Math.trunc((p * count - 1) / 100)),
      ];
      const ranks = [...new Set(targets.map(rankOf))].sort((x, y) => x - y);
      const chosen = new Map<number, number>();
      let left = 0;
      for (const k of ranks) {
        quickselect(a as unknown as number[], k, left, n - 1, ascending);
        chosen.set(k, a[k] as number);
        left = k + 1;
      }
      at = (target) => chosen.get(rankOf(target)) as number;
    }
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
