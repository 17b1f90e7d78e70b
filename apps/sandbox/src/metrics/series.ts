import type { SeriesData } from '@dd-challenge/metric-query';
import type { CompactSketch } from './sketch.ts';

export type SeriesType = SeriesData['type'];

/** How a point at a time the series already has combines with the one there. */
export type MergeMode = 'replace' | 'add';

/**
 * One series in columns: seconds in a Uint32Array, values in a Float64Array (12 bytes a point),
 * grown by doubling, trimmed from the front by retention.
 */
export class Series {
  readonly metric: string;
  readonly tags: readonly string[];
  readonly type: SeriesType;
  readonly interval: number;
  #times = new Uint32Array(16);
  #values = new Float64Array(16);
  #start = 0;
  #end = 0;

  constructor(metric: string, tags: readonly string[], type: SeriesType, interval: number) {
    this.metric = metric;
    this.tags = tags;
    this.type = type;
    this.interval = interval;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  get firstTime(): number {
    return this.length === 0 ? Number.NaN : (this.#times[this.#start] as number);
  }

  get lastTime(): number {
    return this.length === 0 ? Number.NaN : (this.#times[this.#end - 1] as number);
  }

  #grow(): void {
    const n = this.length;
    if (this.#start > 0 && n < this.#times.length / 2) {
      this.#times.copyWithin(0, this.#start, this.#end);
      this.#values.copyWithin(0, this.#start, this.#end);
    } else {
      const times = new Uint32Array(this.#times.length * 2);
      const values = new Float64Array(this.#values.length * 2);
      times.set(this.#times.subarray(this.#start, this.#end));
      values.set(this.#values.subarray(this.#start, this.#end));
      this.#times = times;
      this.#values = values;
    }
    this.#start = 0;
    this.#end = n;
  }

  /** First index (absolute) whose time is >= t. */
  #lowerBound(t: number): number {
    let lo = this.#start;
    let hi = this.#end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#times[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds a point; times may come in any order (past points through the series API). */
  add(time: number, value: number, mode: MergeMode): void {
    const t = Math.floor(time);
    if (this.#end > this.#start && t <= (this.#times[this.#end - 1] as number)) {
      const i = this.#lowerBound(t);
      if (i < this.#end && this.#times[i] === t) {
        this.#values[i] = mode === 'add' ? (this.#values[i] as number) + value : value;
        return;
      }
      if (this.#end === this.#times.length) {
        this.#grow();
        this.add(time, value, mode);
        return;
      }
      this.#times.copyWithin(i + 1, i, this.#end);
      this.#values.copyWithin(i + 1, i, this.#end);
      this.#times[i] = t;
      this.#values[i] = value;
      this.#end++;
      return;
    }
    if (this.#end === this.#times.length) this.#grow();
    this.#times[this.#end] = t;
    this.#values[this.#end] = value;
    this.#end++;
  }

  /** Drops points older than `cutoff` seconds. */
  trim(cutoff: number): void {
    this.#start = this.#lowerBound(cutoff);
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
  }

  /** The points within [from, to] as views (no copy). */
  window(from: number, to: number): SeriesData {
    const a = this.#lowerBound(from);
    const b = this.#lowerBound(Math.floor(to) + 1);
    return {
      metric: this.metric,
      tags: this.tags,
      type: this.type,
      interval: this.interval,
      times: this.#times.subarray(a, b),
      values: this.#values.subarray(a, b),
    };
  }
}

/** One distribution series: a compact sketch per 10 s bucket. */
export class DistributionSeries {
  readonly metric: string;
  readonly tags: readonly string[];
  times: number[] = [];
  sketches: CompactSketch[] = [];

  constructor(metric: string, tags: readonly string[]) {
    this.metric = metric;
    this.tags = tags;
  }

  add(time: number, sketch: CompactSketch): void {
    const t = Math.floor(time);
    const n = this.times.length;
    if (n === 0 || t > (this.times[n - 1] as number)) {
      this.times.push(t);
      this.sketches.push(sketch);
      return;
    }
    let i = n;
    while (i > 0 && (this.times[i - 1] as number) > t) i--;
    if (i > 0 && this.times[i - 1] === t) {
      this.sketches[i - 1] = mergeCompact(this.sketches[i - 1] as CompactSketch, sketch);
      return;
    }
    this.times.splice(i, 0, t);
    this.sketches.splice(i, 0, sketch);
  }

  trim(cutoff: number): void {
    let i = 0;
    while (i < this.times.length && (this.times[i] as number) < cutoff) i++;
    if (i > 0) {
      this.times.splice(0, i);
      this.sketches.splice(0, i);
    }
  }
}

function mergeBins(
  ka: Int32Array,
  ca: Float64Array,
  kb: Int32Array,
  cb: Float64Array,
): [Int32Array, Float64Array] {
  const m = new Map<number, number>();
  for (let i = 0; i < ka.length; i++)
    m.set(ka[i] as number, (m.get(ka[i] as number) ?? 0) + (ca[i] as number));
  for (let i = 0; i < kb.length; i++)
    m.set(kb[i] as number, (m.get(kb[i] as number) ?? 0) + (cb[i] as number));
  const keys = Int32Array.from([...m.keys()].sort((x, y) => x - y));
  return [keys, Float64Array.from(keys, (k) => m.get(k) as number)];
}

/** Two compact sketches of the same bucket as one. */
export function mergeCompact(a: CompactSketch, b: CompactSketch): CompactSketch {
  const [keys, counts] = mergeBins(a.keys, a.counts, b.keys, b.counts);
  const [negKeys, negCounts] = mergeBins(a.negKeys, a.negCounts, b.negKeys, b.negCounts);
  return {
    keys,
    counts,
    negKeys,
    negCounts,
    zeroCount: a.zeroCount + b.zeroCount,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}
