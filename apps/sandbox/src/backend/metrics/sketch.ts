import { DDSketch } from '@datadog/sketches-js';

/**
 * The Agent's sketch has gamma = 1 + 2/128 (pkg/quantile/config.go); a DDSketch with relative
 * accuracy a has gamma = (1 + a) / (1 - a), so a = 1/129 gives the same buckets' width.
 */
export const SKETCH_ACCURACY = 1 / 129;

/** A new sketch with the Agent's accuracy. */
export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });
}

/**
 * A flushed sketch kept small: only the non-empty bins. A live DDSketch holds dense arrays of a
 * few hundred slots; 24 h of 10 s buckets per series would not fit the memory budget.
 */
export interface CompactSketch {
  /** Bin keys of positive values, then counts, same length. */
  readonly keys: ArrayLike<number>;
  readonly counts: ArrayLike<number>;
  readonly negKeys: ArrayLike<number>;
  readonly negCounts: ArrayLike<number>;
  readonly zeroCount: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

interface DenseLike {
  bins: number[];
  offset: number;
  minKey: number;
  maxKey: number;
  count: number;
}

function binsOf(store: DenseLike): [Int32Array, Float64Array] {
  if (store.count === 0) return [new Int32Array(0), new Float64Array(0)];
  const keys: number[] = [];
  const counts: number[] = [];
  for (let key = store.minKey; key <= store.maxKey; key++) {
    const c = store.bins[key - store.offset];
    if (c) {
      keys.push(key);
      counts.push(c);
    }
  }
  return [Int32Array.from(keys), Float64Array.from(counts)];
}

/** The non-empty bins and summary of a live sketch. */
export function compactSketch(sketch: DDSketch): CompactSketch {
  const [keys, counts] = binsOf(sketch.store as unknown as DenseLike);
  const [negKeys, negCounts] = binsOf(sketch.negativeStore as unknown as DenseLike);
  return {
    keys,
    counts,
    negKeys,
    negCounts,
    zeroCount: sketch.zeroCount,
    count: sketch.count,
    sum: sketch.sum,
    min: sketch.min,
    max: sketch.max,
  };
}

/** Merges compact sketches into one live DDSketch (for percentiles). */
export function mergeSketches(parts: Iterable<CompactSketch>): DDSketch {
  const out = newSketch();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let count = 0;
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i < p.keys.length; i++) out.store.add(p.keys[i] as number, p.counts[i]);
    for (let i = 0; i < p.negKeys.length; i++) out.negativeStore.add(p.negKeys[i] as number, p.negCounts[i]);
    out.zeroCount += p.zeroCount;
    count += p.count;
    sum += p.sum;
    if (p.min < min) min = p.min;
    if (p.max > max) max = p.max;
  }
  out.count = count;
  out.sum = sum;
  out.min = min;
  out.max = max;
  return out;
}

/** JSON form for the checkpoint files. */
export function sketchToJson(s: CompactSketch): unknown[] {
  return [
    Array.from(s.keys),
    Array.from(s.counts),
    Array.from(s.negKeys),
    Array.from(s.negCounts),
    s.zeroCount,
    s.count,
    s.sum,
    s.min,
    s.max,
  ];
}

/** Reads the JSON form back; undefined when it is not one. */
export function sketchFromJson(v: unknown): CompactSketch | undefined {
  if (!Array.isArray(v) || v.length !== 9) return undefined;
  const [k, c, nk, nc, zero, count, sum, min, max] = v as [
    number[],
    number[],
    number[],
    number[],
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    keys: Int32Array.from(k),
    counts: Float64Array.from(c),
    negKeys: Int32Array.from(nk),
    negCounts: Float64Array.from(nc),
    zeroCount: zero,
    count,
    sum,
    min,
    max,
  };
}
