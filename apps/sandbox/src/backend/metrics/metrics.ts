import type {
  DistributionGroup,
  DistributionRequest,
  SeriesData,
  SeriesSource,
} from '@dd-challenge/metric-query';
import type { Logger } from 'pino';
import { Aggregator } from '../../agent/dogstatsd/aggregator.ts';
import type { Clock } from '../../clock.ts';
import { enrichTags, type HostRegistry } from '../hosts.ts';
import { Checkpoint } from './checkpoint.ts';
import type { MergeMode, SeriesType } from './series.ts';
import { MetricStore, type MetricSummary } from './store.ts';

export interface MetricsOptions {
  readonly dataDir: string;
  readonly retentionMs: number;
  readonly hosts: HostRegistry;
  /** How often the whole store is rewritten as a snapshot (the journal in between). */
  readonly snapshotEveryMs?: number;
}

/**
 * ctx.metrics: the metric store (SeriesSource for metric-query) with the DogStatsD aggregator in
 * front and the checkpoint behind. A 1 s tick closes 10 s buckets on the sandbox clock, journals
 * what they wrote, trims by retention and snapshots now and then.
 */
export class Metrics implements SeriesSource {
  readonly store = new MetricStore();
  readonly aggregator: Aggregator;
  readonly hosts: HostRegistry;
  readonly retentionMs: number;
  #clock: Clock = { now: () => Date.now() };
  readonly #checkpoint: Checkpoint;
  #log: Logger | undefined;
  readonly #snapshotEvery: number;
  #timer: NodeJS.Timeout | undefined;
  #lastSnapshot = 0;
  #lastTrim = 0;

  constructor(options: MetricsOptions) {
    this.hosts = options.hosts;
    this.retentionMs = options.retentionMs;
    this.#snapshotEvery = options.snapshotEveryMs ?? 10 * 60_000;
    this.aggregator = new Aggregator(this.store);
    this.#checkpoint = new Checkpoint(options.dataDir);
  }

  /** Replays the checkpoint and starts the flush tick on `clock`. */
  open(clock: Clock, log: Logger): { points: number; corrupt: number } {
    this.#clock = clock;
    this.#log = log;
    const loaded = this.#checkpoint.load(this.store, this.#cutoff());
    this.aggregator.advance(this.#clock.now());
    this.#lastSnapshot = Date.now();
    this.#timer = setInterval(() => this.tick(), 1000);
    this.#timer.unref();
    if (loaded.points > 0) log.info(loaded, 'metric checkpoint replayed');
    return loaded;
  }

  #cutoff(): number {
    return Math.floor((this.#clock.now() - this.retentionMs) / 1000);
  }

  /** Closes the bucket if the clock left it, journals, trims, snapshots when due. */
  tick(): void {
    try {
      this.aggregator.advance(this.#clock.now());
      this.#checkpoint.commit();
      const now = Date.now();
      if (now - this.#lastTrim >= 60_000) {
        this.#lastTrim = now;
        this.store.trim(this.#cutoff());
      }
      if (now - this.#lastSnapshot >= this.#snapshotEvery) {
        this.#lastSnapshot = now;
        this.#checkpoint.snapshot(this.store);
      }
    } catch (error) {
      this.#log?.error({ err: error }, 'metric flush failed');
    }
  }

  /** Flushes the bucket being aggregated now (stamped with its start) and journals it. */
  flush(): number {
    const n = this.aggregator.advance(this.#clock.now()) + this.aggregator.flush();
    this.#checkpoint.commit();
    return n;
  }

  /**
   * Writes points that carry their own time (series API, checks, trace metrics): tags enriched
   * with the host (`host` argument, a `host:` tag, or the sandbox's) and DD_TAGS for the local host.
   */
  submit(
    metric: string,
    tags: readonly string[],
    type: SeriesType,
    interval: number,
    points: ReadonlyArray<readonly [number, number]>,
    options: { host?: string; mode?: MergeMode } = {},
  ): number {
    const full = enrichTags(tags, this.hosts, options.host);
    const host = full.find((t) => t.startsWith('host:'));
    if (host) this.hosts.seen(host.slice(5), this.#clock.now());
    let n = 0;
    for (const [t, v] of points) {
      if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
      this.store.addPoint(metric, full, type, interval, t, v, options.mode ?? 'replace');
      n++;
    }
    return n;
  }

  /** Makes every write so far durable (the journal append). */
  commit(): void {
    this.#checkpoint.commit();
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

  /** The sandbox clock's now, in ms (what buckets are cut on). */
  now(): number {
    return this.#clock.now();
  }

  /** Stops the tick after a last flush and a snapshot. */
  close(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#checkpoint.snapshot(this.store);
  }
}
