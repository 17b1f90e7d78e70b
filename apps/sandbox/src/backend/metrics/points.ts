import type { DDSketch } from '@datadog/sketches-js';

/** How a series is stored and queried: a DogStatsD count arrives as a rate per second. */
export type SeriesType = 'gauge' | 'rate' | 'count';

/** One point of one series. Tags sorted, deduplicated, `host:` included. Time in UNIX seconds. */
export interface MetricPoint {
  readonly metric: string;
  readonly tags: readonly string[];
  readonly type: SeriesType;
  readonly interval: number;
  readonly time: number;
  readonly value: number;
  /** Add to a point already stored at that time (a second flush of one bucket) instead of replacing it. */
  readonly add?: boolean;
}

/** One 10 s bucket of a distribution: a DDSketch from @datadog/sketches-js. */
export interface SketchPoint {
  readonly metric: string;
  readonly tags: readonly string[];
  readonly time: number;
  readonly sketch: DDSketch;
}

/** What a flush of the Agent's buckets produces. */
export interface Flushed {
  readonly points: MetricPoint[];
  readonly sketches: SketchPoint[];
}

/** Tags as the store keeps them: sorted, deduplicated, no empty ones. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out = tags.filter((t) => t.length > 0).sort();
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}
