import type { DDSketch } from '@datadog/sketches-js';
import { compactSketch, newSketch } from '../../backend/metrics/sketch.ts';
import type { MetricStore } from '../../backend/metrics/store.ts';
import { grown } from '../../typed-arrays.ts';
import { histogramStats } from './histogram.ts';
import { ChunkPool, noSamples, type SampleChunks } from './sample-chunks.ts';
import { SampleLog } from './sample-log.ts';

/** DogStatsD metric types: c g ms h s d. */
export type MetricKind = 'count' | 'gauge' | 'timing' | 'histogram' | 'set' | 'distribution';

/** A kind as a number, for the aggregator's per-slot columns. */
const KIND_CODE: Record<MetricKind, number> = {
  gauge: 0,
  count: 1,
  histogram: 2,
  timing: 3,
  distribution: 4,
  set: 5,
};

/**
 * One metric context (name, type, normalized tags) and its state for the bucket being
 * aggregated. The DogStatsD parser keeps a reference per distinct raw line shape, so a sample
 * costs no lookup by string. Its gauge/count value and whether it has a sample in the open bucket
 * live in the aggregator's columns by `slot` (sampleSlot() then reads no object).
 */
export class MetricContext {
  readonly name: string;
  readonly kind: MetricKind;
  readonly tags: readonly string[];
  /** Set once the aggregator forgot the context (idle); holders must look it up again. */
  expired = false;
  /** Bucket (seconds) the context was last sampled in. */
  lastBucket = -1;
  /** Histogram/timing samples of the bucket, in chunks of the aggregator's pool. */
  samples: SampleChunks = noSamples();
  /** Empty while every sample weighs 1; else parallel to `samples`. */
  weights: number[] = [];
  members: Set<string> | undefined;
  sketch: DDSketch | undefined;
  /** Index of this context in its aggregator's columns while it is known. */
  slot = -1;

  constructor(name: string, kind: MetricKind, tags: readonly string[]) {
    this.name = name;
    this.kind = kind;
    this.tags = tags;
  }
}

/** Longest a deferred write of closed buckets holds the event loop before reading sockets again. */
const DRAIN_SLICE_MS = 10;

/** One context's state for a closed bucket, detached so the next bucket can start at once. */
interface Sealed {
  readonly ctx: MetricContext;
  readonly value: number;
  readonly samples: SampleChunks;
  readonly weights: number[];
  readonly members: Set<string> | undefined;
  readonly sketch: DDSketch | undefined;
}

export interface AggregatorOptions {
  /** Flush interval in seconds (the Agent's 10). */
  readonly interval?: number;
  /** Histogram percentiles, 1..100 (the Agent's default [95]). */
  readonly percentiles?: readonly number[];
  /** Seconds a context may stay idle before it is forgotten. */
  readonly idleSeconds?: number;
}

/**
 * DogStatsD aggregation exactly as the Agent does it, per 10 s bucket stamped with the bucket
 * start: gauge last value; count sum(value/rate)/interval as a rate; histogram and timing
 * .max .median .avg .count .95percentile; set the number of unique members; distribution a
 * sketch (each value counted 1/rate times).
 */
