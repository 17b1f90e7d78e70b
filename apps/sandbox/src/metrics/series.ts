import type { SeriesData } from '@dd-challenge/metric-query';
import type { CompactSketch } from './sketch.ts';

export type SeriesType = SeriesData['type'];

/** How a point at a time the series already has combines with the one there. */
export type MergeMode = 'replace' | 'add';

/**
 * One series in columns: seconds in a Uint32Array, values in a Float64Array (12 bytes a point),
 * grown by half again when full, trimmed from the front by retention.
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
      // x1.5, not x2: 24 h of 10 s points (8,640) end up in ~10k slots, not 16k.
      const size = Math.ceil(this.#times.length * 1.5);
      const times = new Uint32Array(size);
      const values = new Float64Array(size);
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

/**
 * One distribution series: a sketch per 10 s bucket, all buckets in shared columns (times,
 * summaries, bin keys Int32, bin counts Float32) so 24 h of buckets cost ~200 bytes each and no
 * object per bucket.
 */
export class DistributionSeries {
  readonly metric: string;
  readonly tags: readonly string[];
  #times = new Uint32Array(16);
  /** count, sum, min, max, zeroCount per bucket. */
  #summary = new Float64Array(16 * 5);
  /** First bin of each bucket; positive bins first, then negative ones. */
  #binStart = new Uint32Array(16);
  #posLen = new Uint32Array(16);
  #negLen = new Uint32Array(16);
  #keys = new Int32Array(256);
  #counts = new Float32Array(256);
  #start = 0;
  #end = 0;
  #binEnd = 0;

