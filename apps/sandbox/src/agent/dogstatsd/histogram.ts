/**
 * The Agent's histogram aggregates over one flush interval (pkg/metrics/histogram.go): each
 * sample weighs int(1/rate); median is the first sorted sample whose cumulative weight exceeds
 * (count-1)/2, and percentile p the first whose cumulative weight exceeds (p*count-1)/100
 * (integer division); avg = weighted sum / count; count is sent as a rate (count / interval).
 */
export interface HistogramStats {
  readonly max: number;
  readonly min: number;
  readonly median: number;
  readonly avg: number;
  /** Weighted count divided by the interval (a rate). */
  readonly count: number;
  /** Percentile p (1..100) -> value, for the configured percentiles. */
  readonly percentiles: ReadonlyMap<number, number>;
  readonly sum: number;
}

/**
 * Aggregates `values` (with parallel integer `weights`, or none: each weighs 1) as the Agent
 * does; undefined when empty.
 */
export function histogramStats(
  values: readonly number[],
  weights: readonly number[] | undefined,
  interval: number,
  percentiles: readonly number[] = [95],
): HistogramStats | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  let count = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    count += w;
    sum += (values[i] as number) * w;
  }
  // Sorted by value, with each sample's cumulative weight (a typed-array sort when unweighted).
  const order =
    weights &&
    Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const sorted = order
    ? Float64Array.from(order, (i) => values[i] as number)
    : Float64Array.from(values).sort();
  const cumulative = new Float64Array(n);
  for (let k = 0, c = 0; k < n; k++) {
    c += order ? ((weights as readonly number[])[order[k] as number] as number) : 1;
    cumulative[k] = c;
  }
  const max = sorted[n - 1] as number;
  /** The first sorted value whose cumulative weight exceeds `target`. */
  const at = (target: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo < n ? (sorted[lo] as number) : max;
  };
  const result = new Map<number, number>();
  for (const p of [...percentiles].sort((a, b) => a - b))
    result.set(p, at(Math.trunc((p * count - 1) / 100)));
  return {
    max,
    min: sorted[0] as number,
    median: at(Math.trunc((count - 1) / 2)),
    avg: sum / count,
    count: count / interval,
    percentiles: result,
    sum,
  };
}
