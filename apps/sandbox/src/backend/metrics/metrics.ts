import type { DatabaseSync } from 'node:sqlite';
import type {
  DistributionGroup,
  DistributionRequest,
  SeriesData,
  SeriesSource,
} from '@dd-challenge/metric-query';
import type { Clock } from '../../clock.ts';
import { enrichTags, type HostRegistry } from '../hosts.ts';
import type { Flushed, MetricPoint, SeriesType } from './points.ts';
import { MetricStore, type MetricSummary } from './store.ts';

export interface MetricsOptions {
  /** The sandbox database (the metric tables are made there). */
  readonly db: DatabaseSync;
  readonly retentionMs: number;
  readonly hosts: HostRegistry;
  readonly clock: Clock;
}

/** How often writes also prune points older than the retention window. */
const PRUNE_EVERY_MS = 60_000;

/**
 * ctx.metrics: what Datadog's backend keeps of metrics. Every write is one SQLite transaction,
 * committed before it returns (the series API answers after it), and points older than the
 * retention window are pruned by time. The SeriesSource metric-query evaluates over.
 */
export class Metrics implements SeriesSource {
  readonly store: MetricStore;
  readonly hosts: HostRegistry;
  readonly retentionMs: number;
  readonly #clock: Clock;
  #lastPrune = 0;

  constructor(options: MetricsOptions) {
    this.hosts = options.hosts;
    this.retentionMs = options.retentionMs;
    this.#clock = options.clock;
    this.store = new MetricStore(options.db);
    this.#prune();
  }

  #prune(): void {
    this.#lastPrune = this.#clock.now();
    this.store.prune(Math.floor((this.#lastPrune - this.retentionMs) / 1000));
  }

  /** Writes what a flush of the Agent's buckets produced (tags already complete). */
  write(flushed: Flushed): number {
    const n = this.store.write(flushed);
    if (this.#clock.now() - this.#lastPrune >= PRUNE_EVERY_MS) this.#prune();
    return n;
  }

  /**
   * Writes points that carry their own time (series API, checks): tags enriched with the host
   * (`host` argument, a `host:` tag, or the sandbox's) and DD_TAGS for the local host. Returns
   * the points written (non-finite ones are skipped).
   */
  submit(
    metric: string,
    tags: readonly string[],
    type: SeriesType,
    interval: number,
    points: ReadonlyArray<readonly [number, number]>,
    options: { host?: string | undefined } = {},
  ): number {
    const full = enrichTags(tags, this.hosts, options.host);
    const host = full.find((t) => t.startsWith('host:'));
    if (host) this.hosts.seen(host.slice(5), this.#clock.now());
    const out: MetricPoint[] = points.map(([time, value]) => ({
      metric,
      tags: full,
      type,
      interval,
      time,
      value,
    }));
    return this.write({ points: out, sketches: [] });
  }

  series(metric: string, from: number, to: number): Iterable<SeriesData> {
    return this.store.series(metric, from, to);
  }

  distribution(request: DistributionRequest): readonly DistributionGroup[] | undefined {
    return this.store.distribution(request);
  }

  /** Metric names with kinds and sizes (for the console and inspection). */
  metrics(): MetricSummary[] {
    return this.store.metrics();
  }
}