  constructor(metric: string, tags: readonly string[]) {
    this.metric = metric;
    this.tags = tags;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  /** Time (seconds) of bucket i (0 = oldest kept). */
  timeAt(i: number): number {
    return this.#times[this.#start + i] as number;
  }

  get lastTime(): number {
    return this.length === 0 ? Number.NaN : (this.#times[this.#end - 1] as number);
  }

  /** Bucket i as a CompactSketch (views on the columns: read it before the next write). */
  sketchAt(i: number): CompactSketch {
    const b = this.#start + i;
    const from = this.#binStart[b] as number;
    const pos = this.#posLen[b] as number;
    const neg = this.#negLen[b] as number;
    const o = b * 5;
    const sm = this.#summary;
    return {
      keys: this.#keys.subarray(from, from + pos),
      counts: this.#counts.subarray(from, from + pos),
      negKeys: this.#keys.subarray(from + pos, from + pos + neg),
      negCounts: this.#counts.subarray(from + pos, from + pos + neg),
      count: sm[o] as number,
      sum: sm[o + 1] as number,
      min: sm[o + 2] as number,
      max: sm[o + 3] as number,
      zeroCount: sm[o + 4] as number,
    };
  }

  #reserve(buckets: number, bins: number): void {
    if (this.#start > 0 && this.#start >= this.#times.length / 2) this.#compact();
    if (this.#end + buckets > this.#times.length) {
      const n = Math.max(Math.ceil(this.#times.length * 1.5), this.#end + buckets);
      const grow = <T extends Uint32Array | Float64Array>(a: T, size: number, make: (n: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      this.#times = grow(this.#times, n, (k) => new Uint32Array(k));
      this.#summary = grow(this.#summary, n * 5, (k) => new Float64Array(k));
      this.#binStart = grow(this.#binStart, n, (k) => new Uint32Array(k));
      this.#posLen = grow(this.#posLen, n, (k) => new Uint32Array(k));
      this.#negLen = grow(this.#negLen, n, (k) => new Uint32Array(k));
    }
    if (this.#binEnd + bins > this.#keys.length) {
      const n = Math.max(Math.ceil(this.#keys.length * 1.5), this.#binEnd + bins);
      const keys = new Int32Array(n);
      keys.set(this.#keys);
      const counts = new Float32Array(n);
      counts.set(this.#counts);
      this.#keys = keys;
      this.#counts = counts;
    }
  }

  /** Moves the kept buckets and their bins to the front of the columns. */
  #compact(): void {
    const s = this.#start;
    const n = this.length;
    const firstBin = n > 0 ? (this.#binStart[s] as number) : this.#binEnd;
    this.#times.copyWithin(0, s, this.#end);
    this.#summary.copyWithin(0, s * 5, this.#end * 5);
    this.#posLen.copyWithin(0, s, this.#end);
    this.#negLen.copyWithin(0, s, this.#end);
    this.#binStart.copyWithin(0, s, this.#end);
    for (let i = 0; i < n; i++) this.#binStart[i] = (this.#binStart[i] as number) - firstBin;
    this.#keys.copyWithin(0, firstBin, this.#binEnd);
    this.#counts.copyWithin(0, firstBin, this.#binEnd);
    this.#binEnd -= firstBin;
    this.#start = 0;
    this.#end = n;
  }

  #append(t: number, sk: CompactSketch): void {
    this.#reserve(1, sk.keys.length + sk.negKeys.length);
    const b = this.#end++;
    this.#times[b] = t;
    const o = b * 5;
    this.#summary[o] = sk.count;
    this.#summary[o + 1] = sk.sum;
    this.#summary[o + 2] = sk.min;
    this.#summary[o + 3] = sk.max;
    this.#summary[o + 4] = sk.zeroCount;
    this.#binStart[b] = this.#binEnd;
    this.#posLen[b] = sk.keys.length;
    this.#negLen[b] = sk.negKeys.length;
    for (let i = 0; i < sk.keys.length; i++) {
      this.#keys[this.#binEnd] = sk.keys[i] as number;
      this.#counts[this.#binEnd++] = sk.counts[i] as number;
    }
    for (let i = 0; i < sk.negKeys.length; i++) {
      this.#keys[this.#binEnd] = sk.negKeys[i] as number;
      this.#counts[this.#binEnd++] = sk.negCounts[i] as number;
    }
  }

  /** Adds the sketch of bucket `time`; merged with the one already there. */
  add(time: number, sketch: CompactSketch): void {
    const t = Math.floor(time);
    if (this.length === 0 || t > this.lastTime) {
      this.#append(t, sketch);
      return;
    }
    if (t === this.lastTime) {
      const merged = mergeCompact(copySketch(this.sketchAt(this.length - 1)), sketch);
      this.#end--;
      this.#binEnd = this.#binStart[this.#end] as number;
      this.#append(t, merged);
      return;
    }
    // Out of order (rare: history replayed late): rebuild the columns in time order.
    const all: Array<[number, CompactSketch]> = [];
    for (let i = 0; i < this.length; i++) all.push([this.timeAt(i), copySketch(this.sketchAt(i))]);
    this.#start = 0;
    this.#end = 0;
    this.#binEnd = 0;
    let inserted = false;
    for (const [bt, sk] of all) {
      if (!inserted && t <= bt) {
        inserted = true;
        if (t === bt) {
          this.#append(bt, mergeCompact(sk, sketch));
          continue;
        }
        this.#append(t, sketch);
      }
      this.#append(bt, sk);
    }
    if (!inserted) this.#append(t, sketch);
  }

  /** Drops buckets older than `cutoff` seconds. */
  trim(cutoff: number): void {
    while (this.#start < this.#end && (this.#times[this.#start] as number) < cutoff) this.#start++;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      this.#binEnd = 0;
    }
  }
}

/** A copy of a sketch whose arrays may be views on columns about to change. */
function copySketch(s: CompactSketch): CompactSketch {
  return {
    ...s,
    keys: Int32Array.from(s.keys),
    counts: Float64Array.from(s.counts),
    negKeys: Int32Array.from(s.negKeys),
    negCounts: Float64Array.from(s.negCounts),
  };
}

function mergeBins(
  ka: ArrayLike<number>,
  ca: ArrayLike<number>,
  kb: ArrayLike<number>,
  cb: ArrayLike<number>,
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
