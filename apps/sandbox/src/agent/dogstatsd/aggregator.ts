import type { DDSketch } from '@datadog/sketches-js';
import type { Flushed, MetricPoint, SketchPoint } from '../../backend/metrics/points.ts';
import { newSketch } from '../../backend/metrics/sketch.ts';
import { histogramStats } from './histogram.ts';
import type { MetricType } from './parser.ts';

/** A point's complete tags (sorted, with the host) and their text, what contexts are keyed by. */
export interface Tags {
  readonly list: readonly string[];
  readonly key: string;
}

export const tagsOf = (list: readonly string[]): Tags => ({ list, key: list.join(',') });

/** One context (name, type, complete tags) and what it received in one bucket. */
interface Context {
  readonly name: string;
  readonly type: MetricType;
  readonly tags: readonly string[];
  /** gauge: the last value; count: the sum of value/rate. */
  value: number;
  /** histogram, timing: the samples, and their weights once one weighs other than 1. */
  samples: number[];
  weights: number[] | undefined;
  members: Set<string> | undefined;
  sketch: DDSketch | undefined;
}

export interface AggregatorOptions {
  /** Flush interval in seconds (the Agent's 10). */
  readonly interval?: number;
  /** Histogram percentiles, 1..100 (the Agent's default [95]). */
  readonly percentiles?: readonly number[];
}

/**
 * DogStatsD aggregation as the Agent does it, per 10 s bucket stamped with the bucket start:
 * gauge last value; count sum(value/rate)/interval as a rate; histogram and timing .max .median
 * .avg .count .<p>percentile; set the number of unique members; distribution a sketch (each
 * value counted 1/rate times). A sample lands in the bucket of its arrival time.
 */
export class Aggregator {
  readonly interval: number;
  readonly #percentiles: readonly number[];
  /** Open buckets by start (seconds): contexts by name, type and sorted tags. */
  readonly #buckets = new Map<number, Map<string, Context>>();
  /** Points that carry their own time (`|T`): written at the next flush as they are. */
  #timestamped: MetricPoint[] = [];

  constructor(options: AggregatorOptions = {}) {
    this.interval = options.interval ?? 10;
    this.#percentiles = options.percentiles ?? [95];
  }

  /** Contexts in the open buckets. */
  get contexts(): number {
    let n = 0;
    for (const b of this.#buckets.values()) n += b.size;
    return n;
  }

  #bucketOf(nowMs: number): number {
    return Math.floor(nowMs / 1000 / this.interval) * this.interval;
  }

  /** The context of a metric in the bucket of `nowMs`. */
  #context(nowMs: number, name: string, type: MetricType, tags: Tags): Context {
    const start = this.#bucketOf(nowMs);
    let bucket = this.#buckets.get(start);
    if (!bucket) {
      bucket = new Map();
      this.#buckets.set(start, bucket);
    }
    const key = `${type}\u0000${name}\u0000${tags.key}`;
    let ctx = bucket.get(key);
    if (!ctx) {
      ctx = {
        name,
        type,
        tags: tags.list,
        value: 0,
        samples: [],
        weights: undefined,
        members: undefined,
        sketch: undefined,
      };
      bucket.set(key, ctx);
    }
    return ctx;
  }

  /** The values of one line (a gauge, count, histogram, timing or distribution). */
  add(
    nowMs: number,
    name: string,
    type: Exclude<MetricType, 'set'>,
    tags: Tags,
    values: readonly number[],
    rate: number,
  ): void {
    const ctx = this.#context(nowMs, name, type, tags);
    switch (type) {
      case 'gauge':
        ctx.value = values[values.length - 1] as number;
        return;
      case 'count':
        for (const v of values) ctx.value += v / rate;
        return;
      case 'histogram':
      case 'timing': {
        const weight = rate === 1 ? 1 : Math.trunc(1 / rate);
        // weights are kept only once a sample weighs other than 1
        if (weight !== 1 && ctx.weights === undefined) ctx.weights = ctx.samples.map(() => 1);
        for (const v of values) {
          ctx.samples.push(v);
          ctx.weights?.push(weight);
        }
        return;
      }
      case 'distribution': {
        ctx.sketch ??= newSketch();
        for (const v of values) ctx.sketch.accept(v, 1 / rate);
        return;
      }
    }
  }

  /** One member of a set (its raw text; sets take no sample rate). */
  addMember(nowMs: number, name: string, tags: Tags, member: string): void {
    const ctx = this.#context(nowMs, name, 'set', tags);
    ctx.members ??= new Set();
    ctx.members.add(member);
  }

  /**
   * A gauge or count with its own time (`|T`): not aggregated, forwarded as the Agent does (a
   * count as its value/rate, added to what that time already has).
   */
  addTimestamped(
    name: string,
    type: 'gauge' | 'count',
    tags: readonly string[],
    time: number,
    values: readonly number[],
    rate: number,
  ): void {
    for (const v of values) {
      this.#timestamped.push(
        type === 'gauge'
          ? { metric: name, tags, type: 'gauge', interval: 0, time, value: v }
          : { metric: name, tags, type: 'count', interval: this.interval, time, value: v / rate, add: true },
      );
    }
  }

  /**
   * Closes the buckets the clock has left (`all`: every open bucket, the current one too) and
   * returns their points. Closing the current bucket early is safe: its later samples are
   * flushed again at the same time, counts added to the points already written.
   */
  flush(nowMs: number, all: boolean): Flushed {
    const current = this.#bucketOf(nowMs);
    const points = this.#timestamped;
    const sketches: SketchPoint[] = [];
    this.#timestamped = [];
    for (const [start, bucket] of [...this.#buckets].sort((a, b) => a[0] - b[0])) {
      if (!all && start >= current) continue;
      this.#buckets.delete(start);
      for (const ctx of bucket.values()) this.#close(ctx, start, points, sketches);
    }
    return { points, sketches };
  }

  #close(ctx: Context, time: number, points: MetricPoint[], sketches: SketchPoint[]): void {
    const { name, tags } = ctx;
    const interval = this.interval;
    const gauge = (metric: string, value: number) =>
      points.push({ metric, tags, type: 'gauge', interval, time, value });
    switch (ctx.type) {
      case 'gauge':
        gauge(name, ctx.value);
        return;
      case 'count':
        points.push({
          metric: name,
          tags,
          type: 'rate',
          interval,
          time,
          value: ctx.value / interval,
          add: true,
        });
        return;
      case 'set':
        gauge(name, ctx.members?.size ?? 0);
        return;
      case 'histogram':
      case 'timing': {
        const s = histogramStats(ctx.samples, ctx.weights, interval, this.#percentiles);
        if (!s) return;
        gauge(`${name}.max`, s.max);
        gauge(`${name}.median`, s.median);
        gauge(`${name}.avg`, s.avg);
        points.push({
          metric: `${name}.count`,
          tags,
          type: 'rate',
          interval,
          time,
          value: s.count,
          add: true,
        });
        for (const [p, v] of s.percentiles) gauge(`${name}.${p}percentile`, v);
        return;
      }
      case 'distribution':
        if (ctx.sketch) sketches.push({ metric: name, tags, time, sketch: ctx.sketch });
        return;
    }
  }
}
