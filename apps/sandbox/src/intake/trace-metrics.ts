import type { DDSketch } from '@datadog/sketches-js';
import type { Clock } from '../clock.ts';
import { enrichTags } from '../metrics/hosts.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { compactSketch, newSketch } from '../metrics/sketch.ts';
import type { Span } from './trace-decode.ts';

interface Bucket {
  readonly name: string;
  readonly tags: readonly string[];
  hits: number;
  errors: number;
  durationSeconds: number;
  sketch: DDSketch;
}

/**
 * The trace metrics the Agent derives from top-level spans (root spans, spans whose parent is
 * in another service or not in the chunk, and spans marked _dd.top_level or _dd.measured):
 * trace.<name>.hits and .errors (counts), trace.<name>.duration (total seconds in the 10 s
 * bucket, a gauge) and trace.<name> (the latency distribution in seconds), tagged env, service,
 * resource_name, http.status_code (when the span has one), version and the host.
 */
export class TraceMetrics {
  readonly #metrics: Metrics;
  readonly #clock: Clock;
  readonly #defaultEnv: string;
  readonly #buckets = new Map<string, Bucket>();
  readonly #tagCache = new Map<string, readonly string[]>();

  constructor(metrics: Metrics, clock: Clock, defaultEnv: string) {
    this.#metrics = metrics;
    this.#clock = clock;
    this.#defaultEnv = defaultEnv;
    metrics.aggregator.flushHooks.push((t) => this.#flush(t));
  }

  /** Counts the top-level spans of one trace chunk; returns them. */
  add(spans: readonly Span[]): Span[] {
    this.#metrics.aggregator.advance(this.#clock.now(), true);
    const byId = new Map<string, Span>();
    for (const s of spans) byId.set(s.span_id, s);
    const tops: Span[] = [];
    for (const span of spans) {
      const parent = span.parent_id === '0' ? undefined : byId.get(span.parent_id);
      const top =
        parent === undefined ||
        parent.service !== span.service ||
        span.metrics['_dd.top_level'] === 1 ||
        span.metrics['_dd.measured'] === 1;
      if (!top) continue;
      tops.push(span);
      const env = span.meta.env ?? this.#defaultEnv;
      const status = span.meta['http.status_code'];
      const version = span.meta.version;
      const key = `${span.name}\u0000${env}\u0000${span.service}\u0000${span.resource}\u0000${status ?? ''}\u0000${version ?? ''}`;
      let b = this.#buckets.get(key);
      if (!b) {
        let tags = this.#tagCache.get(key);
        if (!tags) {
          const raw = [`env:${env}`, `service:${span.service}`, `resource_name:${span.resource}`];
          if (status !== undefined) raw.push(`http.status_code:${status}`);
          if (version !== undefined) raw.push(`version:${version}`);
          tags = enrichTags(raw, this.#metrics.hosts);
          if (this.#tagCache.size > 10_000) this.#tagCache.clear();
          this.#tagCache.set(key, tags);
        }
        b = { name: span.name, tags, hits: 0, errors: 0, durationSeconds: 0, sketch: newSketch() };
        this.#buckets.set(key, b);
      }
      const seconds = span.duration / 1e9;
      b.hits++;
      b.errors += span.error;
      b.durationSeconds += seconds;
      if (seconds >= 0) b.sketch.accept(seconds);
    }
    return tops;
  }

  #flush(t: number): number {
    const store = this.#metrics.store;
    const interval = this.#metrics.aggregator.interval;
    let n = 0;
    for (const b of this.#buckets.values()) {
      const base = `trace.${b.name}`;
      store.addPoint(`${base}.hits`, b.tags, 'count', interval, t, b.hits, 'add');
      store.addPoint(`${base}.errors`, b.tags, 'count', interval, t, b.errors, 'add');
      store.addPoint(`${base}.duration`, b.tags, 'gauge', interval, t, b.durationSeconds, 'add');
      store.addSketch(base, b.tags, t, compactSketch(b.sketch));
      n += 4;
    }
    this.#buckets.clear();
    return n;
  }
}
