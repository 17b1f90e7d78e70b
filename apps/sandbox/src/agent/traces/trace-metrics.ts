import type { DDSketch } from '@datadog/sketches-js';
import type { Flushed, MetricPoint, SketchPoint } from '../../backend/metrics/points.ts';
import { newSketch } from '../../backend/metrics/sketch.ts';
import { type Span, topLevelSpans } from './span.ts';

/** The Agent's bucket width (seconds). */
const INTERVAL = 10;

/** One operation's top-level spans with one set of tags, in one bucket. */
interface Stats {
  readonly name: string;
  readonly tags: readonly string[];
  hits: number;
  errors: number;
  durationSeconds: number;
  readonly sketch: DDSketch;
}

export interface TraceMetricsOptions {
  /** The env of spans without an `env` tag (DD_ENV). */
  readonly env: string;
  /** The `host:` tag of every point; none when not given. */
  readonly hostname?: string | undefined;
  /** Tags of that host (DD_TAGS), added to every point as the Agent does, unless the span has that key. */
  readonly hostTags?: readonly string[] | undefined;
}

/**
 * The trace metrics the Agent derives from top-level spans (see topLevelSpans), in 10 s buckets
 * by arrival: trace.<name>.hits and .errors (counts), trace.<name>.duration (total seconds, a
 * gauge) and trace.<name> (the latency distribution in seconds), tagged env, service,
 * resource_name, http.status_code and version (when the span has them) and the host.
 */
export class TraceMetrics {
  readonly #options: TraceMetricsOptions;
  /** Bucket start (UNIX seconds) -> tags key -> stats. */
  readonly #buckets = new Map<number, Map<string, Stats>>();

  constructor(options: TraceMetricsOptions) {
    this.#options = options;
  }

  /** Counts the top-level spans of one trace chunk received at nowMs. */
  add(chunk: readonly Span[], nowMs: number): void {
    const time = Math.floor(nowMs / 1000 / INTERVAL) * INTERVAL;
    let bucket = this.#buckets.get(time);
    if (bucket === undefined) {
      bucket = new Map();
      this.#buckets.set(time, bucket);
    }
    for (const span of topLevelSpans(chunk)) {
      const tags = this.#tags(span);
      const key = `${span.name}\u0000${tags.join(',')}`;
      let stats = bucket.get(key);
      if (stats === undefined) {
        stats = { name: span.name, tags, hits: 0, errors: 0, durationSeconds: 0, sketch: newSketch() };
        bucket.set(key, stats);
      }
      const seconds = span.duration / 1e9;
      stats.hits++;
      stats.errors += span.error;
      stats.durationSeconds += seconds;
      if (seconds >= 0) stats.sketch.accept(seconds);
    }
  }

  #tags(span: Span): string[] {
    const { env, hostname, hostTags = [] } = this.#options;
    const tags = [`env:${span.meta.env ?? env}`, `service:${span.service}`, `resource_name:${span.resource}`];
    const status = span.meta['http.status_code'];
    if (status !== undefined) tags.push(`http.status_code:${status}`);
    const version = span.meta.version;
    if (version !== undefined) tags.push(`version:${version}`);
    if (hostname !== undefined) {
      tags.push(`host:${hostname}`);
      // A host tag gives way to the span's own tag of that key (env:, version:...).
      for (const t of hostTags) {
        const key = t.includes(':') ? t.slice(0, t.indexOf(':') + 1) : undefined;
        if (key ? !tags.some((x) => x.startsWith(key)) : !tags.includes(t)) tags.push(t);
      }
    }
    return tags.sort();
  }

  /**
   * The buckets the clock has left (all of them with `all`), as points to write. A bucket flushed
   * while open and flushed again later adds to what the first flush wrote.
   */
  flush(nowMs: number, all: boolean): Flushed {
    const points: MetricPoint[] = [];
    const sketches: SketchPoint[] = [];
    for (const [time, bucket] of this.#buckets) {
      if (!all && (time + INTERVAL) * 1000 > nowMs) continue;
      this.#buckets.delete(time);
      for (const s of bucket.values()) {
        const base = `trace.${s.name}`;
        const point = (metric: string, type: MetricPoint['type'], value: number): MetricPoint => ({
          metric,
          tags: s.tags,
          type,
          interval: INTERVAL,
          time,
          value,
          add: true,
        });
        points.push(
          point(`${base}.hits`, 'count', s.hits),
          point(`${base}.errors`, 'count', s.errors),
          point(`${base}.duration`, 'gauge', s.durationSeconds),
        );
        sketches.push({ metric: base, tags: s.tags, time, sketch: s.sketch });
      }
    }
    return { points, sketches };
  }
}
