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

export function aggregateSpace(
  list: readonly Float64Array[],
  method: SpaceAggregator,
  interpolate: boolean,
): Float64Array {
  const first = list[0];
  if (!first) return new Float64Array(0);
  const length = first.length;
  if (list.length === 1 && method !== 'count') return first;
  const present = new Uint8Array(length);
  for (const s of list) for (let b = 0; b < length; b++) if (!Number.isNaN(s[b]!)) present[b] = 1;
  const inputs = interpolate ? list.map(interpolateGaps) : list;
  const out = new Float64Array(length).fill(Number.NaN);
  const q = percentileOf(method);
  const scratch: number[] = [];
  for (let b = 0; b < length; b++) {
    if (!present[b]) continue;
    let acc = Number.NaN;
    let n = 0;
    scratch.length = 0;
    for (const s of inputs) {
      const v = s[b]!;
      if (Number.isNaN(v)) continue;
      n++;
      if (q !== undefined) {
        scratch.push(v);
        continue;
      }
      if (n === 1) acc = v;
      else if (method === 'sum' || method === 'avg') acc += v;
      else if (method === 'min') acc = Math.min(v, acc);
      else if (method === 'max') acc = Math.max(v, acc);
    }
    if (n === 0) continue;
    if (q !== undefined) {
      scratch.sort((x, y) => x - y);
      out[b] = quantileSorted(scratch, n, q);
    } else if (method === 'count') out[b] = n;
    else out[b] = method === 'avg' ? acc / n : acc;
  }
  return out;
}
