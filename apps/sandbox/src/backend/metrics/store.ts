import type {
  DistributionGroup,
  DistributionRequest,
  SeriesData,
  SeriesSource,
} from '@dd-challenge/metric-query';
import type { Journal } from './checkpoint.ts';
import { DistributionSeries, type MergeMode, Series, type SeriesType } from './series.ts';
import { type CompactSketch, mergeSketches } from './sketch.ts';

export type { MergeMode, SeriesType } from './series.ts';

/** A metric and its tags, sorted and deduplicated (`host:` included): one series. */
export function seriesKey(metric: string, tags: readonly string[]): string {
  return tags.length === 0 ? metric : `${metric}\u0000${tags.join(',')}`;
}

/** Tags as the store keeps them: sorted, deduplicated, no empty ones. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out = tags.filter((t) => t.length > 0);
  out.sort();
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

export interface MetricSummary {
  readonly metric: string;
  readonly kind: SeriesType | 'distribution';
  readonly series: number;
  readonly points: number;
  readonly lastTime: number | undefined;
}

/**
 * The sandbox's metric store: every series in memory (columnar), bounded by the retention
 * window, each write journaled to the data folder by the Checkpoint (see checkpoint.ts).
 * Times are UNIX seconds. Implements metric-query's SeriesSource.
 */
export class MetricStore implements SeriesSource {
  readonly #byMetric = new Map<string, Map<string, Series>>();
  readonly #dists = new Map<string, Map<string, DistributionSeries>>();
  #journal: Journal | undefined;
  #points = 0;

  /** Where every write is recorded for restarts; set by the checkpoint once it has replayed. */
  attachJournal(journal: Journal | undefined): void {
    this.#journal = journal;
  }

  /** Points ever written (statistics). */
  get pointsWritten(): number {
    return this.#points;
  }

  /**
   * Writes one point. `tags` must be normalized (normalizeTags). A point at a time the series
   * already has replaces it (`replace`, Datadog's last write wins) or adds to it (`add`: two
   * flushes of the same DogStatsD bucket).
   */
  addPoint(
    metric: string,
    tags: readonly string[],
    type: SeriesType,
    interval: number,
    time: number,
    value: number,
    mode: MergeMode = 'replace',
  ): void {
    if (!Number.isFinite(value) || !Number.isFinite(time) || time < 0) return;
    let bucket = this.#byMetric.get(metric);
    if (!bucket) {
      bucket = new Map();
      this.#byMetric.set(metric, bucket);
    }
    const key = seriesKey(metric, tags);
    let series = bucket.get(key);
    if (!series) {
      series = new Series(metric, tags, type, interval);
      bucket.set(key, series);
    }
    // A series keeps the type it was made with; a count landing in a rate series is normalised.
    const v =
      series.type === 'rate' && type === 'count' && series.interval > 0 ? value / series.interval : value;
    series.add(time, v, mode);
    this.#points++;
    this.#journal?.point(metric, tags, type, interval, time, value, mode);
  }

  /** Writes one distribution bucket (merged with a sketch already at that time). */
  addSketch(metric: string, tags: readonly string[], time: number, sketch: CompactSketch): void {
    if (sketch.count <= 0 || !Number.isFinite(time)) return;
    let bucket = this.#dists.get(metric);
    if (!bucket) {
      bucket = new Map();
      this.#dists.set(metric, bucket);
    }
    const key = seriesKey(metric, tags);
    let series = bucket.get(key);
    if (!series) {
      series = new DistributionSeries(metric, tags);
      bucket.set(key, series);
    }
    series.add(time, sketch);
    this.#points++;
    this.#journal?.sketch(metric, tags, time, sketch);
  }

  /** Every series of `metric` with points in [from, to] (seconds), as views. */
  *series(metric: string, from: number, to: number): Iterable<SeriesData> {
    const bucket = this.#byMetric.get(metric);
    if (!bucket) return;
    for (const s of bucket.values()) {
      const w = s.window(from, to);
      if (w.times.length > 0) yield w;
    }
  }

  /** True when `metric` is a distribution (its percentiles come from sketches). */
  isDistribution(metric: string): boolean {
    return this.#dists.has(metric);
  }

