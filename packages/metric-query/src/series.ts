/** The evaluator's intermediate values: series on a shared grid, and helpers to move between grids. */
import type { Bands } from './anomalies.ts';
import type { Grid } from './rollup.ts';
import type { SeriesSource } from './source.ts';

/** One result series on its grid; NaN marks a bucket without a point. */
export interface EvalSeries {
  readonly metric: string;
  /** Group tags (`by {…}`), empty for an ungrouped series. */
  readonly tags: readonly string[];
  /** Datadog's `scope`: the query scope and the group tags. */
  readonly scope: string;
  readonly aggr: string | null;
  /** The query of this one series, e.g. `avg:m{host:a}`. */
  readonly expression: string;
  readonly values: Float64Array;
  readonly isRate: boolean;
  readonly bands?: Bands;
}

export type Evaluated =
  | { readonly kind: 'series'; readonly grid: Grid; readonly series: readonly EvalSeries[] }
  | { readonly kind: 'scalar'; readonly value: number };

export interface EvalContext {
  readonly source: SeriesSource;
  /** The rollup interval of metric queries without an explicit `.rollup(…, seconds)`. */
  readonly interval: number;
  /**
   * The finest interval any series may come out on, explicit `.rollup(…, seconds)` included:
   * `evaluate()` sets it so no series passes Datadog's 1,500 points (monitors leave it unset).
   */
  readonly minInterval?: number;
}

/** Applies f to every point (or to a scalar) and relabels each series. */
export function mapEvaluated(r: Evaluated, f: (x: number) => number, text: (s: string) => string): Evaluated {
  if (r.kind === 'scalar') return { kind: 'scalar', value: f(r.value) };
  return {
    kind: 'series',
    grid: r.grid,
    series: r.series.map((s) => ({
      ...s,
      values: s.values.map(f),
      expression: text(s.expression),
      bands: undefined,
    })),
  };
}

/** Values of `src` on another grid: the bucket containing each target bucket's start. */
export function resample(values: Float64Array, src: Grid, dst: Grid): Float64Array {
  if (src.start === dst.start && src.interval === dst.interval && src.length === dst.length) return values;
  const out = new Float64Array(dst.length).fill(Number.NaN);
  for (let j = 0; j < dst.length; j++) {
    const i = Math.floor((dst.start + j * dst.interval - src.start) / src.interval);
    if (i >= 0 && i < src.length) out[j] = values[i]!;
  }
  return out;
}

/** A scalar as one constant series on `grid`; series pass through. */
export function asSeries(r: Evaluated, grid: Grid): { grid: Grid; series: readonly EvalSeries[] } {
  if (r.kind === 'series') return r;
  const values = new Float64Array(grid.length).fill(r.value);
  return {
    grid,
    series: [
      { metric: '', tags: [], scope: '*', aggr: null, expression: String(r.value), values, isRate: false },
    ],
  };
}
