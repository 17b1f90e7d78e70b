import type { SeriesData } from '@dd-challenge/metric-query';
import type { CompactSketch } from './sketch.ts';

export type SeriesType = SeriesData['type'];

/** How a point at a time the series already has combines with the one there. */
export type MergeMode = 'replace' | 'add';

/**
 * Points per block of a series' columns. Blocks have one size (24 KB: Uint32 seconds + Float64
 * values), so a block freed by retention is reused as is by the next one allocated, and no
 * regrown column leaves a freed block of an odd size in the process heap.
 */
export const POINTS_PER_BLOCK = 2048;
/** A series' first block starts this small and doubles up to a full block. */
const FIRST_BLOCK = 16;

interface Block {
  /**
   * Seconds of each point, or undefined while the block's points are evenly spaced (a series fed
   * every 10 s): point i is then at t0 + i * step, and the block holds only its values.
   */
  times: Uint32Array | undefined;
  t0: number;
  /** 0 until the block has two points. */
  step: number;
  values: Float64Array;
  /** Kept points are [start, end). */
  start: number;
  end: number;
}

function newBlock(size: number): Block {
  return { times: undefined, t0: 0, step: 0, values: new Float64Array(size), start: 0, end: 0 };
}

/** Time of point i of a block. */
function timeOf(b: Block, i: number): number {
  return b.times === undefined ? b.t0 + i * b.step : (b.times[i] as number);
}

/** Gives an evenly spaced block its seconds column (a point off the step, or a late one). */
function materialize(b: Block): Uint32Array {
  if (b.times === undefined) {
    const times = new Uint32Array(b.values.length);
    for (let i = 0; i < b.end; i++) times[i] = b.t0 + i * b.step;
    b.times = times;
  }
  return b.times;
}

