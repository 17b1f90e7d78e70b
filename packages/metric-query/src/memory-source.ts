/** An in-memory SeriesSource over fixed arrays: for tests, examples and benchmarks. */
import { lowerBound } from './rollup.ts';
import type { DistributionGroup, DistributionRequest, SeriesData, SeriesSource } from './source.ts';

export interface MemorySourceOptions {
  /** Answers `source.distribution(…)`; omit for a store without distributions. */
  readonly distribution?: (request: DistributionRequest) => readonly DistributionGroup[] | undefined;
}

/** A source serving `series` by metric name, only those with points inside [from, to]. */
export function memorySource(series: readonly SeriesData[], options: MemorySourceOptions = {}): SeriesSource {
  const byMetric = new Map<string, SeriesData[]>();
  for (const s of series) {
    const list = byMetric.get(s.metric);
    if (list) list.push(s);
    else byMetric.set(s.metric, [s]);
  }
  const source: SeriesSource = {
    *series(metric, from, to) {
      for (const s of byMetric.get(metric) ?? []) {
        const i = lowerBound(s.times, from);
        if (i < s.times.length && s.times[i]! <= to) yield s;
      }
    },
  };
  return options.distribution ? { ...source, distribution: options.distribution } : source;
}

/** A gauge series with points `[t, v]` (a convenience for tests). */
export function gauge(
  metric: string,
  tags: readonly string[],
  points: readonly (readonly [number, number])[],
  interval = 10,
): SeriesData {
  return {
    metric,
    tags,
    type: 'gauge',
    interval,
    times: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}
