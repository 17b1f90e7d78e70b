/**
 * Histogram and timing samples of a bucket, kept per context as a list of chunks from a pool.
 *
 * Why not one array per context, doubled as it fills: each doubling allocated zero-filled memory
 * (fresh pages from the kernel past glibc's mmap threshold) and copied what it held, so a busy
 * bucket faulted in twice the memory it kept. At the DogStatsD bench's top rate that was ~65,000
 * page faults in 3 s, a fifth of the main thread's time. Chunks are never copied; they are
 * allocated uninitialized, so a page is only faulted in when a sample first lands on it; and they
 * go back to the pool once their bucket is written, so the next bucket reuses them.
 */

/** Length of a context's first chunk; each next one doubles, up to LAST_CHUNK. */
export const FIRST_CHUNK = 16;
export const LAST_CHUNK = 65_536;
const CLASSES = Math.log2(LAST_CHUNK / FIRST_CHUNK) + 1;

/** A context's samples: `chunks` full but the last, which holds `count - full` of them. */
export interface SampleChunks {
  chunks: Float64Array[];
  /** Samples in every chunk but the last. */
  full: number;
  count: number;
}

export const noSamples = (): SampleChunks => ({ chunks: [], full: 0, count: 0 });

/** A Float64Array whose memory is not zeroed first (every element is written before it is read). */
function uninitialized(length: number): Float64Array {
  return new Float64Array(Buffer.allocUnsafeSlow(length * 8).buffer, 0, length);
}

export class ChunkPool {
  /** Free chunks by class (class k holds FIRST_CHUNK * 2^k samples). */
  readonly #free: Float64Array[][] = Array.from({ length: CLASSES }, () => []);
  #freeSamples = 0;
  #inUse = 0;
  /** Most samples in use at once since the last trim. */
  #peak = 0;
  /** Where gather() joins a context's chunks; kept between calls. */
  #joined: Float64Array = new Float64Array(0);

  /** Appends values[start, end) to `s`, taking chunks as it fills. */
  append(s: SampleChunks, values: Float64Array, start: number, end: number): void {
    let { chunks, full, count } = s;
    let last = chunks[chunks.length - 1];
    for (let i = start; i < end; ) {
      if (last === undefined || count - full === last.length) {
        if (last !== undefined) full += last.length;
        last = this.#take(last === undefined ? FIRST_CHUNK : Math.min(2 * last.length, LAST_CHUNK));
        chunks.push(last);
      }
      const at = count - full;
      const n = Math.min(end - i, last.length - at);
      // a loop, not set(subarray()): runs average a dozen samples, and each subarray is an object
      for (let k = 0; k < n; k++) last[at + k] = values[i + k] as number;
      i += n;
      count += n;
    }
    s.full = full;
    s.count = count;
  }

  /**
   * The samples of `s` in one array of `s.count` (its own chunk when it has one, else a shared
   * array that the next call overwrites): histogramStats reorders it in place.
   */
  gather(s: SampleChunks): Float64Array {
    if (s.chunks.length === 1) return (s.chunks[0] as Float64Array).subarray(0, s.count);
    if (this.#joined.length < s.count)
      this.#joined = uninitialized(Math.max(s.count, 2 * this.#joined.length));
    const out = this.#joined;
    let at = 0;
    for (const c of s.chunks) {
      const n = Math.min(c.length, s.count - at);
      out.set(n === c.length ? c : c.subarray(0, n), at);
      at += n;
    }
    return out.subarray(0, s.count);
  }

  /** Returns the chunks of `s` to the pool (their samples are no longer needed). */
  give(s: SampleChunks): void {
    for (const c of s.chunks) {
      this.#freeList(c.length).push(c);
      this.#freeSamples += c.length;
      this.#inUse -= c.length;
    }
    s.chunks = [];
    s.full = 0;
    s.count = 0;
  }

  /**
   * Frees what the pool keeps beyond the most that was in use since the last call (called as each
   * bucket is written): a steady rate keeps its chunks, a burst's are let go a bucket later.
   */
  trim(): void {
    let excess = this.#freeSamples + this.#inUse - this.#peak;
    for (let k = CLASSES - 1; k >= 0 && excess > 0; k--) {
      const list = this.#free[k] as Float64Array[];
      while (list.length > 0 && excess > 0) {
        const c = list.pop() as Float64Array;
        this.#freeSamples -= c.length;
        excess -= c.length;
      }
    }
    if (this.#joined.length > this.#peak) this.#joined = new Float64Array(0);
    this.#peak = this.#inUse;
  }

  /** Free chunks of `length` samples (a power of two from FIRST_CHUNK to LAST_CHUNK). */
  #freeList(length: number): Float64Array[] {
    return this.#free[Math.log2(length / FIRST_CHUNK)] as Float64Array[];
  }

  /** Samples held in chunks, in use and free (for tests). */
  get held(): { inUse: number; free: number } {
    return { inUse: this.#inUse, free: this.#freeSamples };
  }

  #take(length: number): Float64Array {
    let c = this.#freeList(length).pop();
    if (c === undefined) c = uninitialized(length);
    else this.#freeSamples -= length;
    this.#inUse += length;
    if (this.#inUse > this.#peak) this.#peak = this.#inUse;
    return c;
  }
}