/** First index in [lo, hi) of block b whose time is >= t (hi when none). */
function lowerBound(b: Block, lo: number, hi: number, t: number): number {
  const times = b.times;
  if (times === undefined) {
    if (lo >= hi) return lo;
    if (b.step === 0) return timeOf(b, lo) < t ? lo + 1 : lo;
    const i = Math.ceil((t - b.t0) / b.step);
    return Math.min(Math.max(i, lo), hi);
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One series in columns: values in Float64 and seconds in Uint32 (12 bytes a point; 8 while the
 * points are evenly spaced, their seconds then computed), in blocks of POINTS_PER_BLOCK points
 * sorted by time (the first block of a new series starts small), trimmed from the front by
 * retention.
 */
export class Series {
  readonly metric: string;
  readonly tags: readonly string[];
  readonly type: SeriesType;
  readonly interval: number;
  #blocks: Block[] = [];
  #length = 0;

  constructor(metric: string, tags: readonly string[], type: SeriesType, interval: number) {
    this.metric = metric;
    this.tags = tags;
    this.type = type;
    this.interval = interval;
  }

  get length(): number {
    return this.#length;
  }

  get firstTime(): number {
    const b = this.#blocks[0];
    return b === undefined ? Number.NaN : timeOf(b, b.start);
  }

  get lastTime(): number {
    const b = this.#blocks[this.#blocks.length - 1];
    return b === undefined ? Number.NaN : timeOf(b, b.end - 1);
  }

  /** Index of the first block whose last time is >= t (blocks.length when none). */
  #blockFor(t: number): number {
    let lo = 0;
    let hi = this.#blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.#blocks[mid] as Block;
      if (timeOf(b, b.end - 1) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Doubles a block smaller than a full one (only a series' first block is). */
  static #grow(b: Block): void {
    const size = Math.min(POINTS_PER_BLOCK, b.values.length * 2);
    const values = new Float64Array(size);
    values.set(b.values.subarray(b.start, b.end));
    if (b.times === undefined) b.t0 += b.start * b.step;
    else {
      const times = new Uint32Array(size);
      times.set(b.times.subarray(b.start, b.end));
      b.times = times;
    }
    b.values = values;
    b.end -= b.start;
    b.start = 0;
  }

  /** Adds a point; times may come in any order (past points through the series API). */
  add(time: number, value: number, mode: MergeMode): void {
    const t = Math.floor(time);
    const blocks = this.#blocks;
    let last = blocks[blocks.length - 1];
    if (last === undefined || t > timeOf(last, last.end - 1)) {
      if (last === undefined) {
        last = newBlock(FIRST_BLOCK);
        blocks.push(last);
      } else if (last.end === last.values.length) {
        if (last.values.length < POINTS_PER_BLOCK) Series.#grow(last);
        else {
          last = newBlock(POINTS_PER_BLOCK);
          blocks.push(last);
        }
      }
      if (last.times === undefined) {
        if (last.end === 0) last.t0 = t;
        else if (last.end === 1) last.step = t - last.t0;
        else if (t !== last.t0 + last.end * last.step) materialize(last);
      }
      if (last.times !== undefined) last.times[last.end] = t;
      last.values[last.end] = value;
      last.end++;
      this.#length++;
      return;
    }
    const k = Math.min(this.#blockFor(t), blocks.length - 1);
    let b = blocks[k] as Block;
    let i = lowerBound(b, b.start, b.end, t);
    if (i < b.end && timeOf(b, i) === t) {
      b.values[i] = mode === 'add' ? (b.values[i] as number) + value : value;
      return;
    }
    // A point between two others: the block keeps its seconds from now on.
    materialize(b);
    if (b.end === b.values.length) {
      if (b.values.length < POINTS_PER_BLOCK) {
        i -= b.start;
        Series.#grow(b);
      } else if (b.start > 0) {
        materialize(b).copyWithin(0, b.start, b.end);
        b.values.copyWithin(0, b.start, b.end);
        i -= b.start;
        b.end -= b.start;
        b.start = 0;
      } else {
        // A full block takes a point in its middle (history sent late): split it in two.
        const half = newBlock(POINTS_PER_BLOCK);
        const mid = b.end >>> 1;
        materialize(half).set(materialize(b).subarray(mid, b.end));
        half.values.set(b.values.subarray(mid, b.end));
        half.end = b.end - mid;
        b.end = mid;
        blocks.splice(k + 1, 0, half);
        if (i >= mid) {
          b = half;
          i -= mid;
        }
      }
    }
    const times = materialize(b);
    times.copyWithin(i + 1, i, b.end);
    b.values.copyWithin(i + 1, i, b.end);
    times[i] = t;
    b.values[i] = value;
    b.end++;
    this.#length++;
  }

  /** Drops points older than `cutoff` seconds (whole blocks are freed). */
  trim(cutoff: number): void {
    const k = this.#blockFor(cutoff);
    if (k > 0) {
      for (let j = 0; j < k; j++) {
        const b = this.#blocks[j] as Block;
        this.#length -= b.end - b.start;
      }
      this.#blocks.splice(0, k);
    }
    const first = this.#blocks[0];
    if (first === undefined) return;
    const start = lowerBound(first, first.start, first.end, cutoff);
    this.#length -= start - first.start;
    first.start = start;
  }

  /** Seconds of points [s, e) of block b into `out` at `o`. */
  static #copyTimes(b: Block, s: number, e: number, out: Uint32Array, o: number): void {
    if (b.times !== undefined) out.set(b.times.subarray(s, e), o);
    else for (let i = s; i < e; i++) out[o++] = b.t0 + i * b.step;
  }

  /** The points within [from, to]: views when they lie in one block with its seconds, else copies. */
  window(from: number, to: number): SeriesData {
    const hi = Math.floor(to) + 1;
    const ka = this.#blockFor(from);
    const kb = Math.min(this.#blockFor(hi), this.#blocks.length - 1);
    let times: Uint32Array = EMPTY_TIMES;
    let values: Float64Array = EMPTY_VALUES;
    if (ka <= kb) {
      const first = this.#blocks[ka] as Block;
      const last = this.#blocks[kb] as Block;
      const a = lowerBound(first, first.start, first.end, from);
      const z = lowerBound(last, last.start, last.end, hi);
      if (ka === kb) {
        values = first.values.subarray(a, z);
        if (first.times !== undefined) times = first.times.subarray(a, z);
        else if (z > a) {
          times = new Uint32Array(z - a);
          Series.#copyTimes(first, a, z, times, 0);
        }
      } else {
        let n = first.end - a + (z - last.start);
        for (let k = ka + 1; k < kb; k++) {
          const b = this.#blocks[k] as Block;
          n += b.end - b.start;
        }
        times = new Uint32Array(n);
        values = new Float64Array(n);
        let o = 0;
        for (let k = ka; k <= kb; k++) {
          const b = this.#blocks[k] as Block;
          const s = k === ka ? a : b.start;
          const e = k === kb ? z : b.end;
          Series.#copyTimes(b, s, e, times, o);
          values.set(b.values.subarray(s, e), o);
          o += e - s;
        }
      }
    }
    return { metric: this.metric, tags: this.tags, type: this.type, interval: this.interval, times, values };
  }
}

const EMPTY_TIMES = new Uint32Array(0);
const EMPTY_VALUES = new Float64Array(0);
const EMPTY_KEYS = new Int32Array(0);
const EMPTY_COUNTS = new Float32Array(0);

/** Buckets per block of a distribution's bucket columns (60 bytes a bucket: 30 KB a block). */
export const BUCKETS_PER_BLOCK = 512;
/**
 * Bins per block of a distribution's bin columns: Int16 keys + Uint8 counts (12 KB a block)
 * while every bin fits them (the Agent's mapping keeps keys of 1e-9..1e9 within +-1,400; a 10 s
 * bucket rarely puts 256 samples in one bin; counts are whole numbers unless sample rates make
 * them fractional), else Int16 + Uint16 counts, else Int32 keys + Float32 counts.
 */
export const BINS_PER_BLOCK = 4096;

interface BucketBlock {
  times: Uint32Array;
  /** count, sum, min, max, zeroCount per bucket. */
  summary: Float64Array;
  /** Index of the bucket's first bin in the series' bin sequence; positive bins first. */
  binStart: Float64Array;
  posLen: Uint32Array;
  negLen: Uint32Array;
}

function newBucketBlock(size: number): BucketBlock {
  return {
    times: new Uint32Array(size),
    summary: new Float64Array(size * 5),
    binStart: new Float64Array(size),
    posLen: new Uint32Array(size),
    negLen: new Uint32Array(size),
  };
}

interface BinBlock {
  keys: Int16Array | Int32Array;
  counts: Uint8Array | Uint16Array | Float32Array;
}

/** Bin columns, narrowest first: Int16 + Uint8, Int16 + Uint16, Int32 + Float32. */
type BinWidth = 0 | 1 | 2;

function newBinBlock(size: number, width: BinWidth): BinBlock {
  if (width === 2) return { keys: new Int32Array(size), counts: new Float32Array(size) };
  return { keys: new Int16Array(size), counts: width === 0 ? new Uint8Array(size) : new Uint16Array(size) };
}

/** The narrowest bin columns a bin fits. */
function widthOf(key: number, count: number): BinWidth {
  if (key < -32768 || key > 32767 || !Number.isInteger(count) || count < 0 || count > 65535) return 2;
  return count > 255 ? 1 : 0;
}

/**
 * One distribution series: a sketch per 10 s bucket, all buckets in shared columns (times,
 * summaries, bin keys Int32, bin counts Float32) so 24 h of buckets cost ~200 bytes each and no
 * object per bucket. Buckets and bins are in fixed-size blocks (the first of each starts small
 * and doubles), dropped whole by retention; a bucket's bins may straddle two bin blocks.
 */
export class DistributionSeries {
  readonly metric: string;
  readonly tags: readonly string[];
  #buckets: BucketBlock[] = [];
  /** Bucket number of the first slot of #buckets[0]; bucket numbers only grow. */
  #bucketBase = 0;
  #bucketCap = 0;
  #bins: BinBlock[] = [];
  /** Bin number of the first slot of #bins[0]; bin numbers only grow. */
  #binBase = 0;
  #binCap = 0;
  /** The bin columns' width: widened (never narrowed) when a bin does not fit. */
  #width: BinWidth = 0;
  /** Kept buckets are numbered [#start, #end); bins written so far end at #binEnd. */
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

  /** Bucket block and slot of bucket number g. */
  #slot(g: number): [BucketBlock, number] {
    const o = g - this.#bucketBase;
    // Every block is full size except a lone first block, so the division finds the block.
    return [this.#buckets[Math.floor(o / BUCKETS_PER_BLOCK)] as BucketBlock, o % BUCKETS_PER_BLOCK];
  }

  /** Time (seconds) of bucket i (0 = oldest kept). */
  timeAt(i: number): number {
    const [b, j] = this.#slot(this.#start + i);
    return b.times[j] as number;
  }

  get lastTime(): number {
    return this.length === 0 ? Number.NaN : this.timeAt(this.length - 1);
  }

  /** Bins [from, from + n) as views when they lie in one block, else as copies. */
  #binsAt(from: number, n: number): [BinBlock['keys'], BinBlock['counts']] {
    if (n === 0) return [EMPTY_KEYS, EMPTY_COUNTS];
    const o = from - this.#binBase;
    const k = Math.floor(o / BINS_PER_BLOCK);
    const j = o % BINS_PER_BLOCK;
    const block = this.#bins[k] as BinBlock;
    if (j + n <= block.keys.length) return [block.keys.subarray(j, j + n), block.counts.subarray(j, j + n)];
    const { keys, counts } = newBinBlock(n, this.#width);
    for (let i = 0; i < n; i++) {
      const q = o + i;
      const b = this.#bins[Math.floor(q / BINS_PER_BLOCK)] as BinBlock;
      keys[i] = b.keys[q % BINS_PER_BLOCK] as number;
      counts[i] = b.counts[q % BINS_PER_BLOCK] as number;
    }
    return [keys, counts];
  }

  /** Bucket i as a CompactSketch (views on the columns: read it before the next write). */
  sketchAt(i: number): CompactSketch {
    const [b, j] = this.#slot(this.#start + i);
    const pos = b.posLen[j] as number;
    const neg = b.negLen[j] as number;
    const [keys, counts] = this.#binsAt(b.binStart[j] as number, pos + neg);
    const o = j * 5;
    const sm = b.summary;
    return {
      keys: keys.subarray(0, pos),
      counts: counts.subarray(0, pos),
      negKeys: keys.subarray(pos),
      negCounts: counts.subarray(pos),
      count: sm[o] as number,
      sum: sm[o + 1] as number,
      min: sm[o + 2] as number,
      max: sm[o + 3] as number,
      zeroCount: sm[o + 4] as number,
    };
  }

  /** Room for one more bucket. */
  #reserveBucket(): void {
    if (this.#end - this.#bucketBase < this.#bucketCap) return;
    const lone = this.#buckets[0];
    if (this.#buckets.length === 1 && lone !== undefined && lone.times.length < BUCKETS_PER_BLOCK) {
      const size = Math.min(BUCKETS_PER_BLOCK, lone.times.length * 2);
      const b = newBucketBlock(size);
      b.times.set(lone.times);
      b.summary.set(lone.summary);
      b.binStart.set(lone.binStart);
      b.posLen.set(lone.posLen);
      b.negLen.set(lone.negLen);
      this.#buckets[0] = b;
      this.#bucketCap = size;
      return;
    }
    this.#buckets.push(newBucketBlock(this.#buckets.length === 0 ? 16 : BUCKETS_PER_BLOCK));
    this.#bucketCap = this.#buckets.length === 1 ? 16 : this.#bucketCap + BUCKETS_PER_BLOCK;
  }

  /** Room for one more bin. */
  #reserveBin(): void {
    if (this.#binEnd - this.#binBase < this.#binCap) return;
    const lone = this.#bins[0];
    if (this.#bins.length === 1 && lone !== undefined && lone.keys.length < BINS_PER_BLOCK) {
      const b = newBinBlock(Math.min(BINS_PER_BLOCK, lone.keys.length * 2), this.#width);
      b.keys.set(lone.keys);
      b.counts.set(lone.counts);
      this.#bins[0] = b;
      this.#binCap = b.keys.length;
      return;
    }
    const size = this.#bins.length === 0 ? 256 : BINS_PER_BLOCK;
    this.#bins.push(newBinBlock(size, this.#width));
    this.#binCap = this.#bins.length === 1 ? size : this.#binCap + size;
  }

  /** Every bin block to wider columns (when a bin does not fit: at most twice a series). */
  #widen(width: BinWidth): void {
    this.#width = width;
    this.#bins = this.#bins.map((b) => {
      const w = newBinBlock(b.keys.length, width);
      w.keys.set(b.keys);
      w.counts.set(b.counts);
      return w;
    });
  }

  #pushBin(key: number, count: number): void {
    if (this.#width < 2) {
      const width = widthOf(key, count);
      if (width > this.#width) this.#widen(width);
    }
    this.#reserveBin();
    const o = this.#binEnd - this.#binBase;
    const b = this.#bins[Math.floor(o / BINS_PER_BLOCK)] as BinBlock;
    b.keys[o % BINS_PER_BLOCK] = key;
    b.counts[o % BINS_PER_BLOCK] = count;
    this.#binEnd++;
  }

  #append(t: number, sk: CompactSketch): void {
    this.#reserveBucket();
    const [b, j] = this.#slot(this.#end++);
    b.times[j] = t;
    const o = j * 5;
    b.summary[o] = sk.count;
    b.summary[o + 1] = sk.sum;
    b.summary[o + 2] = sk.min;
    b.summary[o + 3] = sk.max;
    b.summary[o + 4] = sk.zeroCount;
    b.binStart[j] = this.#binEnd;
    b.posLen[j] = sk.keys.length;
    b.negLen[j] = sk.negKeys.length;
    for (let i = 0; i < sk.keys.length; i++) this.#pushBin(sk.keys[i] as number, sk.counts[i] as number);
    for (let i = 0; i < sk.negKeys.length; i++)
      this.#pushBin(sk.negKeys[i] as number, sk.negCounts[i] as number);
  }

  /** Back to no bucket, no block. */
  #reset(): void {
    this.#width = 0;
    this.#buckets = [];
    this.#bins = [];
    this.#bucketCap = 0;
    this.#binCap = 0;
    this.#bucketBase = 0;
    this.#binBase = 0;
    this.#start = 0;
    this.#end = 0;
    this.#binEnd = 0;
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
      const [b, j] = this.#slot(this.#end - 1);
      this.#binEnd = b.binStart[j] as number;
      this.#end--;
      this.#append(t, merged);
      return;
    }
    // Out of order (rare: history replayed late): rebuild the columns in time order.
    const all: Array<[number, CompactSketch]> = [];
    for (let i = 0; i < this.length; i++) all.push([this.timeAt(i), copySketch(this.sketchAt(i))]);
    this.#reset();
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

  /** Drops buckets older than `cutoff` seconds, and the blocks left with none. */
  trim(cutoff: number): void {
    while (this.#start < this.#end && this.timeAt(0) < cutoff) this.#start++;
    if (this.#start === this.#end) {
      this.#reset();
      return;
    }
    while (this.#start - this.#bucketBase >= BUCKETS_PER_BLOCK) {
      this.#buckets.shift();
      this.#bucketBase += BUCKETS_PER_BLOCK;
      this.#bucketCap -= BUCKETS_PER_BLOCK;
    }
    const [b, j] = this.#slot(this.#start);
    const firstBin = b.binStart[j] as number;
    while (firstBin - this.#binBase >= BINS_PER_BLOCK) {
      this.#bins.shift();
      this.#binBase += BINS_PER_BLOCK;
      this.#binCap -= BINS_PER_BLOCK;
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
