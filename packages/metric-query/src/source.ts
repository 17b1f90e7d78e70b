/**
 * What the evaluator reads points from. The sandbox's metric store implements it; tests use
 * small in-memory tables. Times are UNIX seconds, ascending; a series' tags are `key:value`
 * (or a bare `value`), the host included as `host:<name>`.
 */
export interface SeriesData {
  readonly metric: string;
  readonly tags: readonly string[];
  /** How the Agent stored it: a DogStatsD count arrives as a rate per second. */
  readonly type: 'gauge' | 'rate' | 'count';
  /** Seconds between points as submitted (10 for DogStatsD flushes); 0 when unknown. */
  readonly interval: number;
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** Statistics of a distribution metric the store can compute from its sketches. */
export type DistributionStat = 'avg' | 'sum' | 'count' | 'min' | 'max' | { readonly quantile: number };

export interface DistributionRequest {
  readonly metric: string;
  readonly from: number;
  readonly to: number;
  /** Keeps a series (by its tags) and names its group; undefined drops it. */
  readonly groupOf: (tags: readonly string[]) => string | undefined;
  readonly stat: DistributionStat;
  /** Width of the time buckets to merge sketches into, in seconds. */
  readonly bucketSeconds: number;
}

export interface DistributionGroup {
  readonly group: string;
  /** The tags every series of the group shares (what `by {…}` names). */
  readonly tags: readonly string[];
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export interface SeriesSource {
  /** Every series of `metric` that has points within [from, to]; the evaluator filters by scope. */
  series(metric: string, from: number, to: number): Iterable<SeriesData>;
  /**
   * For distribution metrics (`p95:trace.fastify.request{…}`): sketches merged across the series
   * of each group and each time bucket, so percentiles are exact to the sketch, not averaged.
   * Undefined when the store has no distribution of that name.
   */
  distribution?(request: DistributionRequest): readonly DistributionGroup[] | undefined;
}
