import type { DDSketch } from '@datadog/sketches-js';
import { histogramStats } from './histogram.ts';
import { compactSketch, newSketch } from './sketch.ts';
import type { MetricStore } from './store.ts';

/** DogStatsD metric types: c g ms h s d. */
export type MetricKind = 'count' | 'gauge' | 'timing' | 'histogram' | 'set' | 'distribution';

/**
 * One metric context (name, type, normalized tags) and its state for the bucket being
 * aggregated. The DogStatsD parser keeps a reference per distinct raw line shape, so a sample
 * costs no lookup by string.
 */
export class MetricContext {
  readonly name: string;
  readonly kind: MetricKind;
  readonly tags: readonly string[];
  /** Set once the aggregator forgot the context (idle); holders must look it up again. */
  expired = false;
  /** Bucket (seconds) the context was last sampled in. */
  lastBucket = -1;
  active = false;
  value = 0;
  samples: number[] = [];
  weights: number[] = [];
  members: Set<string> | undefined;
  sketch: DDSketch | undefined;

  constructor(name: string, kind: MetricKind, tags: readonly string[]) {
    this.name = name;
    this.kind = kind;
    this.tags = tags;
  }
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
  #bucket = -1;
  #lastExpiry = 0;
  /** Called at each flush with the bucket time; each writes its own points and returns how many. */
  readonly flushHooks: Array<(bucketTime: number) => number> = [];
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
      this.#contexts.set(key, ctx);
    }
    return ctx;
  }

  get contexts(): number {
    return this.#contexts.size;
  }

  /**
   * Moves to the bucket of `nowMs`; when it differs from the current one, flushes the current
   * bucket first (so samples land in the bucket of their arrival). Returns points flushed.
   */
  advance(nowMs: number): number {
    const bucket = Math.floor(nowMs / 1000 / this.interval) * this.interval;
    if (bucket === this.#bucket) return 0;
    const written = this.#bucket < 0 ? 0 : this.flush();
    this.#bucket = bucket;
    return written;
  }

  #touch(ctx: MetricContext): void {
    if (!ctx.active) {
      ctx.active = true;
      ctx.lastBucket = this.#bucket;
      this.#active.push(ctx);
    }
  }

  /** One sample of a gauge, count, histogram, timing or distribution. */
  sample(ctx: MetricContext, value: number, rate: number): void {
    this.#touch(ctx);
    switch (ctx.kind) {
      case 'gauge':
        ctx.value = value;
        return;
      case 'count':
        ctx.value += value / rate;
        return;
      case 'histogram':
      case 'timing':
        ctx.samples.push(value);
        ctx.weights.push(Math.trunc(1 / rate));
        return;
      case 'distribution': {
        if (!ctx.sketch) ctx.sketch = newSketch();
        ctx.sketch.accept(value, 1 / rate);
        return;
      }
      case 'set':
        if (!ctx.members) ctx.members = new Set();
        ctx.members.add(String(value));
        return;
    }
  }

  /** One member of a set (kept as its raw text, no sample-rate correction). */
  setMember(ctx: MetricContext, member: string): void {
    this.#touch(ctx);
    if (!ctx.members) ctx.members = new Set();
    ctx.members.add(member);
  }

  /** Finalizes the current bucket into the store now; returns the points written. */
  flush(): number {
    const t = this.#bucket < 0 ? Math.floor(Date.now() / 1000 / this.interval) * this.interval : this.#bucket;
    const store = this.#store;
    const interval = this.interval;
    let written = 0;
    for (const ctx of this.#active) {
      ctx.active = false;
      switch (ctx.kind) {
        case 'gauge':
          store.addPoint(ctx.name, ctx.tags, 'gauge', interval, t, ctx.value, 'replace');
          written++;
          break;
        case 'count':
          store.addPoint(ctx.name, ctx.tags, 'rate', interval, t, ctx.value / interval, 'add');
          ctx.value = 0;
          written++;
          break;
        case 'set':
          store.addPoint(ctx.name, ctx.tags, 'gauge', interval, t, ctx.members?.size ?? 0, 'replace');
          ctx.members = undefined;
          written++;
          break;
        case 'histogram':
        case 'timing': {
          const s = histogramStats(ctx.samples, ctx.weights, interval, this.#percentiles);
          ctx.samples = [];
          ctx.weights = [];
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
          if (ctx.sketch) store.addSketch(ctx.name, ctx.tags, t, compactSketch(ctx.sketch));
          ctx.sketch = undefined;
          written++;
          break;
      }
    }
    this.#active = [];
    for (const hook of this.flushHooks) written += hook(t);
    this.flushedPoints += written;
    this.flushes++;
    if (t - this.#lastExpiry >= this.#idle) {
      this.#lastExpiry = t;
      for (const [key, ctx] of this.#contexts) {
        if (!ctx.active && t - ctx.lastBucket > this.#idle) {
          ctx.expired = true;
          this.#contexts.delete(key);
        }
      }
    }
    return written;
  }
}