export class Aggregator {
  readonly interval: number;
  readonly #store: MetricStore;
  readonly #percentiles: readonly number[];
  readonly #idle: number;
  readonly #contexts = new Map<string, MetricContext>();
  #active: MetricContext[] = [];
  /** Closed buckets not yet written to the store, oldest first; `next`: first state not written. */
  readonly #sealed: Array<{ t: number; states: Sealed[]; next: number }> = [];
  #drainScheduled = false;
  /** Contexts by slot (undefined: free), and the free slots. */
  readonly #bySlot: Array<MetricContext | undefined> = [];
  readonly #freeSlots: number[] = [];
  /** Per slot: the kind's code, the gauge/count value of the open bucket, 1 while sampled in it. */
  #kindBySlot = new Uint8Array(1024);
  #valueBySlot = new Float64Array(1024);
  #activeBySlot = new Uint8Array(1024);
  /**
   * Per slot: bumped each time the slot is freed (its context forgotten), so a holder of a slot
   * number can tell that it no longer names its context (see generation()).
   */
  #genBySlot = new Int32Array(1024);
  /** Where histogram and timing contexts keep their samples (sample-chunks.ts). */
  readonly #chunks = new ChunkPool();
  /** Histogram, timing and distribution samples of the open bucket not yet in their contexts. */
  readonly #log = new SampleLog((slot, values, rates, start, end) =>
    this.#applyRun(this.#bySlot[slot] as MetricContext, values, rates, start, end),
  );
  #bucket = -1;
  #lastExpiry = 0;
  /** Called at each flush with the bucket time; each writes its own points and returns how many. */
  readonly flushHooks: Array<(bucketTime: number) => number> = [];
  /** Called first by flush(): intake that queues datagrams parses them now (the receiver thread's ring). */
  readonly beforeFlush: Array<() => void> = [];
  /** Points written by flushes (statistics). */
  flushedPoints = 0;
  flushes = 0;

  constructor(store: MetricStore, options: AggregatorOptions = {}) {
    this.#store = store;
    this.interval = options.interval ?? 10;
    this.#percentiles = options.percentiles ?? [95];
    this.#idle = options.idleSeconds ?? 300;
  }

  /** The shared context for a metric; `tags` must be normalized. */
  context(name: string, kind: MetricKind, tags: readonly string[]): MetricContext {
    const key = `${kind}\u0000${name}\u0000${tags.join(',')}`;
    let ctx = this.#contexts.get(key);
    if (!ctx) {
      ctx = new MetricContext(name, kind, tags);
      const slot = this.#freeSlots.pop() ?? this.#bySlot.length;
      if (slot >= this.#kindBySlot.length) this.#growSlots(slot + 1);
      ctx.slot = slot;
      this.#bySlot[slot] = ctx;
      this.#kindBySlot[slot] = KIND_CODE[kind];
      this.#valueBySlot[slot] = 0;
      this.#activeBySlot[slot] = 0;
      this.#contexts.set(key, ctx);
    }
    return ctx;
  }

  #growSlots(atLeast: number): void {
    const n = Math.max(atLeast, 2 * this.#kindBySlot.length);
    this.#kindBySlot = grown(this.#kindBySlot, n);
    this.#valueBySlot = grown(this.#valueBySlot, n);
    this.#activeBySlot = grown(this.#activeBySlot, n);
    this.#genBySlot = grown(this.#genBySlot, n);
  }

  get contexts(): number {
    return this.#contexts.size;
  }

  /**
   * The generation of `slot`: a context's slot and this number, read together, still name that
   * context while the number is unchanged (it changes when the context is forgotten).
   */
  generation(slot: number): number {
    return this.#genBySlot[slot] as number;
  }

  /**
   * Moves to the bucket of `nowMs`; when it differs from the current one, closes the current
   * bucket first (so samples land in the bucket of their arrival). With `defer` (the receive
   * paths) the closed bucket is only detached here and written to the store on the next turn of
   * the event loop, so the socket is read again at once; otherwise it is written now. Returns
   * the points written now.
   */
  advance(nowMs: number, defer = false): number {
    const bucket = Math.floor(nowMs / 1000 / this.interval) * this.interval;
    if (bucket === this.#bucket) return 0;
    let written = 0;
    if (this.#bucket >= 0) {
      written = this.#seal();
      if (defer) this.#scheduleDrain();
      else written += this.#drain();
    }
    this.#bucket = bucket;
    return written;
  }

  /** Detaches the current bucket's states (cheap: references only), runs the flush hooks. */
  #seal(): number {
    // every sample of the bucket into its context first
    this.#log.drain();
    const t = this.#bucket < 0 ? Math.floor(Date.now() / 1000 / this.interval) * this.interval : this.#bucket;
    const states: Sealed[] = [];
    const values = this.#valueBySlot;
    const active = this.#activeBySlot;
    for (const ctx of this.#active) {
      const slot = ctx.slot;
      active[slot] = 0;
      states.push({
        ctx,
        value: values[slot] as number,
        samples: ctx.samples,
        weights: ctx.weights,
        members: ctx.members,
        sketch: ctx.sketch,
      });
      if (ctx.kind === 'count') values[slot] = 0;
      if (ctx.kind === 'histogram' || ctx.kind === 'timing') {
        ctx.samples = noSamples();
        ctx.weights = [];
      }
      ctx.members = undefined;
      ctx.sketch = undefined;
    }
    this.#active = [];
    this.#sealed.push({ t, states, next: 0 });
    // Hooks keep their own per-bucket state: they must close it with the bucket, not later.
    let hooked = 0;
    for (const hook of this.flushHooks) hooked += hook(t);
    this.flushedPoints += hooked;
    return hooked;
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.#drainScheduled = false;
      // A slice at a time (the histograms of a busy bucket take tens of ms): the sockets are read
      // between slices, so a burst at the bucket change fits the kernel buffer.
      this.#drain(performance.now() + DRAIN_SLICE_MS);
      if (this.#sealed.length > 0) this.#scheduleDrain();
    });
  }

  #touch(slot: number): void {
    if (this.#activeBySlot[slot] === 0) {
      this.#activeBySlot[slot] = 1;
      const ctx = this.#bySlot[slot] as MetricContext;
      ctx.lastBucket = this.#bucket;
      this.#active.push(ctx);
    }
  }

  /**
   * One sample of the context in `slot` (a gauge, count, histogram, timing or distribution, not a
   * set), without reading the context object: the DogStatsD hot path for pre-parsed lines.
   */
  sampleSlot(slot: number, value: number, rate: number): void {
    if (this.#activeBySlot[slot] === 0) this.#touch(slot);
    switch (this.#kindBySlot[slot]) {
      case 0:
        this.#valueBySlot[slot] = value;
        return;
      case 1:
        this.#valueBySlot[slot] = (this.#valueBySlot[slot] as number) + value / rate;
        return;
      case 5:
        throw new Error('sampleSlot: a set member needs its text (setMember)');
      default:
        this.#log.append(slot, value, rate);
    }
  }

  /** One sample of a gauge, count, histogram, timing or distribution. */
  sample(ctx: MetricContext, value: number, rate: number): void {
    this.#one[0] = value;
    this.samples(ctx, this.#one, 1, rate);
  }

  readonly #one = new Float64Array(1);

  /**
   * The first `n` values of a line (`v:v:v`) for one context. Values are read from the typed
   * array in this loop, never passed one by one, so no number is boxed on the way.
   */
  samples(ctx: MetricContext, values: Float64Array, n: number, rate: number): void {
    const slot = ctx.slot;
    this.#touch(slot);
    switch (ctx.kind) {
      case 'gauge':
        this.#valueBySlot[slot] = values[n - 1] as number;
        return;
      case 'count': {
        let v = this.#valueBySlot[slot] as number;
        for (let i = 0; i < n; i++) v += (values[i] as number) / rate;
        this.#valueBySlot[slot] = v;
        return;
      }
      case 'histogram':
      case 'timing':
      case 'distribution': {
        // logged; the context takes them in a group (sample-log.ts, #applyRun)
        const log = this.#log;
        for (let i = 0; i < n; i++) log.append(slot, values[i] as number, rate);
        return;
      }
      case 'set':
        if (!ctx.members) ctx.members = new Set();
        for (let i = 0; i < n; i++) ctx.members.add(String(values[i]));
        return;
    }
  }

  /** Samples [start, end) of one histogram, timing or distribution context, in arrival order. */
  #applyRun(
    ctx: MetricContext,
    values: Float64Array,
    rates: Float64Array | undefined,
    start: number,
    end: number,
  ): void {
    if (ctx.kind === 'distribution') {
      if (!ctx.sketch) ctx.sketch = newSketch();
      const sketch = ctx.sketch;
      if (rates === undefined) for (let i = start; i < end; i++) sketch.accept(values[i] as number, 1);
      else for (let i = start; i < end; i++) sketch.accept(values[i] as number, 1 / (rates[i] as number));
      return;
    }
    const samples = ctx.samples;
    const weights = ctx.weights;
    // Weights are kept only once a sample weighs other than 1 (sampled lines): at full rate a
    // bucket holds its samples' chunks only.
    if (rates === undefined) {
      if (weights.length > 0) for (let i = start; i < end; i++) weights.push(1);
      this.#chunks.append(samples, values, start, end);
      return;
    }
    if (weights.length === 0) {
      let i = start;
      while (i < end && rates[i] === 1) i++;
      if (i > start) this.#chunks.append(samples, values, start, i);
      if (i === end) return;
      for (let k = 0; k < samples.count; k++) weights.push(1);
      start = i;
    }
    for (let i = start; i < end; i++) {
      const rate = rates[i] as number;
      weights.push(rate === 1 ? 1 : Math.trunc(1 / rate));
    }
    this.#chunks.append(samples, values, start, end);
  }

  /** One member of a set (kept as its raw text, no sample-rate correction). */
  setMember(ctx: MetricContext, member: string): void {
    this.#touch(ctx.slot);
    if (!ctx.members) ctx.members = new Set();
    ctx.members.add(member);
  }

  /** Finalizes the closed buckets and the current one into the store now; returns the points written. */
  flush(): number {
    for (const drain of this.beforeFlush) drain();
    const hooked = this.#seal();
    return hooked + this.#drain();
  }

  /** Writes closed buckets to the store, oldest first, until `deadline` (ms); returns the points written. */
  #drain(deadline = Number.POSITIVE_INFINITY): number {
    let written = 0;
    for (const b = this.#sealed; b.length > 0; ) {
      const first = b[0] as { t: number; states: Sealed[]; next: number };
      written += this.#write(first, deadline);
      if (first.next < first.states.length) break;
      b.shift();
      this.#closed(first.t);
    }
    return written;
  }

  /** Writes a closed bucket's states from `next` on, checking the deadline every 16 contexts. */
  #write(bucket: { t: number; states: Sealed[]; next: number }, deadline: number): number {
    const store = this.#store;
    const interval = this.interval;
    const t = bucket.t;
    let written = 0;
    const states = bucket.states;
    while (bucket.next < states.length) {
      if ((bucket.next & 15) === 0 && bucket.next > 0 && performance.now() > deadline) break;
      const st = states[bucket.next++] as Sealed;
      const ctx = st.ctx;
      switch (ctx.kind) {
        case 'gauge':
          store.addPoint(ctx.name, ctx.tags, 'gauge', interval, t, st.value, 'replace');
          written++;
          break;
        case 'count':
          store.addPoint(ctx.name, ctx.tags, 'rate', interval, t, st.value / interval, 'add');
          written++;
          break;
        case 'set':
          store.addPoint(ctx.name, ctx.tags, 'gauge', interval, t, st.members?.size ?? 0, 'replace');
          written++;
          break;
        case 'histogram':
        case 'timing': {
          const n = st.samples.count;
          const s = histogramStats(
            this.#chunks.gather(st.samples),
            st.weights,
            interval,
            this.#percentiles,
            n,
          );
          this.#chunks.give(st.samples);
          if (!s) break;
          store.addPoint(`${ctx.name}.max`, ctx.tags, 'gauge', interval, t, s.max, 'replace');
          store.addPoint(`${ctx.name}.median`, ctx.tags, 'gauge', interval, t, s.median, 'replace');
          store.addPoint(`${ctx.name}.avg`, ctx.tags, 'gauge', interval, t, s.avg, 'replace');
          store.addPoint(`${ctx.name}.count`, ctx.tags, 'rate', interval, t, s.count, 'add');
          for (const [p, v] of s.percentiles)
            store.addPoint(`${ctx.name}.${p}percentile`, ctx.tags, 'gauge', interval, t, v, 'replace');
          written += 4 + s.percentiles.size;
          break;
        }
        case 'distribution':
          if (st.sketch) store.addSketch(ctx.name, ctx.tags, t, compactSketch(st.sketch));
          written++;
          break;
      }
    }
    this.flushedPoints += written;
    return written;
  }

  /** A bucket fully written: counted, and idle contexts forgotten. */
  #closed(t: number): void {
    this.flushes++;
    this.#chunks.trim();
    if (t - this.#lastExpiry >= this.#idle) {
      this.#lastExpiry = t;
      for (const [key, ctx] of this.#contexts) {
        if (this.#activeBySlot[ctx.slot] === 0 && t - ctx.lastBucket > this.#idle) {
          ctx.expired = true;
          this.#contexts.delete(key);
          // no logged sample refers to it: the log was drained when its last bucket closed
          this.#bySlot[ctx.slot] = undefined;
          this.#genBySlot[ctx.slot] = (this.#genBySlot[ctx.slot] as number) + 1;
          this.#freeSlots.push(ctx.slot);
        }
      }
    }
  }
}