  /** Distribution statistics per group and time bucket, from merged sketches. */
  distribution(request: DistributionRequest): readonly DistributionGroup[] | undefined {
    const bucket = this.#dists.get(request.metric);
    if (!bucket) return undefined;
    const width = Math.max(1, Math.floor(request.bucketSeconds));
    const groups = new Map<string, { tags: string[] | undefined; buckets: Map<number, CompactSketch[]> }>();
    for (const s of bucket.values()) {
      const name = request.groupOf(s.tags);
      if (name === undefined) continue;
      let g = groups.get(name);
      if (!g) {
        g = { tags: undefined, buckets: new Map() };
        groups.set(name, g);
      }
      let any = false;
      for (let i = 0; i < s.length; i++) {
        const t = s.timeAt(i);
        if (t < request.from || t > request.to) continue;
        any = true;
        const b = Math.floor(t / width) * width;
        let list = g.buckets.get(b);
        if (!list) {
          list = [];
          g.buckets.set(b, list);
        }
        list.push(s.sketchAt(i));
      }
      if (any) g.tags = g.tags === undefined ? [...s.tags] : g.tags.filter((t) => s.tags.includes(t));
    }
    const out: DistributionGroup[] = [];
    const stat = request.stat;
    for (const [group, g] of groups) {
      if (g.buckets.size === 0) continue;
      const times = [...g.buckets.keys()].sort((a, b) => a - b);
      const values = times.map((t) => {
        const merged = mergeSketches(g.buckets.get(t) as CompactSketch[]);
        if (typeof stat === 'object') return merged.getValueAtQuantile(stat.quantile);
        switch (stat) {
          case 'avg':
            return merged.count > 0 ? merged.sum / merged.count : Number.NaN;
          case 'sum':
            return merged.sum;
          case 'count':
            return merged.count;
          case 'min':
            return merged.min;
          case 'max':
            return merged.max;
        }
        return Number.NaN;
      });
      out.push({ group, tags: g.tags ?? [], times, values });
    }
    return out;
  }

  /** Drops points older than `cutoff` (seconds) and the series left empty. */
  trim(cutoff: number): void {
    for (const [metric, bucket] of this.#byMetric) {
      for (const [key, s] of bucket) {
        s.trim(cutoff);
        if (s.length === 0) bucket.delete(key);
      }
      if (bucket.size === 0) this.#byMetric.delete(metric);
    }
    for (const [metric, bucket] of this.#dists) {
      for (const [key, s] of bucket) {
        s.trim(cutoff);
        if (s.length === 0) bucket.delete(key);
      }
      if (bucket.size === 0) this.#dists.delete(metric);
    }
  }

  /** Every metric name with its kind, series count, point count and last point time. */
  metrics(): MetricSummary[] {
    const out: MetricSummary[] = [];
    for (const [metric, bucket] of this.#byMetric) {
      let points = 0;
      let last = Number.NaN;
      let kind: SeriesType = 'gauge';
      for (const s of bucket.values()) {
        points += s.length;
        kind = s.type;
        if (!(s.lastTime <= last)) last = s.lastTime;
      }
      out.push({
        metric,
        kind,
        series: bucket.size,
        points,
        lastTime: Number.isNaN(last) ? undefined : last,
      });
    }
    for (const [metric, bucket] of this.#dists) {
      let points = 0;
      let last = Number.NaN;
      for (const s of bucket.values()) {
        points += s.length;
        const l = s.lastTime;
        if (!Number.isNaN(l) && !(l <= last)) last = l;
      }
      out.push({
        metric,
        kind: 'distribution',
        series: bucket.size,
        points,
        lastTime: Number.isNaN(last) ? undefined : last,
      });
    }
    return out.sort((a, b) => a.metric.localeCompare(b.metric));
  }

  /** Every plain series (for snapshots). */
  *allSeries(): Iterable<Series> {
    for (const bucket of this.#byMetric.values()) yield* bucket.values();
  }

  /** Every distribution series (for snapshots). */
  *allDistributions(): Iterable<DistributionSeries> {
    for (const bucket of this.#dists.values()) yield* bucket.values();
  }
}
