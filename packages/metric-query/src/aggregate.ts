/**
 * Space aggregation: several rolled-up series into one, bucket by bucket. A bucket is in the
 * result when at least one series has a real point there; series without a point there join in
 * with a value linearly interpolated between their neighbouring points (Datadog interpolates to
 * align series), unless interpolation is off (`.as_count()`, `.fill(…)`).
 */
import type { SpaceAggregator } from './ast.ts';

/** Linear interpolation across inner gaps; no extrapolation before the first or after the last point. */
export function interpolateGaps(values: Float64Array): Float64Array {
  const out = Float64Array.from(values);
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (last >= 0 && i - last > 1) {
      const a = values[last]!;
      for (let j = last + 1; j < i; j++) out[j] = a + ((v - a) * (j - last)) / (i - last);
    }
    last = i;
  }
  return out;
}

/** Quantile q in [0,1] of sorted values, linear between closest ranks. */
export function quantileSorted(sorted: ArrayLike<number>, n: number, q: number): number {
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The quantile a `pNN` aggregator names: p95 -> 0.95. */
export function percentileOf(agg: string): number | undefined {
  const m = /^p(\d+(?:\.\d+)?)$/.exec(agg);
  return m ? Number(m[1]) / 100 : undefined;
}

/** One bucket's values of several series (at least one) into one value. */
function combine(xs: number[], method: SpaceAggregator): number {
  const q = percentileOf(method);
  if (q !== undefined) {
    xs.sort((a, b) => a - b);
    return quantileSorted(xs, xs.length, q);
  }
  switch (method) {
    case 'count':
      return xs.length;
    case 'min':
      return xs.reduce((a, b) => Math.min(b, a));
    case 'max':
      return xs.reduce((a, b) => Math.max(b, a));
    case 'sum':
      return xs.reduce((a, b) => a + b);
    default:
      return xs.reduce((a, b) => a + b) / xs.length;
  }
}

/** The series of one group, bucket by bucket, into one series. */
export function aggregateSpace(
  list: readonly Float64Array[],
  method: SpaceAggregator,
  interpolate: boolean,
): Float64Array {
  const first = list[0];
  if (!first) return new Float64Array(0);
  if (list.length === 1 && method !== 'count') return first;
  const inputs = interpolate ? list.map(interpolateGaps) : list;
  const out = new Float64Array(first.length).fill(Number.NaN);
  for (let b = 0; b < out.length; b++) {
    // A bucket where no series has a point of its own stays empty, interpolation or not.
    if (list.every((s) => Number.isNaN(s[b]!))) continue;
    const xs: number[] = [];
    for (const s of inputs) if (!Number.isNaN(s[b]!)) xs.push(s[b]!);
    out[b] = combine(xs, method);
  }
  return out;
}
